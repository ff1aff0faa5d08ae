# SemiMultiPose on honeybees at a CPU budget, the base of the CPU trio (`directpose_...`,
# `semimultipose-labeled_...` inherit it): the paper's ResNet-50 config (same codec, losses and
# decoding) with the CPU demo's model and schedule of `configs/_base_/semimultipose_cpu_demo.py`
# (MobileNetV2 x0.5 from scratch + a light FPN and head, 1000 iterations of AdamW with cosine
# decay, batch 2 labeled + 1 unlabeled frame, alpha * L_fl from 200, beta * L_fu from 500),
# 640x384 input (frames read at a quarter of their size).
_base_ = ['./semimultipose_resnet50-fpn_15k_honeybee-1280x736.py',
          '../../_base_/semimultipose_cpu_demo.py']

input_size = (640, 384)
stride = 8
max_iters = _base_.cpu_max_iters
codec = dict(
    _base_.codec,
    input_size=input_size,
    heatmap_size=(input_size[0] // stride, input_size[1] // stride),
    **_base_.cpu_codec_options)

model = dict(backbone=_base_.cpu_backbone, neck=_base_.cpu_neck,
             head=dict(decoder=codec, **_base_.cpu_head_options))
custom_hooks = _base_.cpu_custom_hooks

train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
optim_wrapper = _base_.cpu_optim_wrapper
param_scheduler = _base_.cpu_param_scheduler

# the pipelines hold the input size and the codec: rebuilt from the paper config's pieces
affine = dict(_base_.affine, input_size=input_size)
geometric = [dict(type='LoadFrame'), affine, dict(type='RandomFlip', direction='horizontal')]
train_pipeline = geometric + [dict(type='GenerateTarget', encoder=codec),
                              dict(type='PackPoseInputs')]
unlabeled_pipeline = geometric + [dict(type='PackPoseInputs')]
val_pipeline = [dict(type='LoadImage'), dict(_base_.val_resize, input_size=input_size),
                _base_.val_pack]
labeled_dataset = dict(_base_.labeled_dataset, pipeline=train_pipeline)
unlabeled_dataset = dict(_base_.unlabeled_dataset, pipeline=unlabeled_pipeline)
train_dataloader = dict(dataset=dict(datasets=[labeled_dataset, unlabeled_dataset]))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader
default_hooks = dict(checkpoint=dict(interval=_base_.cpu_checkpoint_interval))
