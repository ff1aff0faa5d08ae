# SemiMultiPose on the DirectPose CPU recipe, the base of the recipe trio
# (`directpose_...` and `semimultipose-labeled_..._cpu-30min_...` inherit it). The CPU demo
# (MobileNetV2 x0.5 + FPN-64, 640x384, AdamW, cosine) with the recipe's changes, none of them in
# the paper and none in its configs:
#   - mixed precision: the training forward pass in bfloat16 under CPU autocast, the model in
#     channels-last memory format (CPUAmpOptimWrapper; parameters, gradients, AdamW state and
#     testing stay float32): 1.4-1.75 times faster steps on the avx512_bf16 CPU measured;
#   - channels-last at test and prediction time too (SemiMultiPoseEstimator's channels_last);
#   - 2400 iterations (batch 4: 22-28 minutes in bfloat16 on the 2-core machine measured, see
#     docs/studies/cpu_recipe.md; the float32 recipe took 41-52 minutes for 1800 iterations
#     there), the cosine decay ending with them;
#   - rotations of any angle (hive-ramp bees are seen from above in every heading);
#   - B1 predicts on a grid twice as fine as B2/B3 (stride 4: keypoint_heatmap_scale=2, by
#     sub-pixel convolution), so B1's sizes below are in stride-4 cells;
#   - B1 learns Gaussian keypoint heatmaps (sigma 1.5 cells = 6 px of the input, centred on
#     the exact sub-cell position; DirectPoseLabel heatmap_sigma) with a binary cross-entropy
#     normalised by the target mass (DirectPoseFocalLoss with gamma 0, kappa 0.5, x2), instead
#     of the paper's 3x3 window of ones under the focal loss;
#   - decoding refines each regressed keypoint with the nearest B1 heatmap peak within 4 cells
#     (16 px; refine_radius, CenterNet-style), read to sub-cell precision with DARK
#     (subcell='dark'); the paper decodes from B2 and B3 only;
#   - decoding groups the 300 most confident candidate cells (max_candidates; the paper's
#     rule keeps every cell above delta, about 3000 of the 3840 here): faster grouping, and
#     the pooled keypoints no longer average in the weak cells whose offsets were not trained;
#   - decoding rescores: a keypoint's score is the geometric mean of its box confidence and
#     B1's value at its final position, an instance's score their mean (rescore='geometric'),
#     so that AP ranks first the instances whose keypoints B1 confirms;
#   - the fusion target G~ follows B1's new target: a Gaussian of sigma 1.5 cells valued v
#     (fusion_shape='gaussian', drawn within 3 sigma like MMPose's unbiased Gaussian heatmaps),
#     under the same cross-entropy as L_a (gamma 0: its optimum is the soft target itself).
# The schedule of the fusion terms is the demo's scaled to 2400 iterations (L_fl from 2/15,
# L_fu from 5/15); tools/analysis/semimultipose/semimultipose_protocol.py --init-config sets its own.
# The values of the codec, loss, fusion-target and rotation changes live in
# `configs/_base_/semimultipose_cpu_recipe.py`, which the fly recipe shares.
_base_ = ['./semimultipose_mobilenetv2-fpn_cpu-demo_honeybee-640x384.py',
          '../../_base_/semimultipose_cpu_recipe.py']

max_iters = 2400
codec = dict(_base_.codec, **_base_.recipe_codec_options)
# the network in channels-last memory format in every mode (also testing and prediction:
# 1.1-1.25 times more full frames per second on the 2-core CPU measured; same predictions)
model = dict(channels_last=True, head=dict(decoder=codec, **_base_.recipe_head_options))
# the instance-score threshold of best detection F1 on the val frames (KeypointPixelError's
# px/score_thr) is kept in every checkpoint saved after a validation (ScoreThresholdHook):
# tools/predict.py's default --score-thr
score_threshold_hook = dict(type='ScoreThresholdHook')
custom_hooks = [dict(type='SemiMultiPoseHook', alpha=0.01, beta=0.1, fl_start=320,
                     fu_start=800), score_threshold_hook]
val_evaluator = _base_.val_evaluator + [
    dict(type='KeypointPixelError', prefix='px', ann_file=_base_.data_root + _base_.val_ann)]
test_evaluator = [dict(m, ann_file=_base_.data_root + _base_.test_ann) for m in val_evaluator]
# validation every 400 iterations (15 frames, a few seconds each time): save_best keeps the
# checkpoint with the best val coco/AP
train_cfg = dict(max_iters=max_iters, val_interval=400)
# the demo's AdamW and gradient clipping, in bfloat16 mixed precision on CPU
optim_wrapper = dict(type='CPUAmpOptimWrapper', channels_last=True)
param_scheduler = [_base_.param_scheduler[0], dict(_base_.param_scheduler[1], end=max_iters)]
affine = dict(_base_.affine, rotate_factor=_base_.recipe_rotate_factor)
geometric = [dict(type='LoadFrame'), affine, dict(type='RandomFlip', direction='horizontal')]
train_pipeline = geometric + [dict(type='GenerateTarget', encoder=codec),
                              dict(type='PackPoseInputs')]
unlabeled_pipeline = geometric + [dict(type='PackPoseInputs')]
# the train loader's list below is this file's own (a list in a child config replaces its base's
# list, and holds this file's values before they are merged with the base): every stream in full
labeled_dataset = dict(_base_.labeled_dataset, pipeline=train_pipeline)
unlabeled_dataset = dict(_base_.unlabeled_dataset, pipeline=unlabeled_pipeline)
train_dataloader = dict(dataset=dict(datasets=[labeled_dataset, unlabeled_dataset]))
default_hooks = dict(checkpoint=dict(interval=800))
