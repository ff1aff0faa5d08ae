# The chain's detector (Ellershaw et al. 2020: a pre-trained Faster R-CNN crops the person):
# MMDetection's Faster R-CNN R50-FPN with its COCO checkpoint; the chain keeps class 0
# ('person'). Used as is, or as the start of the infant fine-tune.
_base_ = ['mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py']

load_from = ('https://download.openmmlab.com/mmdetection/v2.0/faster_rcnn/'
             'faster_rcnn_r50_fpn_1x_coco/'
             'faster_rcnn_r50_fpn_1x_coco_20200130-047c8118.pth')
