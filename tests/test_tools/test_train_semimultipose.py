"""SemiMultiPose through tools/train.py: two data streams, the schedule hook, resume."""
import os.path as osp
import re
import sys

import torch

from .test_train_test import run, tiny_data  # noqa: F401  (fixture)
from .tiny_config import ROOT

SMP = osp.join(ROOT, 'configs', 'semimultipose', 'honeybee',
               'semimultipose_mobilenetv2-fpn_cpu-demo_honeybee-640x384.py')

TEMPLATE = '''
_base_ = [{smp!r}]
data_root = {root!r}
input_size = (128, 96)
codec = dict(type='DirectPoseLabel', input_size=input_size, heatmap_size=(16, 12))
model = dict(backbone=dict(widen_factor=0.25), neck=dict(in_channels=[8, 24, 80], out_channels=16),
             head=dict(in_channels=16, feat_channels=16, num_convs=1, delta=0.0,
                       norm_cfg=dict(type='GN', num_groups=4), decoder=codec))
geometric = [dict(type='LoadFrame'),
             dict(type='BottomupRandomAffine', input_size=input_size, clip_border=True),
             dict(type='RandomFlip', direction='horizontal')]
train_dataloader = dict(batch_size=4, num_workers=0, persistent_workers=False,
    sampler=dict(batch_size=4, source_ratio=[2, 2]),
    dataset=dict(datasets=[
        dict(type='HoneybeeDataset', data_root=data_root, data_mode='bottomup',
             ann_file='annotations/tiny.json', data_prefix=dict(img='images/'),
             pipeline=geometric + [dict(type='GenerateTarget', encoder=codec),
                                   dict(type='PackPoseInputs')]),
        dict(type='UnlabeledFrameDataset', data_root=data_root,
             metainfo=dict(from_file='configs/_base_/datasets/honeybee.py'),
             ann_file='annotations/honeybee_train_full_unlabeled.json',
             pipeline=geometric + [dict(type='PackPoseInputs')])]))
train_cfg = dict(max_iters=4, val_interval=100)
param_scheduler = [dict(type='ConstantLR', factor=1.0, by_epoch=False, begin=0, end=4)]
custom_hooks = [dict(type='SemiMultiPoseHook', alpha=0.5, beta=0.25, fl_start=1, fu_start=2)]
default_hooks = dict(checkpoint=dict(interval=2, save_best=None), logger=dict(interval=1))
'''


def test_two_streams_hook_and_resume(tiny_data, tmp_path):
    cfg = tmp_path / 'smp.py'
    cfg.write_text(TEMPLATE.format(smp=SMP, root=tiny_data.rstrip('/') + '/'))
    work = tmp_path / 'work'
    p = run([sys.executable, 'tools/train.py', str(cfg), '--work-dir', str(work),
             '--no-validate'])
    log = p.stdout + p.stderr
    iters = dict(re.findall(r'Iter\(train\) \[(\d)/4\].*?(loss: .*)', log))
    assert set(iters) == {'1', '2', '3', '4'}
    # iteration 1: supervised only; 2: + alpha L_fl; 3 and 4: + beta L_fu
    assert 'loss_fl' not in iters['1'] and 'loss_fu' not in iters['1']
    assert 'loss_fl' in iters['2'] and 'loss_fu' not in iters['2']
    assert 'loss_fl' in iters['3'] and 'loss_fu' in iters['3']
    assert 'iteration 1: alpha * L_fl with alpha = 0.5' in log
    assert 'iteration 2: alpha * L_fl with alpha = 0.5, beta * L_fu with beta = 0.25' in log
    # resumed past both switches: both terms from the first resumed iteration on
    p = run([sys.executable, 'tools/train.py', str(cfg), '--work-dir', str(work),
             '--no-validate', '--resume', str(work / 'iter_2.pth'),
             '--cfg-options', 'train_cfg.max_iters=4'])
    log = p.stdout + p.stderr
    assert 'iteration 2: alpha * L_fl with alpha = 0.5, beta * L_fu with beta = 0.25' in log
    resumed = re.findall(r'Iter\(train\) \[(\d)/4\].*?(loss: .*)', log)
    assert [i for i, _ in resumed] == ['3', '4']
    assert all('loss_fl' in line and 'loss_fu' in line for _, line in resumed)
    ckpt = torch.load(work / 'iter_4.pth', map_location='cpu')
    assert ckpt['meta']['iter'] == 4
