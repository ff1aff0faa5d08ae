from .oks import compute_oks, keypoint_bbox_area
from .threshold_sweep import roc_auc, roc_curve, threshold_sweep

__all__ = ['compute_oks', 'keypoint_bbox_area', 'roc_auc', 'roc_curve', 'threshold_sweep']
