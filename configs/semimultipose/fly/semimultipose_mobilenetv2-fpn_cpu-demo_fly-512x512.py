# SemiMultiPose on the fly clip at a CPU budget, the base of the fly CPU trio: the honeybee CPU
# demo's model and schedule (MobileNetV2 x0.5 from scratch, 1000 iterations, AdamW, batch 2
# labeled + 1 unlabeled, alpha * L_fl from 200, beta * L_fu from 500), frames at half size.
_base_ = ['../honeybee/semimultipose_mobilenetv2-fpn_cpu-demo_honeybee-640x384.py']

data_root = 'data/fly/'
dataset_type = 'SleapFlyDataset'
dataset_info = 'configs/_base_/datasets/fly.py'
num_keypoints = 13
input_size = (512, 512)
stride = 8
labeled_ann = 'annotations/fly_train5-d0.json'
unlabeled_ann = 'annotations/fly_train5-d0_unlabeled.json'
unlabeled_video = '../shared/data/fly/centered_pair_low_quality.mp4'
test_ann = 'annotations/fly_test.json'

codec = dict(_base_.codec, input_size=input_size,
             heatmap_size=(input_size[0] // stride, input_size[1] // stride))
model = dict(head=dict(num_keypoints=num_keypoints, decoder=codec))

affine = dict(_base_.affine, input_size=input_size)
geometric = [dict(type='LoadFrame'), affine, dict(type='RandomFlip', direction='horizontal')]
train_pipeline = geometric + [dict(type='GenerateTarget', encoder=codec),
                              dict(type='PackPoseInputs')]
unlabeled_pipeline = geometric + [dict(type='PackPoseInputs')]
# the second video's frames are 384x384 against the clip's 1024x1024: its affine takes a region
# 1024 / 384 times larger, so that its flies appear at the clip's size in the input
video_zoom = 1024 / 384
video_affine = dict(affine, scale_factor=(0.75 * video_zoom, 1.25 * video_zoom))
video_pipeline = [dict(type='LoadFrame'), video_affine,
                  dict(type='RandomFlip', direction='horizontal'), dict(type='PackPoseInputs')]
val_pipeline = [dict(type='LoadImage'), dict(_base_.val_resize, input_size=input_size),
                _base_.val_pack]
labeled_dataset = dict(type=dataset_type, data_root=data_root, data_mode='bottomup',
                       ann_file=labeled_ann, data_prefix=dict(img='images/'),
                       pipeline=train_pipeline)
unlabeled_dataset = dict(
    type='ConcatDataset',
    datasets=[
        dict(type='UnlabeledFrameDataset', data_root=data_root,
             metainfo=dict(from_file=dataset_info), ann_file=unlabeled_ann,
             pipeline=unlabeled_pipeline),
        dict(type='UnlabeledFrameDataset', metainfo=dict(from_file=dataset_info),
             video=unlabeled_video, every=1, pipeline=video_pipeline),
    ])
train_dataloader = dict(dataset=dict(datasets=[labeled_dataset, unlabeled_dataset]))
val_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root, ann_file=test_ann,
                                   pipeline=val_pipeline))
test_dataloader = val_dataloader
coco_ap = dict(_base_.coco_ap, ann_file=data_root + test_ann)
val_evaluator = [
    coco_ap,
    dict(coco_ap, oks_stddev=0.025, prefix='sleap'),
    # ten times looser: tells models apart before they reach the paper's precision (at 512x512
    # and stride 8, OKS 0.5 at stddev 0.025 needs about 3 input pixels per keypoint)
    dict(coco_ap, oks_stddev=0.25, prefix='sleap_loose'),
]
test_evaluator = val_evaluator
