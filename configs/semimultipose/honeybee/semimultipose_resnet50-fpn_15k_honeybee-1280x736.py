# SemiMultiPose on honeybees (Blau et al., sections 3 and 5), the paper's GPU setting: ImageNet
# ResNet-50 + FPN, one stride-8 feature map, branches B1/B2/B3 with the keypoint alignment
# module; 15k iterations, batch 3 = 2 labeled + 1 unlabeled frame, SGD lr 0.01 / 100 after 5k;
# alpha * L_fl from iteration 2k, beta * L_fu from 5k (eq. 10). Frames (2560x1440) read at half
# size.
#
# The base of the honeybee trio: `semimultipose-labeled_...` (beta = 0, labeled frames only) and
# `directpose_...` (alpha = beta = 0) inherit it. Another training split:
#   --cfg-options train_dataloader.dataset.datasets.0.ann_file=annotations/honeybee_train5-d0.json
#                 train_dataloader.dataset.datasets.1.ann_file=annotations/honeybee_train5-d0_unlabeled.json
# (the labeled-only configs: train_dataloader.dataset.ann_file=...), as
# tools/analysis/semimultipose/semimultipose_protocol.py does.
_base_ = ['../../_base_/schedules/sgd_15k.py']

# one-stage (bottom-up) model: MMPose's inference API and tools/predict.py read this
data_mode = 'bottomup'
data_root = 'data/honeybee/'
dataset_type = 'HoneybeeDataset'
dataset_info = 'configs/_base_/datasets/honeybee.py'
num_keypoints = 5
input_size = (1280, 736)
stride = 8
# tools/dataset_converters/honeybee2coco.py: 30 test frames held out, 15 validation frames drawn
# from the other 105, 90 training frames. Validation scores choose (checkpoint by save_best,
# decoding, hyperparameters); the test frames are scored once per reported model. A final model
# retrained on train + val with the chosen settings uses honeybee_train_full.json.
labeled_ann = 'annotations/honeybee_train.json'
unlabeled_ann = 'annotations/honeybee_train_unlabeled.json'
val_ann = 'annotations/honeybee_val.json'
test_ann = 'annotations/honeybee_test.json'

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
    type='SemiMultiPoseEstimator',
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
        type='SemiMultiPoseHead',
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
        # section 3.3: pseudo keypoints where sigmoid(B2) > delta; FocalLoss_v (eq. 8); G~ in
        # G's shape (the codec's 3x3 window) valued v, as the paper does not give its shape
        delta=0.05,
        fusion_shape='window',
        loss_fusion=dict(type='DirectPoseFocalLoss', gamma=2.0, kappa=0.25),
        decoder=codec),
    test_cfg=dict(flip_test=False))

# The SemiMultiPose hook sets alpha and beta of eq. 10 at every iteration (0 before the start).
custom_hooks = [dict(type='SemiMultiPoseHook', alpha=0.01, beta=0.1, fl_start=2000,
                     fu_start=5000)]

# labeled and unlabeled frames get the same geometric augmentation; only labeled ones get
# targets. The pieces are named so that a child config changes one value and rebuilds the list
# (e.g. `affine = dict(_base_.affine, input_size=input_size)`).
affine = dict(type='BottomupRandomAffine', input_size=input_size, shift_factor=0.1,
              scale_factor=(0.75, 1.25), rotate_factor=30, clip_border=True)
geometric = [dict(type='LoadFrame'), affine, dict(type='RandomFlip', direction='horizontal')]
train_pipeline = geometric + [dict(type='GenerateTarget', encoder=codec),
                              dict(type='PackPoseInputs')]
unlabeled_pipeline = geometric + [dict(type='PackPoseInputs')]
val_resize = dict(type='BottomupResize', input_size=input_size, size_factor=32,
                  resize_mode='expand')
val_pack = dict(type='PackPoseInputs',
                meta_keys=('id', 'img_id', 'img_path', 'crowd_index', 'ori_shape', 'img_shape',
                           'input_size', 'input_center', 'input_scale', 'flip',
                           'flip_direction', 'flip_indices', 'raw_ann_info', 'skeleton_links'))
val_pipeline = [dict(type='LoadImage'), val_resize, val_pack]

labeled_dataset = dict(type=dataset_type, data_root=data_root, data_mode='bottomup',
                       ann_file=labeled_ann, data_prefix=dict(img='images/'),
                       pipeline=train_pipeline)
unlabeled_dataset = dict(type='UnlabeledFrameDataset', data_root=data_root,
                         metainfo=dict(from_file=dataset_info), ann_file=unlabeled_ann,
                         pipeline=unlabeled_pipeline)

# the loader settings of one labeled stream (DirectPose, SemiMultiPose-labeled): children write
# train_dataloader = dict(_base_.labeled_only_loader, _delete_=True, batch_size=..,
#                         dataset=_base_.labeled_dataset)
labeled_only_loader = dict(num_workers=2, persistent_workers=True,
                           sampler=dict(type='InfiniteSampler', shuffle=True))
# two streams in every batch: MMDetection's MultiSourceSampler over MMEngine's ConcatDataset
train_dataloader = dict(
    batch_size=3,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='mmdet.MultiSourceSampler', batch_size=3, source_ratio=[2, 1]),
    dataset=dict(
        type='ConcatDataset',
        # the COCO file's category names exist only for the labeled set
        ignore_keys=['CLASSES'],
        datasets=[labeled_dataset, unlabeled_dataset]))
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
        ann_file=val_ann,
        data_prefix=dict(img='images/'),
        test_mode=True,
        pipeline=val_pipeline))
test_dataloader = dict(val_dataloader, dataset=dict(val_dataloader['dataset'], ann_file=test_ann))

# OKS AP twice: MMPose's (dataset sigmas, file areas) and the paper's single-sigma OKS
# (SLEAP's compute_oks, sigma^2 = 1 for bees).
coco_ap = dict(type='KeypointAP', ann_file=data_root + val_ann, score_mode='bbox',
               nms_mode='none', prefix='coco')
val_evaluator = [coco_ap, dict(coco_ap, oks_stddev=1.0, prefix='sleap')]
test_evaluator = [dict(m, ann_file=data_root + test_ann) for m in val_evaluator]

default_hooks = dict(checkpoint=dict(save_best='coco/AP', rule='greater'))
