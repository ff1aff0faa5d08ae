from .directpose_label import DirectPoseLabel

__all__ = ['DirectPoseLabel']
