# Ellershaw et al. (2020), 3D stage without adult pre-training: the same lifting network
# trained on MINI-RGBD only (sequences 1-8; 9-10 validation; 11-12 test). Inputs are the
# ground-truth 2D keypoints; for the 2D model's predictions set
#   --cfg-options train_dataloader.dataset.keypoints_2d_file=PRED.json (likewise val/test)
# with a JSON written by tools/infant_chain.py. PCKh@1.0/@2.0 use the per-sequence 3D head
# sizes (mm); AJPE in mm.
_base_ = ['./image-pose-lift_tcn_8xb64-200e_mpi-inf-3dhp-mpii16.py']

train_cfg = dict(max_epochs=100, val_interval=10)
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-3))

dataset_type = 'MiniRGBDDataset'
data_root = 'data/mini_rgbd/'
# the pre-training's pipeline: same codec, box normalisation and meta keys
train_dataloader = dict(
    dataset=dict(_delete_=True, type=dataset_type, data_root=data_root, sequences='train',
                 pipeline=_base_.train_pipeline))
val_dataloader = dict(
    dataset=dict(_delete_=True, type=dataset_type, data_root=data_root, sequences='val',
                 test_mode=True, pipeline=_base_.train_pipeline))
test_dataloader = dict(
    dataset=dict(_delete_=True, type=dataset_type, data_root=data_root, sequences='test',
                 test_mode=True, pipeline=_base_.train_pipeline))
val_evaluator = dict(_delete_=True, type='PCKhAJPE', mode='3d')
test_evaluator = dict(_delete_=True, type='PCKhAJPE', mode='3d',
                      outfile_prefix='work_dirs/infant3d/mini-rgbd-test_3d')
