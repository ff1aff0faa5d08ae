# DirectPose, the supervised half of SemiMultiPose (Blau et al., sections 3.2 and 5): ImageNet
# ResNet-50 + FPN, one stride-8 feature map, branches B1/B2/B3 with the keypoint alignment
# module; 15k iterations, batch 3. Honeybee frames (2560x1440) are read at half size.
_base_ = ['../_base_/schedules/sgd_15k.py']

data_root = 'data/honeybee/'
dataset_type = 'HoneybeeDataset'
num_keypoints = 5
input_size = (1280, 736)
stride = 8

codec = dict(
    type='DirectPoseLabel',
    input_size=input_size,
    heatmap_size=(input_size[0] // stride, input_size[1] // stride),
    keypoint_radius=1,
    box_margin=1,
    score_thr=0.05,  # delta
    nms_thr=0.5,
    nms_stddev=0.2)

model = dict(
    type='BottomupPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='ResNet',
        depth=50,
        out_indices=(1, 2, 3),
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet50')),
    neck=dict(
        type='mmdet.FPN',
        in_channels=[512, 1024, 2048],
        out_channels=256,
        num_outs=3),
    head=dict(
        type='DirectPoseHead',
        in_channels=256,
        num_keypoints=num_keypoints,
        feat_channels=256,
        num_convs=4,
        in_index=0,
        norm_cfg=dict(type='GN', num_groups=32),
        use_alignment=True,
        loss_keypoint=dict(type='DirectPoseFocalLoss', gamma=2.0, kappa=0.25),
        loss_box=dict(type='DirectPoseFocalLoss', gamma=2.0, kappa=0.25),
        loss_offset=dict(type='mmdet.MSELoss', loss_weight=1.0),
        decoder=codec),
    test_cfg=dict(flip_test=False))

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='BottomupRandomAffine', input_size=input_size, shift_factor=0.1,
         scale_factor=(0.75, 1.25), rotate_factor=30, clip_border=True),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs'),
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='BottomupResize', input_size=input_size, size_factor=32, resize_mode='expand'),
    dict(type='PackPoseInputs',
         meta_keys=('id', 'img_id', 'img_path', 'crowd_index', 'ori_shape', 'img_shape',
                    'input_size', 'input_center', 'input_scale', 'flip', 'flip_direction',
                    'flip_indices', 'raw_ann_info', 'skeleton_links')),
]

train_dataloader = dict(
    batch_size=3,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode='bottomup',
        ann_file='annotations/honeybee_train_full.json',
        data_prefix=dict(img='images/'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=1,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode='bottomup',
        ann_file='annotations/honeybee_test.json',
        data_prefix=dict(img='images/'),
        test_mode=True,
        pipeline=val_pipeline))
test_dataloader = val_dataloader

# OKS AP twice: MMPose's (dataset sigmas, file areas) and the paper's single-sigma OKS
# (SLEAP's compute_oks, sigma^2 = 1 for bees).
val_evaluator = [
    dict(type='AnimalCocoMetric', ann_file=data_root + 'annotations/honeybee_test.json',
         score_mode='bbox', nms_mode='none', prefix='coco'),
    dict(type='AnimalCocoMetric', ann_file=data_root + 'annotations/honeybee_test.json',
         score_mode='bbox', nms_mode='none', oks_stddev=1.0, prefix='sleap'),
]
test_evaluator = val_evaluator

default_hooks = dict(checkpoint=dict(save_best='coco/AP', rule='greater'))
