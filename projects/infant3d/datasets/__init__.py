from .mini_rgbd_dataset import (HEAD_SIZE_2D, HEAD_SIZE_3D, MINI_RGBD_INTRINSICS, SPLITS,
                                MiniRGBDDataset, mask_box)
from .mocap_dataset import MappedMocapDataset, MpiInf3dhpDataset
from .prediction_file import frame_key, read_prediction_frames, write_prediction_file
from .transforms import NormalizeKeypointsToBox

__all__ = ['MiniRGBDDataset', 'MappedMocapDataset', 'MpiInf3dhpDataset',
           'NormalizeKeypointsToBox', 'mask_box', 'HEAD_SIZE_2D', 'HEAD_SIZE_3D',
           'MINI_RGBD_INTRINSICS', 'SPLITS', 'frame_key', 'read_prediction_frames',
           'write_prediction_file']
