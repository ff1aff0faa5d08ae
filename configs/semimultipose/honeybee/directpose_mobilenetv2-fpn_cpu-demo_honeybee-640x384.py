# DirectPose at the CPU budget (alpha = beta = 0: eq. 7 only), labeled frames only. This is the
# README's quick-start model, trained with 4 labeled frames per batch; the protocol tool
# (tools/analysis/semimultipose/semimultipose_protocol.py) trains all three methods with 2 labeled frames.
_base_ = ['./semimultipose_mobilenetv2-fpn_cpu-demo_honeybee-640x384.py']

# labeled frames only: the base's loader settings for one stream
train_dataloader = dict(_base_.labeled_only_loader, _delete_=True, batch_size=4,
                        dataset=_base_.labeled_dataset)
custom_hooks = [dict(type='SemiMultiPoseHook', alpha=0.0, beta=0.0, fl_start=None,
                     fu_start=None)]
