from .functional import (compute_oks, keypoint_bbox_area, roc_auc, roc_curve,
                         threshold_sweep)
from .labels_scoring import labels_to_coco, score_labels
from .metrics import KeypointAP, KeypointPixelError, ThresholdSweepMetric

__all__ = ['compute_oks', 'keypoint_bbox_area', 'roc_auc', 'roc_curve', 'threshold_sweep',
           'KeypointAP', 'KeypointPixelError', 'ThresholdSweepMetric', 'labels_to_coco', 'score_labels']
