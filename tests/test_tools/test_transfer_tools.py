"""Transfer in a real training run (TransferInitHook, config-driven) and offline (the tool)."""
import os.path as osp
import sys

import pytest
import torch
from mmengine.config import Config

from mmpose.registry import MODELS

import projects.semimultipose  # noqa: F401
from .test_train_test import run, tiny_data  # noqa: F401  (fixture)
from .tiny_config import ROOT, write_tiny_config


def fly_checkpoint(cfg_path, out):
    """A 13-keypoint (fly) network of the tiny config's architecture, saved as a checkpoint."""
    cfg = Config.fromfile(cfg_path)
    cfg.model.head.num_keypoints = 13
    torch.manual_seed(123)
    model = MODELS.build(cfg.model)
    model.init_weights()
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), out)
    return model.state_dict()


def test_transfer_hook_in_training_then_resume(tiny_data, tmp_path):
    cfg = write_tiny_config(tmp_path / 'tiny.py', tiny_data, 'annotations/tiny.json', iters=2)
    src = fly_checkpoint(cfg, tmp_path / 'fly.pth')
    with open(cfg, 'a') as f:
        f.write(f'''
custom_hooks = [
    dict(type='TransferInitHook', checkpoint={str(tmp_path / 'fly.pth')!r}, mode='copy_mapped',
         mapping='fly_to_honeybee'),
    dict(type='TrainableParametersHook')]
optim_wrapper = dict(optimizer=dict(lr=0.0, weight_decay=0.0))  # weights stay as transferred
model['backbone']['frozen_stages'] = 1  # the tiny model's backbone, stem + stage 1 frozen
''')
    work = tmp_path / 'work'
    p = run([sys.executable, 'tools/train.py', str(cfg), '--work-dir', str(work),
             '--no-validate'])
    log = p.stdout + p.stderr
    assert 'TransferInitHook: copy_mapped' in log
    assert 'keypoint channels copied: Head<-head, Tail<-abdomen, Thorax<-thorax' in log
    assert 'frozen: backbone.conv1' in log  # MobileNetV2 frozen_stages=1: the stem and stage 1
    sd = torch.load(work / 'iter_2.pth', map_location='cpu')['state_dict']
    for t, s in {0: 2, 1: 0, 2: 1}.items():
        assert torch.equal(sd['head.keypoint_logits.weight'][t], src['head.keypoint_logits.weight'][s])
        assert torch.equal(sd['head.offsets.weight'][2 * t:2 * t + 2],
                           src['head.offsets.weight'][2 * s:2 * s + 2])
    assert torch.equal(sd['backbone.conv1.conv.weight'], src['backbone.conv1.conv.weight'])
    # a resumed training keeps its own weights
    p = run([sys.executable, 'tools/train.py', str(cfg), '--work-dir', str(work),
             '--no-validate', '--resume', str(work / 'iter_2.pth'),
             '--cfg-options', 'train_cfg.max_iters=3'])
    assert 'the transfer from' in p.stdout + p.stderr and 'is not repeated' in p.stdout + p.stderr

    # offline: the conversion tool gives the same copied channels and backbone
    run([sys.executable, 'tools/model_converters/transfer_checkpoint.py', str(tmp_path / 'fly.pth'),
         str(cfg), '--out', str(tmp_path / 'bee_from_fly.pth'), '--mode', 'copy_mapped', '--mapping',
         'fly_to_honeybee'])
    off = torch.load(tmp_path / 'bee_from_fly.pth', map_location='cpu')
    assert off['meta']['transfer']['mode'] == 'copy_mapped'
    for t, s in {0: 2, 1: 0, 2: 1}.items():
        assert torch.equal(off['state_dict']['head.box_logits.weight'][t],
                           src['head.box_logits.weight'][s])
    assert torch.equal(off['state_dict']['backbone.conv1.conv.weight'],
                       src['backbone.conv1.conv.weight'])
    p = run([sys.executable, 'tools/model_converters/transfer_checkpoint.py',
             str(tmp_path / 'fly.pth'), str(cfg), '--out', str(tmp_path / 'fly.pth')], check=False)
    assert p.returncode != 0 and 'it is the input file' in p.stderr


def test_learning_curve_with_and_without_transfer(tiny_data, tmp_path):
    import csv
    import json
    import os.path as osp
    scratch = write_tiny_config(tmp_path / 'scratch.py', tiny_data, 'annotations/tiny.json',
                                iters=2)
    fly_checkpoint(scratch, tmp_path / 'fly.pth')
    transfer = tmp_path / 'transfer.py'
    transfer.write_text(open(scratch).read() + f'''
custom_hooks = [dict(type='TransferInitHook', checkpoint={str(tmp_path / 'fly.pth')!r},
                     mode='copy_mapped', mapping='fly_to_honeybee')]
''')
    pool = osp.join(tiny_data, 'annotations', 'tiny.json')
    out = tmp_path / 'lc'
    cmd = [sys.executable, 'tools/analysis/cross_species/learning_curve.py', '--out', str(out),
           f'scratch={scratch}', f'fly-transfer={transfer}',
           '--pool', pool, '--sizes', '2', '--seeds', '0', '1', '--metric', 'sleap/AP']
    run(cmd)
    rows = list(csv.reader(open(out / 'learning_curve.csv')))
    assert [r[:3] for r in rows[1:]] == [['scratch', '2', '2'], ['fly-transfer', '2', '2'],
                                         ['fly-transfer - scratch', '2', '2']]
    # the paired row is the per-seed difference of the two variants' values
    a, b, d = ([float(v) for v in r[5].split()] for r in rows[1:])
    assert d == pytest.approx([y - x for x, y in zip(a, b)], abs=2e-4)
    assert float(rows[3][3]) == pytest.approx(sum(d) / 2, abs=2e-4)
    # one seeded draw of 2 of the 3 tiny frames per seed, shared by both variants
    drawn = json.load(open(out / 'splits' / 'N2-s1.json'))
    assert len(drawn['images']) == 2
    assert 'TransferInitHook: copy_mapped' in open(
        out / 'fly-transfer' / 'N2-s0' / 'learning_curve.log').read()
    assert 'TransferInitHook' not in open(out / 'scratch' / 'N2-s0' / 'learning_curve.log').read()
    assert (out / 'learning_curve.png').stat().st_size > 5000
    # finished runs are not repeated
    p = run(cmd)
    assert '+ ' not in p.stdout


def test_learning_curve_draws_from_mmpose_mpii_pool(tmp_path, shared_data):
    """MMPose's MPII format (a list of person entries) is a pool: images drawn, MPII written."""
    import importlib.util
    import json
    import random
    spec = importlib.util.spec_from_file_location(
        'learning_curve', osp.join(ROOT, 'tools', 'analysis', 'cross_species', 'learning_curve.py'))
    lc = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lc)
    src = osp.join(shared_data, 'mmpose_samples', 'mpii', 'test_mpii.json')
    path = lc.draw(src, 3, 1, str(tmp_path))
    got = json.load(open(path))
    images = sorted({a['image'] for a in json.load(open(src))})
    want = sorted(random.Random(1).sample(images, 3))
    assert isinstance(got, list) and sorted(a['image'] for a in got) == want
    assert set(got[0]) >= {'image', 'joints', 'joints_vis', 'center', 'scale'}
    with pytest.raises(ValueError, match='5 images, 6 requested'):
        lc.draw(src, 6, 0, str(tmp_path))
    bad = tmp_path / 'bad.json'
    bad.write_text('{"persons": []}')
    with pytest.raises(ValueError, match='bad.json: expected a COCO file'):
        lc.draw(str(bad), 1, 0, str(tmp_path))
