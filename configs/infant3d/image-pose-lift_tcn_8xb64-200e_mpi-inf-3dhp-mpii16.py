# Ellershaw et al. (2020), 3D stage pre-training: Martinez et al.'s (2017) lifting network
# (MMPose's SimpleBaseline3D: linear layers as 1x1 convolutions, 2 residual blocks of 1024
# channels, batch norm, dropout 0.5) on MPI-INF-3DHP mapped to MPII-16. Input: the 16 2D
# keypoints in box coordinates (NormalizeKeypointsToBox); output: 16 3D keypoints relative to
# the pelvis (MPII joint 6), metres. Data: the npz files of MMPose 0.x's converter
# (tools/dataset_converters/preprocess_mpi_inf_3dhp.py) in data/mpi_inf_3dhp/annotations.
_base_ = ['mmpose::body_3d_keypoint/image_pose_lift/h36m/image-pose-lift_tcn_8xb64-200e_h36m.py']

custom_imports = dict(imports=['projects.infant3d'], allow_failed_imports=False)

default_hooks = dict(checkpoint=dict(save_best='infant3d/AJPE', rule='less'))

# no dataset statistics: inputs are box coordinates, targets metres (None overrides the
# H36M statistics of the base config, which would otherwise be merged in)
codec = dict(type='ImagePoseLifting', num_keypoints=16, root_index=6, remove_root=False,
             keypoints_mean=None, keypoints_std=None, target_mean=None, target_std=None)
model = dict(
    type='PoseLifter',
    backbone=dict(type='TCN', in_channels=2 * 16, stem_channels=1024, num_blocks=2,
                  kernel_sizes=(1, 1, 1), dropout=0.5),
    head=dict(type='TemporalRegressionHead', in_channels=1024, num_joints=16,
              loss=dict(type='MSELoss'), decoder=codec))

dataset_type = 'MpiInf3dhpDataset'
data_root = 'data/mpi_inf_3dhp/'
mpii_info = dict(from_file='configs/_base_/datasets/mpii.py')
# no 'target_root' in the meta keys: predictions stay root-relative
meta_keys = ('id', 'category_id', 'target_img_path', 'flip_indices', 'head_size_3d')
train_pipeline = [
    dict(type='NormalizeKeypointsToBox'),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs', meta_keys=meta_keys),
]
val_pipeline = train_pipeline
train_dataloader = dict(
    dataset=dict(_delete_=True, type=dataset_type, data_root=data_root,
                 ann_file='annotations/mpi_inf_3dhp_train.npz',
                 camera_param_file='annotations/cameras_train.pkl',
                 data_prefix=dict(img='images/'), metainfo=mpii_info,
                 mapping='mpi_inf_3dhp_to_mpii', pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(_delete_=True, type=dataset_type, data_root=data_root,
                 ann_file='annotations/mpi_inf_3dhp_test_valid.npz',
                 camera_param_file='annotations/cameras_test.pkl',
                 data_prefix=dict(img='images/'), metainfo=mpii_info,
                 mapping='mpi_inf_3dhp_to_mpii', test_mode=True, pipeline=val_pipeline))
test_dataloader = val_dataloader
# MPJPE (= AJPE here) of root-relative poses in mm; PCKh needs head sizes, which 3DHP lacks
val_evaluator = dict(_delete_=True, type='PCKhAJPE', mode='3d')
test_evaluator = val_evaluator
