from .animal_coco_metric import AnimalCocoMetric, summarize_keypoints

__all__ = ['AnimalCocoMetric', 'summarize_keypoints']
