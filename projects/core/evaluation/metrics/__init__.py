from .dump_predictions import DumpPredictions
from .keypoint_ap import KeypointAP, summarize_keypoints
from .pixel_error import KeypointPixelError, match_instances
from .threshold_sweep_metric import ThresholdSweepMetric

__all__ = ['DumpPredictions', 'KeypointAP', 'KeypointPixelError', 'match_instances', 'summarize_keypoints', 'ThresholdSweepMetric']
