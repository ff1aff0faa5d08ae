from .focal_loss import DirectPoseFocalLoss, score_weighted_focal_loss

__all__ = ['DirectPoseFocalLoss', 'score_weighted_focal_loss']
