"""SemiMultiPose (Blau et al.): one-stage multi-animal pose with fusion losses.

Importing this package registers its codec, head and losses in MMPose's registries, and the
shared pieces of :mod:`projects.core` (datasets, metrics, checkpoint loading).
"""
import mmdet.models  # noqa: F401  registers mmdet.FPN, mmdet.MSELoss, ... for configs

import projects.core  # noqa: F401
from .codecs import DirectPoseLabel
from .engine import SemiMultiPoseHook
from .models import (DirectPoseFocalLoss, DirectPoseHead, SemiMultiPoseEstimator,
                     SemiMultiPoseHead)

__all__ = ['DirectPoseLabel', 'DirectPoseHead', 'DirectPoseFocalLoss', 'SemiMultiPoseHead',
           'SemiMultiPoseEstimator', 'SemiMultiPoseHook']
