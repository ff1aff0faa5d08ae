# The CPU demo's departures from the paper's GPU setting, shared by the honeybee and fly CPU demos
# (`configs/semimultipose/*/semimultipose_mobilenetv2-fpn_cpu-demo_*.py`), which inherit it beside
# their paper config and apply it to that config's codec, model and schedule: MobileNetV2 x0.5
# from scratch (no download) + a light FPN and head, 1000 iterations of AdamW with cosine decay,
# batch 2 labeled + 1 unlabeled frame (the paper's), and the schedule of section 5 scaled to 1000
# iterations: alpha * L_fl from iteration 200, beta * L_fu from 500 (paper: 2k, 5k of 15k).
# The keys are prefixed `cpu_` so that they never collide with the paper config's keys (MMEngine
# refuses a key defined by two bases).
cpu_max_iters = 1000

# added to the paper's DirectPoseLabel codec. FCOS center sampling: offsets and box positives
# only near each animal's keypoint centroid, which a network trained from scratch for a few
# minutes learns much faster than whole boxes
cpu_codec_options = dict(center_radius=2)

# replace the paper's ResNet-50 + FPN-256 (ImageNet weights cannot be downloaded here) and lighten
# its head; the head keeps the paper's losses and takes the child's codec as its decoder
cpu_backbone = dict(
    _delete_=True,
    type='MobileNetV2',
    widen_factor=0.5,
    out_indices=(2, 4, 6),
    init_cfg=None)
cpu_neck = dict(in_channels=[16, 48, 160], out_channels=64)
cpu_head_options = dict(in_channels=64, feat_channels=64, num_convs=2,
                        norm_cfg=dict(type='GN', num_groups=16), use_alignment=False)

cpu_custom_hooks = [dict(type='SemiMultiPoseHook', alpha=0.01, beta=0.1, fl_start=200,
                         fu_start=500)]
cpu_optim_wrapper = dict(
    _delete_=True,
    optimizer=dict(type='AdamW', lr=2e-3, weight_decay=1e-4),
    clip_grad=dict(max_norm=35, norm_type=2))
cpu_param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=50, end=cpu_max_iters, eta_min=1e-5),
]
cpu_checkpoint_interval = 400
