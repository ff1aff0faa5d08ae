from .oks import compute_oks, keypoint_bbox_area

__all__ = ['compute_oks', 'keypoint_bbox_area']
