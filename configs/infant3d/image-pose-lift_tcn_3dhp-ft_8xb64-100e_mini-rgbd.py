# Ellershaw et al. (2020), 3D stage: the lifting network pre-trained on MPI-INF-3DHP
# (image-pose-lift_tcn_8xb64-200e_mpi-inf-3dhp-mpii16.py) fine-tuned on MINI-RGBD. Same
# MPII-16 input and output, so every layer is kept; point load_from at your pre-training run.
_base_ = ['./image-pose-lift_tcn_8xb64-100e_mini-rgbd.py']

load_from = 'work_dirs/image-pose-lift_tcn_8xb64-200e_mpi-inf-3dhp-mpii16/epoch_200.pth'
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-4))
