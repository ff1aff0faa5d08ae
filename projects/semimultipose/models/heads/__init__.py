from .directpose_head import DirectPoseHead, KeypointAlignment
from .semimultipose_head import SemiMultiPoseHead

__all__ = ['DirectPoseHead', 'KeypointAlignment', 'SemiMultiPoseHead']
