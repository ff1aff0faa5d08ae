"""A tiny training config on 3 real honeybee frames, written by the tool tests."""
import os.path as osp

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEMO = osp.join(ROOT, 'configs', 'semimultipose', 'honeybee',
                'directpose_mobilenetv2-fpn_cpu-demo_honeybee-640x384.py')

TEMPLATE = '''
_base_ = [{demo!r}]
data_root = {data_root!r}
input_size = (128, 96)
codec = dict(type='DirectPoseLabel', input_size=input_size, heatmap_size=(16, 12))
model = dict(backbone=dict(widen_factor=0.25, out_indices=(2, 4, 6)),
             neck=dict(in_channels=[8, 24, 80], out_channels=16),
             head=dict(in_channels=16, feat_channels=16, num_convs=1,
                       norm_cfg=dict(type='GN', num_groups=4), decoder=codec))
pipeline = [
    dict(type='LoadImage'),
    # the whole frame into the input, no random shift, scale, rotation or shear
    dict(type='BottomupRandomAffine', input_size=input_size, shift_prob=0, scale_prob=0,
         rotate_prob=0, shear_prob=0, clip_border=True),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs'),
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='BottomupResize', input_size=input_size, size_factor=32, resize_mode='fit'),
    dict(type='PackPoseInputs',
         meta_keys=('id', 'img_id', 'img_path', 'crowd_index', 'ori_shape', 'img_shape',
                    'input_size', 'input_center', 'input_scale', 'flip', 'flip_direction',
                    'flip_indices', 'raw_ann_info', 'skeleton_links')),
]
train_dataloader = dict(batch_size=2, num_workers=0, persistent_workers=False,
                        sampler=dict(type='DefaultSampler', shuffle=True),
                        dataset=dict(data_root=data_root, ann_file={ann!r}, pipeline=pipeline))
val_dataloader = dict(num_workers=0, persistent_workers=False,
                      dataset=dict(data_root=data_root, ann_file={ann!r},
                                   pipeline=val_pipeline))
test_dataloader = val_dataloader
val_evaluator = [
    dict(type='KeypointAP', ann_file=data_root + {ann!r}, score_mode='bbox',
         nms_mode='none', prefix='coco'),
    dict(type='KeypointAP', ann_file=data_root + {ann!r}, score_mode='bbox',
         nms_mode='none', oks_stddev=1.0, prefix='sleap'),
]
test_evaluator = val_evaluator
train_cfg = dict(max_iters={iters}, val_interval={iters})
param_scheduler = [dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end={iters})]
default_hooks = dict(checkpoint=dict(interval=2, max_keep_ckpts=10, save_best=None),
                     logger=dict(interval=1))
randomness = dict(seed=0, deterministic=True)
'''


def write_tiny_config(path, data_root, ann, iters=4):
    """Write the tiny config to ``path``; ``ann`` relative to ``data_root``."""
    with open(path, 'w') as f:
        f.write(TEMPLATE.format(demo=DEMO, data_root=data_root.rstrip('/') + '/', ann=ann,
                                iters=iters))
    return str(path)
