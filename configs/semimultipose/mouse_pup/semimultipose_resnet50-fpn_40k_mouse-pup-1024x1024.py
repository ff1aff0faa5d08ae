# SemiMultiPose on mouse pups (Blau et al., section 5, mouse pup data): the honeybee config's
# model (ResNet-50 + FPN + keypoint alignment), 40k iterations, batch 2 labeled + 1 unlabeled,
# alpha * L_fl from 8k and beta * L_fu from 15k (the paper's noisier-data schedule), OKS with
# sigma^2 = 1. The base of the mouse pup trio. The data set is not published: put COCO keypoint
# files (head, torso, rump; configs/_base_/datasets/mouse_pup.py) in data/mouse_pup/annotations/
# (mouse_pup_train.json, mouse_pup_val.json, mouse_pup_test.json) and the frames in
# data/mouse_pup/images/, the unlabeled frames in data/mouse_pup/unlabeled/. Draw the validation
# frames from the training frames with a seed (about one in seven, as for honeybees, and from
# other recordings than the test frames where there are several); checkpoints and settings are
# chosen on them and the test frames are scored once per reported model.
_base_ = ['../honeybee/semimultipose_resnet50-fpn_15k_honeybee-1280x736.py']

data_root = 'data/mouse_pup/'
dataset_type = 'MousePupDataset'
dataset_info = 'configs/_base_/datasets/mouse_pup.py'
num_keypoints = 3
input_size = (1024, 1024)
stride = 8
max_iters = 40000
labeled_ann = 'annotations/mouse_pup_train.json'
unlabeled_dir = 'unlabeled/'
val_ann = 'annotations/mouse_pup_val.json'
test_ann = 'annotations/mouse_pup_test.json'

codec = dict(_base_.codec, input_size=input_size,
             heatmap_size=(input_size[0] // stride, input_size[1] // stride))
model = dict(head=dict(num_keypoints=num_keypoints, decoder=codec))
custom_hooks = [dict(type='SemiMultiPoseHook', alpha=0.01, beta=0.1, fl_start=8000,
                     fu_start=15000)]
train_cfg = dict(max_iters=max_iters)

affine = dict(_base_.affine, input_size=input_size)
geometric = [dict(type='LoadFrame'), affine, dict(type='RandomFlip', direction='horizontal')]
train_pipeline = geometric + [dict(type='GenerateTarget', encoder=codec),
                              dict(type='PackPoseInputs')]
unlabeled_pipeline = geometric + [dict(type='PackPoseInputs')]
val_pipeline = [dict(type='LoadImage'), dict(_base_.val_resize, input_size=input_size),
                _base_.val_pack]
labeled_dataset = dict(type=dataset_type, data_root=data_root, data_mode='bottomup',
                       ann_file=labeled_ann, data_prefix=dict(img='images/'),
                       pipeline=train_pipeline)
# unlabeled frames from a folder (every image file in it)
unlabeled_dataset = dict(type='UnlabeledFrameDataset', data_root=data_root,
                         metainfo=dict(from_file=dataset_info), frame_dir=unlabeled_dir,
                         pipeline=unlabeled_pipeline)
train_dataloader = dict(dataset=dict(datasets=[labeled_dataset, unlabeled_dataset]))
val_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root, ann_file=val_ann,
                                   pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(val_dataloader['dataset'], ann_file=test_ann))
coco_ap = dict(_base_.coco_ap, ann_file=data_root + val_ann)
val_evaluator = [coco_ap, dict(coco_ap, oks_stddev=1.0, prefix='sleap')]
test_evaluator = [dict(m, ann_file=data_root + test_ann) for m in val_evaluator]
