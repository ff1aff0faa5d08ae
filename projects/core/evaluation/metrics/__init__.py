from .animal_coco_metric import AnimalCocoMetric, summarize_keypoints
from .threshold_sweep_metric import ThresholdSweepMetric

__all__ = ['AnimalCocoMetric', 'summarize_keypoints', 'ThresholdSweepMetric']
