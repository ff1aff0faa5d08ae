# DirectPose CPU recipe for honeybees: about 30 minutes of training on a 2-core CPU (issue 14).
# The CPU demo (MobileNetV2 x0.5 + FPN-64, 640x384, batch 4, AdamW, cosine) with three changes,
# none of them in the paper and none in its configs:
#   - 1800 iterations (about 1 s each on this 2-core machine: 30 minutes), the cosine decay
#     ending with them;
#   - rotations of any angle (hive-ramp bees are seen from above in every heading);
#   - decoding refines each regressed keypoint with the nearest B1 heatmap peak within 2 cells
#     (DirectPoseLabel refine_radius, CenterNet-style); the paper decodes from B2 and B3 only.
_base_ = ['./directpose_mobilenetv2-fpn_cpu-demo_honeybee-640x384.py']

max_iters = 1800
model = dict(head=dict(decoder=dict(refine_radius=2.0, refine_thr=0.1)))
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=50, end=max_iters, eta_min=1e-5),
]
train_pipeline = [
    dict(type='LoadFrame'),
    dict(type='BottomupRandomAffine', input_size=(640, 384), shift_factor=0.1,
         scale_factor=(0.75, 1.25), rotate_factor=180, clip_border=True),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='GenerateTarget', encoder={{_base_.codec}}),
    dict(type='PackPoseInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
default_hooks = dict(checkpoint=dict(interval=600))
