# Ellershaw et al. (2020), 2D stage without adult pre-training: MMPose's SimpleBaseline
# (ResNet-50 + 3 deconvolution layers, 64x64 heatmaps from 256x256 crops, MPII-16 joints) on
# MINI-RGBD, ImageNet backbone only. Crops are the foreground-mask boxes + 5 px; sequences
# 1-8 train, 9-10 validation, 11-12 test; PCKh@1.0/@2.0 with the per-sequence head sizes and
# AJPE in pixels. The data set must be requested from Fraunhofer IOSB and unpacked to
# data/mini_rgbd/01 ... 12 (the published layout).
_base_ = ['mmpose::body_2d_keypoint/topdown_heatmap/mpii/td-hm_res50_8xb64-210e_mpii-256x256.py']

custom_imports = dict(imports=['projects.infant3d'], allow_failed_imports=False)

train_cfg = dict(max_epochs=40, val_interval=5)
optim_wrapper = dict(optimizer=dict(type='Adam', lr=5e-4))
param_scheduler = [
    dict(type='LinearLR', begin=0, end=500, start_factor=0.001, by_epoch=False),
    dict(type='MultiStepLR', begin=0, end=40, milestones=[30, 36], gamma=0.1, by_epoch=True),
]
auto_scale_lr = dict(base_batch_size=256)
default_hooks = dict(checkpoint=dict(save_best='infant2d/PCKh@1.0', rule='greater'))

codec = dict(type='MSRAHeatmap', input_size=(256, 256), heatmap_size=(64, 64), sigma=2)

dataset_type = 'MiniRGBDDataset'
data_root = 'data/mini_rgbd/'
meta_keys = ('id', 'img_id', 'img_path', 'category_id', 'ori_shape', 'img_shape',
             'input_size', 'input_center', 'input_scale', 'flip', 'flip_direction',
             'flip_indices', 'dataset_name', 'head_size_3d')
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomBBoxTransform', shift_prob=0, rotate_factor=60, scale_factor=(0.75, 1.25)),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs', meta_keys=meta_keys),
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs', meta_keys=meta_keys),
]
train_dataloader = dict(
    batch_size=32,
    dataset=dict(_delete_=True, type=dataset_type, data_root=data_root, sequences='train',
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=32,
    dataset=dict(_delete_=True, type=dataset_type, data_root=data_root, sequences='val',
                 test_mode=True, pipeline=val_pipeline))
test_dataloader = dict(
    batch_size=32,
    dataset=dict(_delete_=True, type=dataset_type, data_root=data_root, sequences='test',
                 test_mode=True, pipeline=val_pipeline))
val_evaluator = dict(_delete_=True, type='InfantPoseMetric', mode='2d')
test_evaluator = dict(_delete_=True, type='InfantPoseMetric', mode='2d',
                      outfile_prefix='work_dirs/infant3d/mini-rgbd-test_2d')
