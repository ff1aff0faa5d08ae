from .semimultipose import SemiMultiPoseEstimator, is_labeled

__all__ = ['SemiMultiPoseEstimator', 'is_labeled']
