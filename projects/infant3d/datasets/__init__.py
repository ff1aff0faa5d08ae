from .mini_rgbd_dataset import (HEAD_SIZE_2D, HEAD_SIZE_3D, MINI_RGBD_INTRINSICS, SPLITS,
                                MiniRGBDDataset, mask_box)
from .mocap_dataset import MappedMocapDataset, MpiInf3dhpDataset
from .transforms import NormalizeKeypointsToBox

__all__ = ['MiniRGBDDataset', 'MappedMocapDataset', 'MpiInf3dhpDataset',
           'NormalizeKeypointsToBox', 'mask_box', 'HEAD_SIZE_2D', 'HEAD_SIZE_3D',
           'MINI_RGBD_INTRINSICS', 'SPLITS']
