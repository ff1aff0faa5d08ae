from .functional import compute_oks, keypoint_bbox_area
from .metrics import AnimalCocoMetric

__all__ = ['compute_oks', 'keypoint_bbox_area', 'AnimalCocoMetric']
