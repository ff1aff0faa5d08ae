from .bootstrap import bootstrap_ap, coco_keypoint_ap
from .oks import compute_oks, keypoint_bbox_area
from .threshold_sweep import roc_auc, roc_curve, threshold_sweep

__all__ = ['bootstrap_ap', 'coco_keypoint_ap', 'compute_oks', 'keypoint_bbox_area', 'roc_auc',
           'roc_curve', 'threshold_sweep']
