"""COCO-style keypoint datasets for the animals PoseBridge ships definitions for."""
import os.path as osp
from typing import Optional

import numpy as np
from mmpose.datasets.datasets.base import BaseCocoStyleDataset
from mmpose.registry import DATASETS

#: configs/_base_/datasets of this repository (dataset-info files, MMPose's format).
DATASET_INFO_DIR = osp.join(
    osp.dirname(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))),
    'configs', '_base_', 'datasets')


@DATASETS.register_module()
class CheckedCocoStyleDataset(BaseCocoStyleDataset):
    """MMPose's COCO-style dataset with errors that name the file, the record and the field.

    The dataset of a project written by ``tools/new_project.py``, with its keypoint definition
    from the config (``metainfo=dict(from_file='.../dataset_info.py')``); the datasets below
    are this class with a shipped definition.

    Every annotation must hold ``3 * K`` finite keypoint numbers (``K`` from the dataset
    info), and a training set (``test_mode=False``) must hold at least one instance; MMPose
    would otherwise fail with a bare numpy error, or train on NaN keypoints silently.

    Raises:
        ValueError: as above; the message names ``ann_file``, the annotation id and the field.
    """

    def parse_data_info(self, raw_data_info: dict) -> Optional[dict]:
        ann = raw_data_info['raw_ann_info']
        if 'keypoints' in ann:
            k = self.metainfo['num_keypoints']
            kp = ann['keypoints']
            try:
                arr = np.asarray(kp, dtype=np.float64)
            except (TypeError, ValueError):
                arr = None
            if arr is None or arr.shape != (3 * k, ):
                raise ValueError(f'{self.ann_file}: annotation id {ann.get("id")}: field '
                                 f'"keypoints": expected {3 * k} numbers ({k} keypoints of '
                                 f'{self.metainfo["dataset_name"]} as x, y, v), got '
                                 f'{len(kp) if isinstance(kp, list) else type(kp).__name__}')
            if not np.isfinite(arr).all():
                raise ValueError(f'{self.ann_file}: annotation id {ann.get("id")}: field '
                                 '"keypoints": NaN or infinite values')
        return super().parse_data_info(raw_data_info)

    def _load_annotations(self):
        instances, images = super()._load_annotations()
        if not self.test_mode and not instances:
            raise ValueError(f'{self.ann_file}: no annotated instance in any image; a training '
                             'set needs labels (unlabeled frames go to UnlabeledFrameDataset)')
        return instances, images


@DATASETS.register_module()
class HoneybeeDataset(CheckedCocoStyleDataset):
    """Honeybee hive-ramp frames (5 keypoints: Tail, Head, Thorax, RAnt, LAnt).

    Reads the COCO JSONs written by ``tools/dataset_converters/honeybee2coco.py``; keypoint
    names, skeleton, flip pairs and sigmas come from ``configs/_base_/datasets/honeybee.py``.
    Arguments are those of :class:`mmpose.datasets.BaseCocoStyleDataset`.
    """
    METAINFO: dict = dict(from_file=osp.join(DATASET_INFO_DIR, 'honeybee.py'))


@DATASETS.register_module()
class SleapFlyDataset(CheckedCocoStyleDataset):
    """Two-fly SLEAP clips (13 keypoints), from ``tools/dataset_converters/sleap2coco.py``.

    Not MMPose's ``FlyDataset`` (the 32-keypoint single vinegar fly of Pereira et al. 2019).
    """
    METAINFO: dict = dict(from_file=osp.join(DATASET_INFO_DIR, 'fly.py'))


@DATASETS.register_module()
class MousePupDataset(CheckedCocoStyleDataset):
    """Mouse pups (head, torso, rump), COCO keypoint JSON."""
    METAINFO: dict = dict(from_file=osp.join(DATASET_INFO_DIR, 'mouse_pup.py'))
