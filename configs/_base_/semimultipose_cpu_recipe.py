# The 30-minute CPU recipe's departures from the paper, shared by the honeybee and fly
# recipe configs (`configs/semimultipose/*/semimultipose_mobilenetv2-fpn_cpu-30min_*.py`), which
# inherit it beside their CPU demo and apply it to the demo's codec, head and augmentation. None
# of them is in the paper or in its configs; each is explained in
# `configs/semimultipose/honeybee/semimultipose_mobilenetv2-fpn_cpu-30min_honeybee-640x384.py`.
# The keys are prefixed `recipe_` so that they never collide with the demo's keys (MMEngine
# refuses a key defined by two bases).

# added to the demo's DirectPoseLabel codec (B1 at stride 4: its sizes are in stride-4 cells)
recipe_codec_options = dict(
    keypoint_heatmap_scale=2,  # B1 on a grid twice as fine as B2/B3 (sub-pixel convolution)
    heatmap_sigma=1.5,  # Gaussian B1 targets, sigma in B1 cells
    subcell='dark',  # B1 peaks read to sub-cell precision with DARK
    refine_radius=4.0,  # each regressed keypoint snaps to the B1 peak within 4 B1 cells
    refine_thr=0.1,
    max_candidates=300,  # group the 300 most confident candidate cells
    rescore='geometric')  # keypoint score sqrt(B2 confidence x B1 value), instance = their mean
# added to the demo's DirectPoseHead: B1 under a cross-entropy normalised by the target mass
# (the focal loss with gamma 0, kappa 0.5, x2), and G~ a Gaussian valued v under the same loss
recipe_head_options = dict(
    loss_keypoint=dict(type='DirectPoseFocalLoss', gamma=0.0, kappa=0.5, loss_weight=2.0),
    fusion_shape='gaussian', fusion_sigma=1.5, fusion_radius=5,
    loss_fusion=dict(type='DirectPoseFocalLoss', gamma=0.0, kappa=0.5, loss_weight=2.0))
# rotations of any angle (top-down views of bees and flies show every heading)
recipe_rotate_factor = 180
