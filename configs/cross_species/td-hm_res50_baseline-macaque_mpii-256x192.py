# The Baseline of Scott et al. 2024: the macaque network applied to humans without training.
# Its 17 COCO keypoints are mapped to MPII-16 (pelvis = mean of the hips, thorax = mean of the
# shoulders); MPII's head_top and upper_neck have no macaque counterpart and are excluded from
# every number. Flip testing is off: MPII's flip pairs do not index the macaque heatmaps.
#   python tools/test.py configs/cross_species/td-hm_res50_baseline-macaque_mpii-256x192.py \
#       work_dirs/td-hm_res50_8xb64-210e_macaque-256x192/best_coco_AP_epoch_*.pth
_base_ = ['./td-hm_res50_8xb64-210e_macaque-256x192.py']

model = dict(test_cfg=dict(flip_test=False))
test_dataloader = dict(
    batch_size=32,
    dataset=dict(_delete_=True, type='MpiiDataset', data_root='data/mpii/', data_mode='topdown',
                 ann_file='annotations/mpii_single-1000-s0_test.json',
                 data_prefix=dict(img='images/'), test_mode=True,
                 pipeline={{_base_.val_pipeline}}))
test_evaluator = [dict(type='ThresholdSweepMetric', mapping='macaque_to_mpii',
                       head_size='segment')]
