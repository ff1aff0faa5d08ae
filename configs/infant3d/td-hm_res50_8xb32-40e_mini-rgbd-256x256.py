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

dataset_type = 'MiniRGBDDataset'
data_root = 'data/mini_rgbd/'
# MMPose's MPII pipelines and codec (256x256 -> 64x64 heatmaps, sigma 2) as they are;
# PackPoseInputs puts each frame's head size into gt_instances.head_size for the metric
train_dataloader = dict(
    batch_size=32,
    dataset=dict(_delete_=True, type=dataset_type, data_root=data_root, sequences='train',
                 pipeline=_base_.train_pipeline))
val_dataloader = dict(
    batch_size=32,
    dataset=dict(_delete_=True, type=dataset_type, data_root=data_root, sequences='val',
                 test_mode=True, pipeline=_base_.val_pipeline))
test_dataloader = dict(
    batch_size=32,
    dataset=dict(_delete_=True, type=dataset_type, data_root=data_root, sequences='test',
                 test_mode=True, pipeline=_base_.val_pipeline))
val_evaluator = dict(_delete_=True, type='PCKhAJPE', mode='2d')
test_evaluator = dict(_delete_=True, type='PCKhAJPE', mode='2d',
                      outfile_prefix='work_dirs/infant3d/mini-rgbd-test_2d')
