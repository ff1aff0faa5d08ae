from .heads import DirectPoseHead, KeypointAlignment, SemiMultiPoseHead
from .losses import DirectPoseFocalLoss, score_weighted_focal_loss
from .pose_estimators import SemiMultiPoseEstimator
from .utils import pseudo_keypoints, render_pseudo_heatmaps

__all__ = ['DirectPoseHead', 'KeypointAlignment', 'SemiMultiPoseHead', 'DirectPoseFocalLoss',
           'score_weighted_focal_loss', 'SemiMultiPoseEstimator', 'pseudo_keypoints',
           'render_pseudo_heatmaps']
