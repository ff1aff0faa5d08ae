# SemiMultiPose on honeybees at a CPU budget, the base of the CPU trio (`directpose_...`,
# `semimultipose-labeled_...` inherit it): MobileNetV2 x0.5 from scratch (no download) + a light
# FPN and head, 640x384 input (frames read at a quarter of their size), 1000 iterations of
# AdamW with cosine decay; batch 2 labeled + 1 unlabeled frame. The schedule of section 5 scaled
# to 1000 iterations: alpha * L_fl from iteration 200, beta * L_fu from 500 (paper: 2k, 5k of 15k).
# Same codec, losses and decoding as the paper's ResNet-50 config, which it inherits.
_base_ = ['./semimultipose_resnet50-fpn_15k_honeybee-1280x736.py']

data_root = 'data/honeybee/'
dataset_type = 'HoneybeeDataset'
dataset_info = 'configs/_base_/datasets/honeybee.py'
labeled_ann = 'annotations/honeybee_train_full.json'
unlabeled_ann = 'annotations/honeybee_train_full_unlabeled.json'
input_size = (640, 384)
stride = 8
max_iters = 1000
codec = dict(
    _base_.codec,
    input_size=input_size,
    heatmap_size=(input_size[0] // stride, input_size[1] // stride),
    # FCOS center sampling: offsets and box positives only near each bee's keypoint centroid,
    # which a network trained from scratch for a few minutes learns much faster than whole boxes
    center_radius=2)

model = dict(
    backbone=dict(
        _delete_=True,
        type='MobileNetV2',
        widen_factor=0.5,
        out_indices=(2, 4, 6),
        init_cfg=None),
    neck=dict(in_channels=[16, 48, 160], out_channels=64),
    head=dict(in_channels=64, feat_channels=64, num_convs=2,
              norm_cfg=dict(type='GN', num_groups=16), use_alignment=False, decoder=codec))
custom_hooks = [dict(type='SemiMultiPoseHook', alpha=0.01, beta=0.1, fl_start=200,
                     fu_start=500)]

train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
optim_wrapper = dict(
    _delete_=True,
    optimizer=dict(type='AdamW', lr=2e-3, weight_decay=1e-4),
    clip_grad=dict(max_norm=35, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=50, end=max_iters, eta_min=1e-5),
]

affine = dict(_base_.affine, input_size=input_size)
geometric = [dict(type='LoadFrame'), affine, dict(type='RandomFlip', direction='horizontal')]
train_pipeline = geometric + [dict(type='GenerateTarget', encoder=codec),
                              dict(type='PackPoseInputs')]
unlabeled_pipeline = geometric + [dict(type='PackPoseInputs')]
val_pipeline = [dict(type='LoadImage'), dict(_base_.val_resize, input_size=input_size),
                _base_.val_pack]
labeled_dataset = dict(type=dataset_type, data_root=data_root, data_mode='bottomup',
                       ann_file=labeled_ann, data_prefix=dict(img='images/'),
                       pipeline=train_pipeline)
unlabeled_dataset = dict(type='UnlabeledFrameDataset', data_root=data_root,
                         metainfo=dict(from_file=dataset_info), ann_file=unlabeled_ann,
                         pipeline=unlabeled_pipeline)
train_dataloader = dict(dataset=dict(datasets=[labeled_dataset, unlabeled_dataset]))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader
default_hooks = dict(checkpoint=dict(interval=400))
