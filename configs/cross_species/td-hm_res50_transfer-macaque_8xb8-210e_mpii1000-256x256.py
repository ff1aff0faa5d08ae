# The Transfer model of Scott et al. 2024: the macaque network's backbone, a freshly initialised
# head for MPII-16 (DeepLabCut keepdeconvweights=False: TransferInitHook mode='reinit_head'),
# fine-tuned on 1,000 single-person MPII images (950 train / 50 validation, seed 0), batch 8.
# Other choices, by config: mode='reinit_final' (keep the deconvolution layers) or
# 'copy_mapped' with mapping='macaque_to_mpii' (also copy the heatmap filters of the 12 shared
# joints); model.backbone.frozen_stages / norm_eval and optim_wrapper.paramwise_cfg for freezing.
_base_ = ['./td-hm_res50_8xb64-210e_mpii-256x256.py']

# the newest best checkpoint of the macaque config's default work dir (a path or a pattern)
source_checkpoint = 'work_dirs/td-hm_res50_8xb64-210e_macaque-256x192/best_coco_AP_*.pth'
model = dict(backbone=dict(init_cfg=None))  # the backbone comes from the macaque network
custom_hooks = [
    dict(type='TransferInitHook', checkpoint=source_checkpoint, mode='reinit_head'),
    dict(type='TrainableParametersHook'),
]
train_dataloader = dict(
    batch_size=8,
    dataset=dict(ann_file='annotations/mpii_single-1000-s0_train.json'))
val_dataloader = dict(
    dataset=dict(ann_file='annotations/mpii_single-1000-s0_val.json', headbox_file=None))
val_evaluator = dict(type='ThresholdSweepMetric', head_size='segment', target='mpii')
default_hooks = dict(checkpoint=dict(save_best='sweep/F1', rule='greater'))
auto_scale_lr = dict(base_batch_size=8)
