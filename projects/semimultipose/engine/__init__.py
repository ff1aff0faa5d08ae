from .hooks import SemiMultiPoseHook

__all__ = ['SemiMultiPoseHook']
