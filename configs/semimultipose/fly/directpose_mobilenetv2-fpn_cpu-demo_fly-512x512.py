# DirectPose on the fly clip at the CPU budget (alpha = beta = 0: eq. 7 only), labeled frames
# only, 2 per batch (the labeled share of SemiMultiPose's batch).
_base_ = ['./semimultipose_mobilenetv2-fpn_cpu-demo_fly-512x512.py']

# labeled frames only: the base's loader settings for one stream
train_dataloader = dict(_base_.labeled_only_loader, _delete_=True, batch_size=2,
                        dataset=_base_.labeled_dataset)
custom_hooks = [dict(type='SemiMultiPoseHook', alpha=0.0, beta=0.0, fl_start=None,
                     fu_start=None)]
