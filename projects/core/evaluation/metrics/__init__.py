from .keypoint_ap import KeypointAP, summarize_keypoints
from .threshold_sweep_metric import ThresholdSweepMetric

__all__ = ['KeypointAP', 'summarize_keypoints', 'ThresholdSweepMetric']
