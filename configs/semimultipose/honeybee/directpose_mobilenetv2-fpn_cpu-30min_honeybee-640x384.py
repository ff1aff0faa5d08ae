# DirectPose CPU recipe for honeybees: about 30 minutes of training on a 2-core CPU (issue 14).
# The CPU demo (MobileNetV2 x0.5 + FPN-64, 640x384, batch 4, AdamW, cosine) with four changes,
# none of them in the paper and none in its configs:
#   - 1800 iterations (about 1 s each on this 2-core machine: 30 minutes), the cosine decay
#     ending with them;
#   - rotations of any angle (hive-ramp bees are seen from above in every heading);
#   - B1 learns Gaussian keypoint heatmaps (sigma 1 cell, centred on the exact sub-cell
#     position; DirectPoseLabel heatmap_sigma) with a binary cross-entropy normalised by the
#     target mass (DirectPoseFocalLoss with gamma 0, kappa 0.5, x2), instead of the paper's
#     3x3 window of ones under the focal loss;
#   - decoding refines each regressed keypoint with the nearest B1 heatmap peak within 2 cells
#     (refine_radius, CenterNet-style), read to sub-cell precision with DARK (subcell='dark');
#     the paper decodes from B2 and B3 only.
_base_ = ['./directpose_mobilenetv2-fpn_cpu-demo_honeybee-640x384.py']

max_iters = 1800
input_size = (640, 384)
codec = dict(type='DirectPoseLabel', input_size=input_size, heatmap_size=(80, 48),
             keypoint_radius=1, box_margin=1, score_thr=0.05, nms_thr=0.5, nms_stddev=0.2,
             center_radius=2,
             # the recipe's changes to the demo's codec
             heatmap_sigma=1.0, subcell='dark', refine_radius=2.0, refine_thr=0.1)
model = dict(head=dict(
    decoder=codec,
    loss_keypoint=dict(type='DirectPoseFocalLoss', gamma=0.0, kappa=0.5, loss_weight=2.0)))
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=50, end=max_iters, eta_min=1e-5),
]
train_pipeline = [
    dict(type='LoadFrame'),
    dict(type='BottomupRandomAffine', input_size=input_size, shift_factor=0.1,
         scale_factor=(0.75, 1.25), rotate_factor=180, clip_border=True),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
default_hooks = dict(checkpoint=dict(interval=600))
