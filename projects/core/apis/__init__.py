"""Inference helpers of the prediction tool: inputs, tracking, export (MMPose's ``apis``)."""
from .export import (build_labels, coco_results, output_path, save_predictions,
                     skeleton_from_meta)
from .inputs import Frame, FrameSource
from .tracking import KeypointTracker

__all__ = ['Frame', 'FrameSource', 'KeypointTracker', 'build_labels', 'coco_results', 'output_path',
           'save_predictions', 'skeleton_from_meta']
