from .directpose_head import DirectPoseHead, KeypointAlignment

__all__ = ['DirectPoseHead', 'KeypointAlignment']
