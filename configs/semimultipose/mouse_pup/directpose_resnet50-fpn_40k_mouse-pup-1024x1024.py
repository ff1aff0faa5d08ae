# DirectPose (Blau et al., section 3.2), the supervised baseline: SemiMultiPose with
# alpha = beta = 0 (eq. 7 only), labeled frames only, batch 3.
_base_ = ['./semimultipose_resnet50-fpn_40k_mouse-pup-1024x1024.py']

labeled_dataset = {{_base_.labeled_dataset}}
train_dataloader = dict(
    _delete_=True,
    batch_size=3,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=labeled_dataset)
custom_hooks = [dict(type='SemiMultiPoseHook', alpha=0.0, beta=0.0, fl_start=None,
                     fu_start=None)]
