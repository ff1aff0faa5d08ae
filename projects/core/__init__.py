"""What several PoseBridge methods share: datasets, converters, keypoint mappings, metrics,
checkpoint loading."""
from . import checkpoint  # noqa: F401  (safe torch.load of MMEngine checkpoints)
from . import engine  # noqa: F401  (hooks)
from .datasets import SleapFlyDataset, HoneybeeDataset, MousePupDataset
from . import keypoints  # noqa: F401  (keypoint mappings)
from .evaluation import (KeypointAP, ThresholdSweepMetric, compute_oks,
                         keypoint_bbox_area)

__all__ = ['HoneybeeDataset', 'SleapFlyDataset', 'MousePupDataset', 'KeypointAP',
           'ThresholdSweepMetric',
           'compute_oks', 'keypoint_bbox_area']
