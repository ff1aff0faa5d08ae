# SemiMultiPose-labeled (Blau et al., section 5): the fusion loss on labeled frames only
# (beta = 0, no unlabeled stream), same model and schedule as the SemiMultiPose demo config.
_base_ = ['./semimultipose_mobilenetv2-fpn_cpu-demo_honeybee-640x384.py']

data_root = 'data/honeybee/'
input_size = (640, 384)
codec = {{_base_.codec}}
train_pipeline = [
    dict(type='LoadFrame'),
    dict(type='BottomupRandomAffine', input_size=input_size, shift_factor=0.1,
         scale_factor=(0.75, 1.25), rotate_factor=30, clip_border=True),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs'),
]
train_dataloader = dict(
    _delete_=True,
    batch_size=2,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(type='HoneybeeDataset', data_root=data_root, data_mode='bottomup',
                 ann_file='annotations/honeybee_train_full.json',
                 data_prefix=dict(img='images/'), pipeline=train_pipeline))
custom_hooks = [dict(type='SemiMultiPoseHook', alpha=0.01, beta=0.0, fl_start=200,
                     fu_start=None)]
