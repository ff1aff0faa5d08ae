"""The mouse pup configs (no published data) on frames this test draws, in the COCO layout."""
import json
import os.path as osp
import re
import sys

import cv2
import numpy as np
from mmengine.config import Config

from .test_train_test import run
from .tiny_config import ROOT

SMP = osp.join(ROOT, 'configs', 'semimultipose', 'mouse_pup',
               'semimultipose_resnet50-fpn_40k_mouse-pup-1024x1024.py')

# the mouse pup trio with a tiny network and input, as a user would shrink it for a smoke run
TEMPLATE = '''
_base_ = [{smp!r}]
data_root = {root!r}
input_size = (128, 128)
codec = dict(type='DirectPoseLabel', input_size=input_size, heatmap_size=(16, 16))
model = dict(backbone=dict(_delete_=True, type='MobileNetV2', widen_factor=0.25,
                           out_indices=(2, 4, 6), init_cfg=None),
             neck=dict(in_channels=[8, 24, 80], out_channels=16),
             head=dict(in_channels=16, feat_channels=16, num_convs=1, use_alignment=False,
                       norm_cfg=dict(type='GN', num_groups=4), decoder=codec))
geometric = [dict(type='LoadFrame'),
             dict(type='BottomupRandomAffine', input_size=input_size, clip_border=True),
             dict(type='RandomFlip', direction='horizontal')]
train_dataloader = dict(num_workers=0, persistent_workers=False, dataset=dict(datasets=[
    dict(type='MousePupDataset', data_root=data_root, data_mode='bottomup',
         ann_file='annotations/mouse_pup_train.json', data_prefix=dict(img='images/'),
         pipeline=geometric + [dict(type='GenerateTarget', encoder=codec),
                               dict(type='PackPoseInputs')]),
    dict(type='UnlabeledFrameDataset', data_root=data_root,
         metainfo=dict(from_file='configs/_base_/datasets/mouse_pup.py'),
         frame_dir='unlabeled/', pipeline=geometric + [dict(type='PackPoseInputs')])]))
val_dataloader = dict(num_workers=0, persistent_workers=False, dataset=dict(
    data_root=data_root, pipeline=[
    dict(type='LoadImage'),
    dict(type='BottomupResize', input_size=input_size, size_factor=32, resize_mode='expand'),
    dict(type='PackPoseInputs',
         meta_keys=('id', 'img_id', 'img_path', 'crowd_index', 'ori_shape', 'img_shape',
                    'input_size', 'input_center', 'input_scale', 'flip', 'flip_direction',
                    'flip_indices', 'raw_ann_info', 'skeleton_links'))]))
test_dataloader = val_dataloader
val_evaluator = [
    dict(type='KeypointAP', ann_file=data_root + 'annotations/mouse_pup_test.json',
         score_mode='bbox', nms_mode='none', prefix='coco'),
    dict(type='KeypointAP', ann_file=data_root + 'annotations/mouse_pup_test.json',
         score_mode='bbox', nms_mode='none', oks_stddev=1.0, prefix='sleap')]
test_evaluator = val_evaluator
train_cfg = dict(max_iters=3, val_interval=3)
param_scheduler = [dict(type='ConstantLR', factor=1.0, by_epoch=False, begin=0, end=3)]
custom_hooks = [dict(type='SemiMultiPoseHook', alpha=0.01, beta=0.1, fl_start=1, fu_start=2)]
default_hooks = dict(checkpoint=dict(interval=3), logger=dict(interval=1))
'''


def draw_pups(root, rng):
    """Frames of 2-3 pups (head, torso, rump blobs on a grit background) and their labels."""
    for sub in ('images', 'unlabeled', 'annotations'):
        (root / sub).mkdir(parents=True, exist_ok=True)
    sets = {'train': [], 'test': []}
    for i in range(7):
        img = rng.integers(90, 140, (160, 160, 3), dtype=np.uint8)
        pups = []
        for _ in range(int(rng.integers(2, 4))):
            c = rng.uniform(40, 120, 2)
            ang = rng.uniform(0, 2 * np.pi)
            d = 12 * np.array([np.cos(ang), np.sin(ang)])
            pts = np.stack([c + d, c, c - d])  # head, torso, rump
            for p, r in zip(pts, (5, 7, 6)):
                cv2.circle(img, (int(p[0]), int(p[1])), r, (230, 200, 200), -1)
            pups.append(pts)
        name = f'pup_{i:03d}.png'
        if i >= 5:  # two frames carry no labels
            cv2.imwrite(str(root / 'unlabeled' / name), img)
            continue
        cv2.imwrite(str(root / 'images' / name), img)
        sets['train' if i < 3 else 'test'].append((i, name, pups))
    for split, frames in sets.items():
        images, anns = [], []
        for i, name, pups in frames:
            images.append(dict(id=i, file_name=name, width=160, height=160))
            for pts in pups:
                x0, y0 = pts.min(0) - 6
                x1, y1 = pts.max(0) + 6
                anns.append(dict(id=len(anns) + 1, image_id=i, category_id=1, iscrowd=0,
                                 keypoints=np.c_[pts, [2, 2, 2]].ravel().tolist(),
                                 num_keypoints=3, bbox=[x0, y0, x1 - x0, y1 - y0],
                                 area=float((x1 - x0) * (y1 - y0))))
        coco = dict(images=images, annotations=anns,
                    categories=[dict(id=1, name='pup', keypoints=['head', 'torso', 'rump'],
                                     skeleton=[[1, 2], [2, 3]])])
        # too few drawn frames for three sets: the held-out frames serve as val and test
        for name in ([split] if split == 'train' else ['val', 'test']):
            json.dump(coco, open(root / 'annotations' / f'mouse_pup_{name}.json', 'w'))


def test_mouse_pup_schedule_is_the_papers():
    cfg = Config.fromfile(SMP)
    hook = cfg.custom_hooks[0]
    assert (hook.fl_start, hook.fu_start, cfg.train_cfg.max_iters) == (8000, 15000, 40000)
    assert cfg.model.head.num_keypoints == 3
    assert cfg.val_evaluator[1].oks_stddev == 1.0


def test_mouse_pup_trains_and_tests_on_drawn_frames(tmp_path):
    root = tmp_path / 'mouse_pup'
    draw_pups(root, np.random.default_rng(0))
    cfg = tmp_path / 'pup.py'
    cfg.write_text(TEMPLATE.format(smp=SMP, root=str(root) + '/'))
    work = tmp_path / 'work'
    p = run([sys.executable, 'tools/train.py', str(cfg), '--work-dir', str(work)])
    log = p.stdout + p.stderr
    lines = dict(re.findall(r'Iter\(train\) \[(\d)/3\].*?(loss: .*)', log))
    assert 'loss_fl' not in lines['1'] and 'loss_fl' in lines['2'] and 'loss_fu' in lines['3']
    p = run([sys.executable, 'tools/test.py', str(cfg), str(work / 'iter_3.pth'),
             '--work-dir', str(work), '--out', str(tmp_path / 'metrics.json')])
    metrics = json.load(open(tmp_path / 'metrics.json'))
    # evaluated on the two drawn test frames with the mouse pup definition
    assert {'coco/AP', 'sleap/AP'} <= set(metrics)
    assert all(0.0 <= metrics[k] <= 1.0 for k in ('coco/AP', 'sleap/AP'))
