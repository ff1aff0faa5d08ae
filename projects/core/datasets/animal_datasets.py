"""COCO-style keypoint datasets for the animals PoseBridge ships definitions for."""
import os.path as osp

from mmpose.datasets.datasets.base import BaseCocoStyleDataset
from mmpose.registry import DATASETS

#: configs/_base_/datasets of this repository (dataset-info files, MMPose's format).
DATASET_INFO_DIR = osp.join(
    osp.dirname(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))),
    'configs', '_base_', 'datasets')


@DATASETS.register_module()
class HoneybeeDataset(BaseCocoStyleDataset):
    """Honeybee hive-ramp frames (5 keypoints: Tail, Head, Thorax, RAnt, LAnt).

    Reads the COCO JSONs written by ``tools/dataset_converters/honeybee2coco.py``; keypoint
    names, skeleton, flip pairs and sigmas come from ``configs/_base_/datasets/honeybee.py``.
    Arguments are those of :class:`mmpose.datasets.BaseCocoStyleDataset`.
    """
    METAINFO: dict = dict(from_file=osp.join(DATASET_INFO_DIR, 'honeybee.py'))


@DATASETS.register_module()
class SleapFlyDataset(BaseCocoStyleDataset):
    """Two-fly SLEAP clips (13 keypoints), from ``tools/dataset_converters/sleap2coco.py``.

    Not MMPose's ``FlyDataset`` (the 32-keypoint single vinegar fly of Pereira et al. 2019).
    """
    METAINFO: dict = dict(from_file=osp.join(DATASET_INFO_DIR, 'fly.py'))


@DATASETS.register_module()
class MousePupDataset(BaseCocoStyleDataset):
    """Mouse pups (head, torso, rump), COCO keypoint JSON."""
    METAINFO: dict = dict(from_file=osp.join(DATASET_INFO_DIR, 'mouse_pup.py'))
