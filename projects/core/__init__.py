"""What several PoseBridge methods share: datasets, converters, metrics, checkpoint loading."""
from . import checkpoint  # noqa: F401  (safe torch.load of MMEngine checkpoints)
from . import engine  # noqa: F401  (hooks)
from .datasets import SleapFlyDataset, HoneybeeDataset, MousePupDataset
from .evaluation import AnimalCocoMetric, compute_oks, keypoint_bbox_area

__all__ = ['HoneybeeDataset', 'SleapFlyDataset', 'MousePupDataset', 'AnimalCocoMetric',
           'compute_oks', 'keypoint_bbox_area']
