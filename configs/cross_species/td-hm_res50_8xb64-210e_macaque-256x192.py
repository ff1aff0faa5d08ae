# The macaque network of Scott et al. 2024: MMPose's SimpleBaseline (ResNet-50 + deconvolution
# head, MSRA heatmaps) on MacaquePose (COCO-17 keypoints), top-down 256x192. MMPose 1.3's wheel
# ships no MacaquePose config, so this inherits its MPII ResNet-50 config and swaps the data.
# Data: MacaquePose converted to COCO (MMPose's layout): data/macaque/annotations/
# macaque_{train,test}.json and data/macaque/images/.
_base_ = ['mmpose::body_2d_keypoint/topdown_heatmap/mpii/td-hm_res50_8xb64-210e_mpii-256x256.py']

custom_imports = dict(imports=['projects.cross_species'], allow_failed_imports=False)

codec = dict(type='MSRAHeatmap', input_size=(192, 256), heatmap_size=(48, 64), sigma=2)
model = dict(head=dict(out_channels=17, decoder=codec))

dataset_type = 'MacaqueDataset'
data_mode = 'topdown'
data_root = 'data/macaque/'
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomHalfBody'),
    dict(type='RandomBBoxTransform'),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs'),
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs'),
]
train_dataloader = dict(
    dataset=dict(type=dataset_type, data_root=data_root, data_mode=data_mode,
                 ann_file='annotations/macaque_train.json', data_prefix=dict(img='images/'),
                 pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(_delete_=True, type=dataset_type, data_root=data_root, data_mode=data_mode,
                 ann_file='annotations/macaque_test.json', data_prefix=dict(img='images/'),
                 test_mode=True, pipeline=val_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='CocoMetric', ann_file=data_root + 'annotations/macaque_test.json')
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='coco/AP', rule='greater'))
