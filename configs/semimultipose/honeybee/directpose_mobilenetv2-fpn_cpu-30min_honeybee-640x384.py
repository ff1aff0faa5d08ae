# DirectPose CPU recipe for honeybees (alpha = beta = 0: eq. 7 only), labeled frames only, 4 per
# batch: 22-28 minutes of training on the 2-core CPU measured (docs/studies/cpu_recipe.md) and the
# README's quick-start model. The recipe's changes to the CPU demo (bfloat16 mixed precision,
# 2400 iterations, any rotation, Gaussian B1 under a cross-entropy, B1-refined DARK decoding)
# are listed in its base,
# `semimultipose_mobilenetv2-fpn_cpu-30min_honeybee-640x384.py`.
_base_ = ['./semimultipose_mobilenetv2-fpn_cpu-30min_honeybee-640x384.py']

# labeled frames only: the base's loader settings for one stream
train_dataloader = dict(_base_.labeled_only_loader, _delete_=True, batch_size=4,
                        dataset=_base_.labeled_dataset)
custom_hooks = [dict(type='SemiMultiPoseHook', alpha=0.0, beta=0.0, fl_start=None,
                     fu_start=None), _base_.score_threshold_hook]
