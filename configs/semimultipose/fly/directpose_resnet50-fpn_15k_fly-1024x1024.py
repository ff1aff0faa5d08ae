# DirectPose (Blau et al., section 3.2), the supervised baseline: SemiMultiPose with
# alpha = beta = 0 (eq. 7 only), labeled frames only, batch 3.
_base_ = ['./semimultipose_resnet50-fpn_15k_fly-1024x1024.py']

# labeled frames only: the base's loader settings for one stream
train_dataloader = dict(_base_.labeled_only_loader, _delete_=True, batch_size=3,
                        dataset=_base_.labeled_dataset)
custom_hooks = [dict(type='SemiMultiPoseHook', alpha=0.0, beta=0.0, fl_start=None,
                     fu_start=None)]
