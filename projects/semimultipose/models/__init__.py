from .heads import DirectPoseHead, KeypointAlignment
from .losses import DirectPoseFocalLoss, score_weighted_focal_loss

__all__ = ['DirectPoseHead', 'KeypointAlignment', 'DirectPoseFocalLoss',
           'score_weighted_focal_loss']
