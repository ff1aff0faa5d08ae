# SemiMultiPose (Blau et al., section 3.3) on the CPU demo model: DirectPose's demo config plus
# the fusion losses, with the honeybee frames that carry no label as a second data stream
# (the paper's batch of 3: 2 labeled + 1 unlabeled frame, the same geometric augmentation). The schedule of
# section 5 scaled to the demo's 1000 iterations: alpha * L_fl from iteration 200, beta * L_fu
# from 500 (the paper: 2k and 5k of 15k).
_base_ = ['./directpose_mobilenetv2-fpn_cpu-demo_honeybee-640x384.py']

data_root = 'data/honeybee/'
input_size = (640, 384)
dataset_info = 'configs/_base_/datasets/honeybee.py'
codec = {{_base_.codec}}

model = dict(
    type='SemiMultiPoseEstimator',
    head=dict(type='SemiMultiPoseHead', delta=0.05, fusion_sigma=1.0, fusion_radius=2,
              loss_fusion=dict(type='DirectPoseFocalLoss', gamma=2.0, kappa=0.25)))

geometric = [
    dict(type='LoadFrame'),
    dict(type='BottomupRandomAffine', input_size=input_size, shift_factor=0.1,
         scale_factor=(0.75, 1.25), rotate_factor=30, clip_border=True),
    dict(type='RandomFlip', direction='horizontal'),
]
labeled_pipeline = geometric + [dict(type='GenerateTarget', encoder=codec),
                                dict(type='PackPoseInputs')]
unlabeled_pipeline = geometric + [dict(type='PackPoseInputs')]

train_dataloader = dict(
    _delete_=True,
    batch_size=3,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='mmdet.MultiSourceSampler', batch_size=3, source_ratio=[2, 1]),
    dataset=dict(
        type='ConcatDataset',
        # the COCO file's category names exist only for the labeled set
        ignore_keys=['CLASSES'],
        datasets=[
            dict(type='HoneybeeDataset', data_root=data_root, data_mode='bottomup',
                 ann_file='annotations/honeybee_train_full.json',
                 data_prefix=dict(img='images/'), pipeline=labeled_pipeline),
            dict(type='UnlabeledFrameDataset', data_root=data_root,
                 metainfo=dict(from_file=dataset_info),
                 ann_file='annotations/honeybee_train_full_unlabeled.json',
                 pipeline=unlabeled_pipeline),
        ]))

custom_hooks = [
    dict(type='SemiMultiPoseHook', alpha=0.01, beta=0.1, fl_start=200, fu_start=500)
]
