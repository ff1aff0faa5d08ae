# SemiMultiPose-labeled at the CPU budget (Blau et al., section 5): alpha * L_fl from iteration
# 200, beta = 0, no unlabeled stream; batch 2 labeled frames, as SemiMultiPose's labeled share.
_base_ = ['./semimultipose_mobilenetv2-fpn_cpu-demo_honeybee-640x384.py']

labeled_dataset = {{_base_.labeled_dataset}}
train_dataloader = dict(
    _delete_=True,
    batch_size=2,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=labeled_dataset)
custom_hooks = [dict(type='SemiMultiPoseHook', alpha=0.01, beta=0.0, fl_start=200,
                     fu_start=None)]
