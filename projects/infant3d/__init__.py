"""Adult to infant 3D pose (Ellershaw et al. 2020): detector, 2D and lifting models chained.

Importing this package registers the MINI-RGBD and MPI-INF-3DHP datasets, the lifter's input
normalisation, the PCKh/AJPE metric and PoseBridge's shared pieces (keypoint mappings,
checkpoint loading).
"""
import projects.core  # noqa: F401  (shared registrations)
from .datasets import (MappedMocapDataset, MiniRGBDDataset, MpiInf3dhpDataset,
                       NormalizeKeypointsToBox)
from .evaluation import PCKhAJPE

__all__ = ['MappedMocapDataset', 'MiniRGBDDataset', 'MpiInf3dhpDataset',
           'NormalizeKeypointsToBox', 'PCKhAJPE']
