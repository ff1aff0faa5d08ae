"""Scott et al.'s workflow end to end on MMPose's real MacaquePose and MPII samples: macaque
training, the MPII subset, Transfer, Baseline, Benchmark, report (1 epoch each, no download)."""
import csv
import glob
import json
import os.path as osp
import sys

import pytest

from projects.cross_species import draw_mpii_subset

from .test_train_test import run
from .tiny_config import ROOT

CFG = osp.join(ROOT, 'configs', 'cross_species')
FAST = ['train_cfg.max_epochs=1', 'train_cfg.val_interval=1', 'model.backbone.init_cfg=None',
        'train_dataloader.batch_size=2', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False', 'val_dataloader.num_workers=0',
        'val_dataloader.persistent_workers=False', 'test_dataloader.num_workers=0',
        'test_dataloader.persistent_workers=False', 'param_scheduler.0.end=1']


def mpii_data(root, ann):
    return [f'{k}.dataset.{f}' for k in ('train_dataloader', 'val_dataloader', 'test_dataloader')
            for f in (f'data_root={root}', 'data_prefix.img=')] + [
        f'train_dataloader.dataset.ann_file={ann["train"]}',
        f'val_dataloader.dataset.ann_file={ann["val"]}',
        f'test_dataloader.dataset.ann_file={ann["test"]}']


def test_macaque_to_human_workflow(tmp_path, shared_data):
    macaque = osp.join(shared_data, 'mmpose_samples', 'macaque')
    mpii = osp.join(shared_data, 'mmpose_samples', 'mpii')
    ann = draw_mpii_subset(osp.join(mpii, 'test_mpii.json'), str(tmp_path / 'mpii'), num=3,
                           seed=0, val_fraction=0.34)
    mac_json = osp.join(macaque, 'test_macaque.json')

    # 1. the macaque network (2 real MacaquePose images)
    mac_work = tmp_path / 'macaque'
    run([sys.executable, 'tools/train.py', osp.join(CFG, 'td-hm_res50_8xb64-210e_macaque-256x192.py'),
         '--work-dir', str(mac_work), '--cfg-options', *FAST,
         *[f'{k}.dataset.{f}' for k in ('train_dataloader', 'val_dataloader')
           for f in (f'data_root={macaque}', 'data_prefix.img=', f'ann_file={mac_json}')],
         f'val_evaluator.ann_file={mac_json}'])
    mac_ckpt = glob.glob(str(mac_work / 'best_coco_AP_*.pth')) or [str(mac_work / 'epoch_1.pth')]

    # 2. Transfer: backbone from the macaque network, head re-initialised, MPII subset
    tr_work = tmp_path / 'transfer'
    p = run([sys.executable, 'tools/train.py',
             osp.join(CFG, 'td-hm_res50_transfer-macaque_8xb8-210e_mpii1000-256x256.py'),
             '--work-dir', str(tr_work), '--cfg-options', *FAST, *mpii_data(mpii, ann),
             f'custom_hooks.0.checkpoint={mac_ckpt[0]}'])
    log = p.stdout + p.stderr
    assert 'TransferInitHook: reinit_head' in log and 'TrainableParametersHook' in log
    assert 'sweep/F1' in log  # validated with the threshold sweep

    # 3. Baseline (macaque network on humans, mapped), Transfer and Benchmark on the test images
    outs = {}
    bm_work = tmp_path / 'benchmark'
    run([sys.executable, 'tools/train.py', osp.join(CFG, 'td-hm_res50_8xb64-210e_mpii-256x256.py'),
         '--work-dir', str(bm_work), '--cfg-options', *FAST, *mpii_data(mpii, ann),
         'val_dataloader.dataset.headbox_file=None', 'val_dataloader.dataset.ann_file=' + ann['val'],
         'train_dataloader.dataset.ann_file=' + ann['benchmark_train'],
         'val_evaluator=[]', 'train_cfg.val_interval=100'], check=True)
    for name, cfg, ckpt in (
            ('Baseline', 'td-hm_res50_baseline-macaque_mpii-256x192.py', mac_ckpt[0]),
            ('Benchmark', 'td-hm_res50_8xb64-210e_mpii-256x256.py', str(bm_work / 'epoch_1.pth')),
            ('Transfer', 'td-hm_res50_transfer-macaque_8xb8-210e_mpii1000-256x256.py',
             str(tr_work / 'epoch_1.pth'))):
        prefix = str(tmp_path / name.lower())
        out = tmp_path / f'{name}.json'
        run([sys.executable, 'tools/test.py', osp.join(CFG, cfg), ckpt, '--work-dir',
             str(tmp_path / f'test_{name}'), '--out', str(out), '--cfg-options',
             'test_dataloader.num_workers=0', 'test_dataloader.persistent_workers=False',
             'test_dataloader.dataset.data_root=' + mpii, 'test_dataloader.dataset.data_prefix.img=',
             'test_dataloader.dataset.ann_file=' + ann['test'],
             f'test_evaluator.0.outfile_prefix={prefix}'])
        metrics = json.load(open(out))
        outs[name] = prefix + '.sweep.json'
        # two test images x 16 MPII joints; the Baseline excludes head_top and upper_neck
        n_joints = 14 if name == 'Baseline' else 16
        assert len(json.load(open(outs[name]))['conf']) == 2 * n_joints
        # AUC against the Mann-Whitney statistic counted pair by pair from the dump
        conf, ok = json.load(open(outs[name]))['conf'], json.load(open(outs[name]))['correct']
        pos = [c for c, k in zip(conf, ok) if k]
        neg = [c for c, k in zip(conf, ok) if not k]
        if pos and neg:
            wins = sum((p > q) + 0.5 * (p == q) for p in pos for q in neg)
            assert metrics['sweep/AUC'] == pytest.approx(wins / (len(pos) * len(neg)))
        else:  # undefined: tools/test.py --out writes it as null (JSON has no NaN)
            assert metrics['sweep/AUC'] is None
        assert metrics['sweep/n_correct_all'] == len(pos)
        # the default FN rule: recall = correct predictions kept / all correct predictions
        if pos:
            assert metrics['sweep/recall'] == pytest.approx(
                metrics['sweep/n_correct'] / len(pos))
        assert 0 <= metrics['sweep/PCKh_mpii'] <= 1  # MPII's mean, all 16-joint outputs
        assert ('sweep/PCKh/head_top' in metrics) == (name != 'Baseline')

    # 4. the report
    run([sys.executable, 'tools/analysis/cross_species/transfer_report.py', '--out', str(tmp_path / 'report'),
         *[f'{k}={v}' for k, v in outs.items()]])
    rows = list(csv.reader(open(tmp_path / 'report' / 'table1.csv')))
    assert rows[0] == ['metric', 'Baseline', 'Benchmark', 'Transfer']
    assert [r[0] for r in rows[1:4]] == ['AUC', 'F1', 'precision']
    for png in ('roc.png', 'confidence_hist.png'):
        assert (tmp_path / 'report' / png).stat().st_size > 5000
