# SemiMultiPose-labeled (Blau et al., section 5): the fusion loss on labeled frames only
# (alpha * L_fl from iteration 2k, beta = 0, no unlabeled stream); batch 3 labeled frames.
_base_ = ['./semimultipose_resnet50-fpn_15k_honeybee-1280x736.py']

labeled_dataset = {{_base_.labeled_dataset}}
train_dataloader = dict(
    _delete_=True,
    batch_size=3,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=labeled_dataset)
custom_hooks = [dict(type='SemiMultiPoseHook', alpha=0.01, beta=0.0, fl_start=2000,
                     fu_start=None)]
