# A one-class infant detector: the COCO Faster R-CNN R50-FPN fine-tuned on MINI-RGBD boxes
# (foreground mask + 5 px). Make the COCO files with
#   python tools/dataset_converters/mini_rgbd2coco.py data/mini_rgbd --out data/mini_rgbd/annotations
# The classification layer (81 -> 2 outputs) does not match the checkpoint and starts fresh;
# every other layer is loaded.
_base_ = ['./faster-rcnn_r50_fpn_1x_coco-person.py']

metainfo = dict(classes=('infant', ), palette=[(220, 20, 60)])
data_root = 'data/mini_rgbd/'
model = dict(roi_head=dict(bbox_head=dict(num_classes=1)))
# the layers that differ from the COCO checkpoint on purpose (tools/train.py and tools/test.py
# refuse every other key that does not fit)
load_from_allow = [r'roi_head\.bbox_head\.fc_(cls|reg)\.']
train_cfg = dict(max_epochs=4, val_interval=1)
optim_wrapper = dict(optimizer=dict(lr=0.005))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=500),
    dict(type='MultiStepLR', begin=0, end=4, by_epoch=True, milestones=[3], gamma=0.1),
]
train_dataloader = dict(
    batch_size=2,
    dataset=dict(data_root=data_root, metainfo=metainfo,
                 ann_file='annotations/mini_rgbd_train.json', data_prefix=dict(img='')))
val_dataloader = dict(
    dataset=dict(data_root=data_root, metainfo=metainfo,
                 ann_file='annotations/mini_rgbd_val.json', data_prefix=dict(img='')))
test_dataloader = dict(
    dataset=dict(data_root=data_root, metainfo=metainfo,
                 ann_file='annotations/mini_rgbd_test.json', data_prefix=dict(img='')))
val_evaluator = dict(ann_file=data_root + 'annotations/mini_rgbd_val.json')
test_evaluator = dict(ann_file=data_root + 'annotations/mini_rgbd_test.json')
