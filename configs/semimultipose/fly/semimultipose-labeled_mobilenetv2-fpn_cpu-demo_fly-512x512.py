# SemiMultiPose-labeled at the CPU budget (Blau et al., section 5): alpha * L_fl from iteration
# 200, beta = 0, no unlabeled stream; batch 2 labeled frames, as SemiMultiPose's labeled share.
_base_ = ['./semimultipose_mobilenetv2-fpn_cpu-demo_fly-512x512.py']

# labeled frames only: the base's loader settings for one stream
train_dataloader = dict(_base_.labeled_only_loader, _delete_=True, batch_size=2,
                        dataset=_base_.labeled_dataset)
custom_hooks = [dict(type='SemiMultiPoseHook', alpha=0.01, beta=0.0, fl_start=200,
                     fu_start=None)]
