# Ellershaw et al. (2020), 2D stage: the SimpleBaseline pre-trained on MPII (MMPose's
# td-hm_res50_8xb64-210e_mpii-256x256 checkpoint) fine-tuned on MINI-RGBD. Transfer is the
# checkpoint alone: same architecture, same MPII-16 joints, so every layer is kept.
_base_ = ['./td-hm_res50_8xb32-40e_mini-rgbd-256x256.py']

load_from = ('https://download.openmmlab.com/mmpose/top_down/resnet/'
             'res50_mpii_256x256-418ffc88_20200812.pth')
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-4))
