# SemiMultiPose on the fly clip at a CPU budget, the base of the fly CPU trio: the fly paper
# config (data, splits, second video, evaluators) with the CPU demo's model and schedule of
# `configs/_base_/semimultipose_cpu_demo.py` (MobileNetV2 x0.5 from scratch, 1000 iterations,
# AdamW, batch 2 labeled + 1 unlabeled, alpha * L_fl from 200, beta * L_fu from 500), as the
# honeybee CPU demo applies it; frames at half size.
_base_ = ['./semimultipose_resnet50-fpn_15k_fly-1024x1024.py',
          '../../_base_/semimultipose_cpu_demo.py']

input_size = (512, 512)
stride = 8
max_iters = _base_.cpu_max_iters
codec = dict(_base_.codec, input_size=input_size,
             heatmap_size=(input_size[0] // stride, input_size[1] // stride),
             **_base_.cpu_codec_options)
model = dict(backbone=_base_.cpu_backbone, neck=_base_.cpu_neck,
             head=dict(decoder=codec, **_base_.cpu_head_options))
custom_hooks = _base_.cpu_custom_hooks

train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
optim_wrapper = _base_.cpu_optim_wrapper
param_scheduler = _base_.cpu_param_scheduler

# the pipelines hold the input size and the codec: rebuilt from the paper config's pieces (the
# second video keeps its zoom, 1024 / 384, relative to the clip's frames)
affine = dict(_base_.affine, input_size=input_size)
geometric = [dict(type='LoadFrame'), affine, dict(type='RandomFlip', direction='horizontal')]
train_pipeline = geometric + [dict(type='GenerateTarget', encoder=codec),
                              dict(type='PackPoseInputs')]
unlabeled_pipeline = geometric + [dict(type='PackPoseInputs')]
video_affine = dict(_base_.video_affine, input_size=input_size)
video_pipeline = [dict(type='LoadFrame'), video_affine,
                  dict(type='RandomFlip', direction='horizontal'), dict(type='PackPoseInputs')]
val_pipeline = [dict(type='LoadImage'), dict(_base_.val_resize, input_size=input_size),
                _base_.val_pack]
labeled_dataset = dict(_base_.labeled_dataset, pipeline=train_pipeline)
unlabeled_dataset = dict(
    type='ConcatDataset',
    datasets=[dict(_base_.unlabeled_dataset.datasets[0], pipeline=unlabeled_pipeline),  # clip
              dict(_base_.unlabeled_dataset.datasets[1], pipeline=video_pipeline)])  # video
train_dataloader = dict(dataset=dict(datasets=[labeled_dataset, unlabeled_dataset]))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader
default_hooks = dict(checkpoint=dict(interval=_base_.cpu_checkpoint_interval))
