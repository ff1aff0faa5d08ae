# SemiMultiPose on the fly clip with the honeybee CPU recipe's changes, the
# base of the fly recipe trio (`directpose_...` and `semimultipose-labeled_..._cpu-30min_fly-...`
# inherit it). The fly CPU demo (MobileNetV2 x0.5 + FPN-64 from scratch, 512x512, AdamW, cosine)
# with the recipe's departures from the paper, none of them in the paper's configs (each is
# explained in `../honeybee/semimultipose_mobilenetv2-fpn_cpu-30min_honeybee-640x384.py`):
#   - B1 on a grid twice as fine as B2/B3 (stride 4), Gaussian B1 targets (sigma 1.5 B1 cells)
#     under the mass-normalised cross-entropy; G~ a Gaussian valued v under the same loss;
#   - decoding refines each regressed keypoint with the nearest B1 peak within 4 B1 cells (DARK
#     sub-cell position), groups the 300 most confident candidate cells and rescores
#     instances with B1 (rescore='geometric');
#   - rotations of any angle (the clip's flies are filmed from above and turn through every
#     heading; the demo's +-30 degrees left the held-out frames' headings unseen);
#   - 1200 iterations, the fusion terms at 2/15 and 5/15 of them (160, 400).
# The codec, loss, fusion-target and rotation values come from the shared
# `configs/_base_/semimultipose_cpu_recipe.py`; the second video keeps the demo's zoom.
_base_ = ['./semimultipose_mobilenetv2-fpn_cpu-demo_fly-512x512.py',
          '../../_base_/semimultipose_cpu_recipe.py']

max_iters = 1200
codec = dict(_base_.codec, **_base_.recipe_codec_options)
model = dict(head=dict(decoder=codec, **_base_.recipe_head_options))
custom_hooks = [dict(type='SemiMultiPoseHook', alpha=0.01, beta=0.1, fl_start=160,
                     fu_start=400)]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
param_scheduler = [_base_.param_scheduler[0], dict(_base_.param_scheduler[1], end=max_iters)]
affine = dict(_base_.affine, rotate_factor=_base_.recipe_rotate_factor)
video_affine = dict(_base_.video_affine, rotate_factor=_base_.recipe_rotate_factor)
geometric = [dict(type='LoadFrame'), affine, dict(type='RandomFlip', direction='horizontal')]
train_pipeline = geometric + [dict(type='GenerateTarget', encoder=codec),
                              dict(type='PackPoseInputs')]
unlabeled_pipeline = geometric + [dict(type='PackPoseInputs')]
video_pipeline = [dict(type='LoadFrame'), video_affine,
                  dict(type='RandomFlip', direction='horizontal'), dict(type='PackPoseInputs')]
# the train loader's list below is this file's own (a list in a child config replaces its base's
# list, and holds this file's values before they are merged with the base): every stream in full
labeled_dataset = dict(_base_.labeled_dataset, pipeline=train_pipeline)
unlabeled_dataset = dict(
    type='ConcatDataset',
    datasets=[dict(_base_.unlabeled_dataset.datasets[0], pipeline=unlabeled_pipeline),  # clip
              dict(_base_.unlabeled_dataset.datasets[1], pipeline=video_pipeline)])  # video
train_dataloader = dict(dataset=dict(datasets=[labeled_dataset, unlabeled_dataset]))
default_hooks = dict(checkpoint=dict(interval=400))
