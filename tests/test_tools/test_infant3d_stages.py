"""Each stage of the infant chain trains and tests with tools/train.py and tools/test.py:
the 2D SimpleBaseline and its fine-tune by inheritance (load_from), the lifter pre-trained on
the real MPI-INF-3DHP samples then fine-tuned on MINI-RGBD, the infant detector; then the
report tool turns the test results into Table 1. MINI-RGBD is a small set written in the
published layout (the data set cannot be downloaded here)."""
import csv
import json
import os.path as osp
import sys

import numpy as np
import pytest

from tests.helpers.mini_rgbd import write_mini_rgbd
from .test_train_test import run

LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def loader_opts(batch=2, **dataset):
    opts = []
    for ld in LOADERS:
        opts += [f'{ld}.batch_size={batch}', f'{ld}.num_workers=0',
                 f'{ld}.persistent_workers=False']
        opts += [f'{ld}.dataset.{k}={v}' for k, v in dataset.items()]
    return opts


@pytest.fixture(scope='module')
def mini_rgbd(tmp_path_factory):
    root = tmp_path_factory.mktemp('mini_rgbd')
    write_mini_rgbd(str(root), num_frames=2)
    return str(root)


def test_2d_stage_and_its_mpii_fine_tune(mini_rgbd, tmp_path):
    base = 'configs/infant3d/td-hm_res50_8xb32-40e_mini-rgbd-256x256.py'
    ft = 'configs/infant3d/td-hm_res50_mpii-ft_8xb32-40e_mini-rgbd-256x256.py'
    common = loader_opts(4, data_root=mini_rgbd) + [
        'train_cfg.max_epochs=1', 'model.backbone.init_cfg=None',
        f'test_evaluator.outfile_prefix={tmp_path}/r2d']
    run([sys.executable, 'tools/train.py', base, '--work-dir', str(tmp_path / 'a'),
         '--cfg-options', *common])
    ckpt = str(tmp_path / 'a' / 'epoch_1.pth')
    # the fine-tune config differs only by load_from: point it at the first run
    p = run([sys.executable, 'tools/train.py', ft, '--work-dir', str(tmp_path / 'b'),
             '--cfg-options', *common, f'load_from={ckpt}'])
    assert 'Load checkpoint from' in p.stdout + p.stderr
    run([sys.executable, 'tools/test.py', ft, str(tmp_path / 'b' / 'epoch_1.pth'),
         '--work-dir', str(tmp_path / 'b'), '--cfg-options', *common])
    res = json.load(open(tmp_path / 'r2d.2d.json'))
    assert res['mode'] == '2d' and res['num_frames'] == 4  # sequences 11, 12 x 2 frames
    assert {'PCKh@1.0', 'PCKh@2.0', 'AJPE'} <= set(res['overall'])
    assert [f['head_size'] for f in res['frames']] == pytest.approx([12.17] * 2 + [13.93] * 2)


def test_lifter_pretrain_on_3dhp_then_mini_rgbd(mini_rgbd, shared_data, tmp_path):
    pre = 'configs/infant3d/image-pose-lift_tcn_8xb64-200e_mpi-inf-3dhp-mpii16.py'
    ft = 'configs/infant3d/image-pose-lift_tcn_3dhp-ft_8xb64-100e_mini-rgbd.py'
    root = osp.join(shared_data, 'mmpose_samples', 'mpi_inf_3dhp')
    opts = loader_opts(2, data_root=root) + [
        f'{ld}.dataset.data_prefix.img=./' for ld in LOADERS] + [
        'train_dataloader.dataset.ann_file=test_3dhp_train.npz',
        'train_dataloader.dataset.camera_param_file=cameras_train.pkl',
        'val_dataloader.dataset.ann_file=test_3dhp_test.npz',
        'val_dataloader.dataset.camera_param_file=cameras_test.pkl',
        'test_dataloader.dataset.ann_file=test_3dhp_test.npz',
        'test_dataloader.dataset.camera_param_file=cameras_test.pkl',
        'train_cfg.max_epochs=2', 'train_cfg.val_interval=1']
    p = run([sys.executable, 'tools/train.py', pre, '--work-dir', str(tmp_path / 'pre'),
             '--cfg-options', *opts])
    assert 'infant3d/AJPE' in p.stdout + p.stderr
    ckpt = str(tmp_path / 'pre' / 'epoch_2.pth')
    opts = loader_opts(4, data_root=mini_rgbd) + [
        'train_cfg.max_epochs=1', 'train_cfg.val_interval=1', f'load_from={ckpt}',
        f'test_evaluator.outfile_prefix={tmp_path}/r3d']
    run([sys.executable, 'tools/train.py', ft, '--work-dir', str(tmp_path / 'ft'),
         '--cfg-options', *opts])
    run([sys.executable, 'tools/test.py', ft, str(tmp_path / 'ft' / 'epoch_1.pth'),
         '--work-dir', str(tmp_path / 'ft'), '--cfg-options', *opts])
    res = json.load(open(tmp_path / 'r3d.3d.json'))
    assert res['unit'] == 'mm' and res['num_frames'] == 4
    assert [f['head_size'] for f in res['frames']] == pytest.approx([28.6] * 2 + [30.1] * 2)
    # the authors' rule: the lifter's pelvis output is scored too (16 joints), and AJPE is the
    # mean over joints of each joint's mean error over frames
    assert res['root_rule'] == 'authors'
    err = np.array([f['errors'] for f in res['frames']])
    vis = np.array([f['visible'] for f in res['frames']]) > 0
    assert vis[:, 6].all() and err.shape == (4, 16)
    assert res['overall']['AJPE'] == pytest.approx(
        np.mean((err * vis).sum(0) / vis.sum(0)), rel=1e-6)
    out = tmp_path / 'table'
    run([sys.executable, 'tools/analysis/infant3d/infant_report.py', '--out', str(out),
         f'3D={tmp_path}/r3d.3d.json'])
    rows = list(csv.reader(open(out / 'table1.csv')))
    assert rows[1][0] == '3D' and rows[1][4] == 'mm'
    assert float(rows[1][3]) == pytest.approx(res['overall']['AJPE'], abs=0.01)


def test_infant_detector_on_mask_boxes(mini_rgbd, tmp_path):
    ann = tmp_path / 'ann'
    run([sys.executable, 'tools/dataset_converters/mini_rgbd2coco.py', mini_rgbd, '--out', str(ann),
         '--frame-step', '2'])
    coco = json.load(open(ann / 'mini_rgbd_train.json'))
    assert len(coco['images']) == 8 and coco['categories'][0]['name'] == 'infant'
    assert len(coco['annotations'][0]['keypoints']) == 16 * 3
    cfg = 'configs/infant3d/faster-rcnn_r50_fpn_coco-person-ft_1x_mini-rgbd-infant.py'
    opts = loader_opts(2, data_root=mini_rgbd + '/') + [
        'load_from=None', 'model.backbone.init_cfg=None', 'train_cfg.max_epochs=1',
        f'train_dataloader.dataset.ann_file={ann}/mini_rgbd_train.json',
        f'val_dataloader.dataset.ann_file={ann}/mini_rgbd_val.json',
        f'test_dataloader.dataset.ann_file={ann}/mini_rgbd_test.json',
        f'val_evaluator.ann_file={ann}/mini_rgbd_val.json',
        f'test_evaluator.ann_file={ann}/mini_rgbd_test.json']
    run([sys.executable, 'tools/train.py', cfg, '--work-dir', str(tmp_path / 'det'),
         '--cfg-options', *opts])
    out = tmp_path / 'det_metrics.json'
    run([sys.executable, 'tools/test.py', cfg, str(tmp_path / 'det' / 'epoch_1.pth'),
         '--work-dir', str(tmp_path / 'det'), '--out', str(out), '--cfg-options', *opts])
    assert 'coco/bbox_mAP' in json.load(open(out))
