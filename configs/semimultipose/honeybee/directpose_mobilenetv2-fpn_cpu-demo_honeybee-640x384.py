# DirectPose at the CPU budget (alpha = beta = 0: eq. 7 only), labeled frames only. This is the
# README's quick-start model, trained with 4 labeled frames per batch; the protocol tool
# (tools/analysis/semimultipose_protocol.py) trains all three methods with 2 labeled frames.
_base_ = ['./semimultipose_mobilenetv2-fpn_cpu-demo_honeybee-640x384.py']

labeled_dataset = {{_base_.labeled_dataset}}
train_dataloader = dict(
    _delete_=True,
    batch_size=4,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=labeled_dataset)
custom_hooks = [dict(type='SemiMultiPoseHook', alpha=0.0, beta=0.0, fl_start=None,
                     fu_start=None)]
