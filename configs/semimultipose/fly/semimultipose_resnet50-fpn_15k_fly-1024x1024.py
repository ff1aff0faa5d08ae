# SemiMultiPose on the two-fly SLEAP clip (Blau et al., section 5, fly data), the paper's GPU
# setting (ResNet-50 + FPN + keypoint alignment, 15k iterations, batch 2 labeled + 1 unlabeled,
# alpha * L_fl from 2k, beta * L_fu from 5k), full-resolution 1024x1024 frames; the model and
# schedule are the honeybee config's, which it inherits. The base of the fly trio.
#
# Data: `tools/dataset_converters/sleap2coco.py ../shared/data/fly/clip.slp --out data/fly
# --name fly --pool-frames 0:1100:10 --val-frames 1100:1200:10 --test-frames 1200:1500:10` writes
# the five draws of 5 labeled frames from frames 0-1090 and their unlabeled sets, 10 validation
# frames (1100-1190: apart in time from both, so none is a near-copy of a training or a test
# frame; checkpoints and settings are chosen on them) and 30 test frames (1200-1490);
# `centered_pair_low_quality.mp4` (another two-fly recording) adds unlabeled frames, decoded
# from the video one at a time.
_base_ = ['../honeybee/semimultipose_resnet50-fpn_15k_honeybee-1280x736.py']

data_root = 'data/fly/'
dataset_type = 'SleapFlyDataset'
dataset_info = 'configs/_base_/datasets/fly.py'
num_keypoints = 13
input_size = (1024, 1024)
stride = 8
labeled_ann = 'annotations/fly_train5-d0.json'
unlabeled_ann = 'annotations/fly_train5-d0_unlabeled.json'
unlabeled_video = '../shared/data/fly/centered_pair_low_quality.mp4'
val_ann = 'annotations/fly_val.json'
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
# the second stream: the clip's frames that were not drawn, then the other video
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
val_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root, ann_file=val_ann,
                                   pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(val_dataloader['dataset'], ann_file=test_ann))
# the paper's fly OKS: a single sigma^2 = 0.025 (SLEAP's compute_oks)
coco_ap = dict(_base_.coco_ap, ann_file=data_root + val_ann)
val_evaluator = [
    coco_ap,
    dict(coco_ap, oks_stddev=0.025, prefix='sleap'),
    # ten times looser: tells models apart before they reach the paper's precision (at 512x512
    # and stride 8, OKS 0.5 at stddev 0.025 needs about 3 input pixels per keypoint)
    dict(coco_ap, oks_stddev=0.25, prefix='sleap_loose'),
]
test_evaluator = [dict(m, ann_file=data_root + test_ann) for m in val_evaluator]
