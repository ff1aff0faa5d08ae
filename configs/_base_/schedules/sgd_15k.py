# SemiMultiPose's schedule (Blau et al., section 5): 15k iterations, batch 3, SGD, lr 0.01
# decayed by 100 after 5k iterations (a linear warm-up of 500 iterations added).
# It inherits the runtime (MMEngine forbids the same key, e.g. train_cfg, in two sibling bases).
_base_ = ['../default_runtime.py']

train_cfg = dict(_delete_=True, type='IterBasedTrainLoop', max_iters=15000, val_interval=1000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4),
    clip_grad=dict(max_norm=35, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=500),
    dict(type='MultiStepLR', by_epoch=False, milestones=[5000], gamma=0.01),
]
auto_scale_lr = dict(base_batch_size=3, enable=False)
