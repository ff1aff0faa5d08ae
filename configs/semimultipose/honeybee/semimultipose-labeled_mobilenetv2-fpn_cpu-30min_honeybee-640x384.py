# SemiMultiPose-labeled on the DirectPose CPU recipe: alpha * L_fl from iteration 320 (2/15 of
# 2400), beta = 0, no unlabeled stream; batch 2 labeled frames, as SemiMultiPose's labeled share.
# The recipe's changes are listed in its base.
_base_ = ['./semimultipose_mobilenetv2-fpn_cpu-30min_honeybee-640x384.py']

# labeled frames only: the base's loader settings for one stream
train_dataloader = dict(_base_.labeled_only_loader, _delete_=True, batch_size=2,
                        dataset=_base_.labeled_dataset)
custom_hooks = [dict(type='SemiMultiPoseHook', alpha=0.01, beta=0.0, fl_start=320,
                     fu_start=None), _base_.score_threshold_hook]
