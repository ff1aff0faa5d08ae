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
    info) whose labeled points lie within one image size of the image (a coordinate of 1e12
    would otherwise be trained on); a training set (``test_mode=False``) must hold at least one
    instance; image ids and annotation ids must be unique (``xtcocotools`` keeps the last of
    two equal ids, which puts one frame's labels on another frame's pixels); and every image's
    ``file_name`` must resolve inside ``data_root`` (lexically: links below it are allowed),
    unless ``allow_outside_data_root=True``; an empty or truncated JPEG/PNG is refused
    (:func:`projects.core.fileio.check_image_complete`). MMPose would otherwise fail with a
    bare numpy error, or train on wrong data silently.

    Args:
        allow_outside_data_root (bool): accept ``file_name`` values that are absolute or climb
            out of ``data_root`` with ``..``.
        **kwargs: the arguments of :class:`mmpose.datasets.BaseCocoStyleDataset`.

    Raises:
        ValueError: as above; the message names ``ann_file``, the image or annotation id and
            the field.
    """

    def __init__(self, *args, allow_outside_data_root: bool = False, **kwargs) -> None:
        self.allow_outside_data_root = allow_outside_data_root
        super().__init__(*args, **kwargs)

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
            img = raw_data_info['raw_img_info']
            w, h = img.get('width') or 0, img.get('height') or 0
            pts = arr.reshape(k, 3)
            pts = pts[pts[:, 2] > 0, :2]
            if w > 0 and h > 0 and len(pts) and (
                    (pts[:, 0] < -w).any() or (pts[:, 0] > 2 * w).any() or
                    (pts[:, 1] < -h).any() or (pts[:, 1] > 2 * h).any()):
                raise ValueError(f'{self.ann_file}: annotation id {ann.get("id")}: field '
                                 f'"keypoints": labeled points at x = {pts[:, 0].min():g}..'
                                 f'{pts[:, 0].max():g}, y = {pts[:, 1].min():g}..'
                                 f'{pts[:, 1].max():g}, more than one image size outside its '
                                 f'{w}x{h} image (id {img.get("id")})')
        return super().parse_data_info(raw_data_info)

    def _load_annotations(self):
        instances, images = super()._load_annotations()
        raw = self.coco.dataset
        for field, items in (('images', raw.get('images', [])),
                             ('annotations', raw.get('annotations', []))):
            seen = set()
            for item in items:
                if item.get('id') in seen:
                    raise ValueError(f'{self.ann_file}: field "{field}": id {item["id"]} '
                                     'appears twice; ids must be unique (a converter should '
                                     'drop duplicated entries)')
                seen.add(item.get('id'))
        from ..fileio import check_image_complete
        for img in images:  # before training on a frame cut short
            if osp.isfile(img['img_path']):
                check_image_complete(img['img_path'])
        if not self.allow_outside_data_root:
            root = osp.normpath(osp.abspath(self.data_root or '.'))
            for img in images:
                path = osp.normpath(osp.abspath(img['img_path']))
                if not (path == root or path.startswith(root + osp.sep)):
                    raise ValueError(f'{self.ann_file}: image id {img["img_id"]}: field '
                                     f'"file_name" {img["file_name"]!r} resolves to {path}, '
                                     f'outside data_root {root}; set the dataset\'s '
                                     'allow_outside_data_root=True to read it anyway')
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
