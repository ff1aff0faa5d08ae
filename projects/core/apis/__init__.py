"""Prediction as a library (MMPose's ``apis``): inputs, the per-frame loop, tracking, export."""
from .export import (build_labels, coco_results, output_path, save_predictions,
                     skeleton_from_meta)
from .inputs import Frame, FrameSource
from .onnx_backend import OnnxNetwork, use_onnxruntime
from .predict import STAGES, FramePrediction, StageTimer, filter_instances, predict_source
from .tracking import KeypointTracker

__all__ = ['Frame', 'FrameSource', 'FramePrediction', 'KeypointTracker', 'STAGES', 'StageTimer',
           'filter_instances',
           'predict_source', 'build_labels', 'coco_results', 'output_path',
           'save_predictions', 'skeleton_from_meta', 'OnnxNetwork', 'use_onnxruntime']
