# The Transfer model in the paper's whole-image setting (section 2.1): each MPII image resized
# to a width of 640 with its aspect kept (scaled to fit 640x480 and padded), no person crop.
_base_ = ['./td-hm_res50_transfer-macaque_8xb8-210e_mpii1000-256x256.py']

codec = dict(type='MSRAHeatmap', input_size=(640, 480), heatmap_size=(160, 120), sigma=2)
model = dict(head=dict(decoder=codec))
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='WholeImageBBox'),
    dict(type='GetBBoxCenterScale', padding=1.0),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs'),
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='WholeImageBBox'),
    dict(type='GetBBoxCenterScale', padding=1.0),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=val_pipeline))
