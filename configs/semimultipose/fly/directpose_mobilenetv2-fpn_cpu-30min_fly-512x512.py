# DirectPose on the fly clip with the CPU recipe (alpha = beta = 0: eq. 7 only), labeled frames
# only, 4 per batch. The recipe's changes to the fly CPU demo are listed in its base,
# `semimultipose_mobilenetv2-fpn_cpu-30min_fly-512x512.py`.
_base_ = ['./semimultipose_mobilenetv2-fpn_cpu-30min_fly-512x512.py']

# labeled frames only: the base's loader settings for one stream
train_dataloader = dict(_base_.labeled_only_loader, _delete_=True, batch_size=4,
                        dataset=_base_.labeled_dataset)
custom_hooks = [dict(type='SemiMultiPoseHook', alpha=0.0, beta=0.0, fl_start=None,
                     fu_start=None)]
