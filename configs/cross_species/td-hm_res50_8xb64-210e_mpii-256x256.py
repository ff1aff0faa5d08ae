# The human-only Benchmark of Scott et al. 2024 as MMPose's SimpleBaseline ResNet-50 on all of
# MPII's training file but the test images (the paper used DeepLabCut's ResNet-101 human model; td-hm_res101_... is that depth).
# Tested on the MPII-1000 protocol's disjoint test set (tools/dataset_converters/mpii_subset.py)
# with MPII's PCKh and the paper's threshold sweep; head sizes are the head segments
# (head_top - upper_neck), as that set has no MPII head boxes.
_base_ = ['mmpose::body_2d_keypoint/topdown_heatmap/mpii/td-hm_res50_8xb64-210e_mpii-256x256.py']

custom_imports = dict(imports=['projects.cross_species'], allow_failed_imports=False)

data_root = 'data/mpii/'
test_ann = 'annotations/mpii_single-1000-s0_test.json'
# all of MPII's training file except the test images (written by mpii_subset.py beside the
# MPII-1000 split): the Benchmark must not be tested on images it was trained on
train_dataloader = dict(
    dataset=dict(data_root=data_root,
                 ann_file='annotations/mpii_single-1000-s0_benchmark_train.json'))
test_dataloader = dict(
    batch_size=32,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(_delete_=True, type='MpiiDataset', data_root=data_root, data_mode='topdown',
                 ann_file=test_ann, data_prefix=dict(img='images/'), test_mode=True,
                 pipeline={{_base_.val_pipeline}}))
test_evaluator = [
    dict(type='ThresholdSweepMetric', head_size='segment', target='mpii'),
]
