from .semimultipose_hook import SemiMultiPoseHook

__all__ = ['SemiMultiPoseHook']
