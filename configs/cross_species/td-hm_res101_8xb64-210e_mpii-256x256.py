# The Benchmark with ResNet-101, the depth of the paper's DeepLabCut human model.
_base_ = ['./td-hm_res50_8xb64-210e_mpii-256x256.py']

model = dict(backbone=dict(depth=101,
                           init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet101')))
