# PoseBridge runtime: MMPose's, iteration-based, with PoseBridge's modules imported.
_base_ = ['mmpose::_base_/default_runtime.py']

custom_imports = dict(imports=['projects.semimultipose'], allow_failed_imports=False)

default_hooks = dict(
    # validation metrics are logged at their iteration (vis_data/scalars.json "step")
    logger=dict(type='LoggerHook', interval=20, log_metric_by_epoch=False),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=1000, max_keep_ckpts=3,
                    save_last=True),
    # ground truth beside predictions in tools/test.py --show-dir; keypoint scores are box
    # confidences sigmoid(B2): draw from 0.1 on (MMPose's default: 0.3)
    visualization=dict(type='PoseGTVisualizationHook', enable=False, kpt_thr=0.1))
custom_hooks = []
log_processor = dict(type='LogProcessor', window_size=20, by_epoch=False, num_digits=6)
randomness = dict(seed=0)
# the head reads one FPN level, so the FPN output convolutions of the other levels (and, for
# MobileNetV2, its last 1x1 convolution) get no gradient: DDP must know
find_unused_parameters = True
