"""Lifting and top-down datasets from MMPose's mocap npz files, mapped to MPII-16."""
import os.path as osp
from typing import Dict, List, Optional, Tuple, Union

import mmpose
import numpy as np
from mmpose.datasets.datasets.base import BaseMocapDataset
from mmpose.registry import DATASETS

from projects.core.datasets.animal_datasets import DATASET_INFO_DIR
from projects.core.fileio import load_restricted_pickle
from projects.core.keypoints.mapping import KeypointMapping, build_mapping

#: MMPose's MPII-16 dataset info (the definition every infant3d stage uses)
MPII_INFO = osp.join(osp.dirname(mmpose.__file__), '.mim', 'configs', '_base_', 'datasets',
                     'mpii.py')


@DATASETS.register_module()
class MappedMocapDataset(BaseMocapDataset):
    """MMPose's mocap dataset (npz with ``imgname``, ``center``, ``scale``, ``part``, ``S``)
    whose joints are mapped into another definition, with the boxes and fields a top-down 2D
    model and a pose lifter both need.

    Every sample is one frame (``seq_len=1``) of one person and carries:

    - ``keypoints`` ``(1, K, 2)`` pixels and ``keypoints_visible`` ``(1, K)``;
    - ``keypoints_3d`` / ``lifting_target`` ``(1, K, 3)`` in the file's unit (metres for
      MMPose's Human3.6M and MPI-INF-3DHP files), camera frame, and their visibilities;
    - ``bbox`` ``(1, 4)`` x1, y1, x2, y2 pixels: the file's ``bbox`` if it has one, else the
      square of side ``scale * 200`` around ``center`` (MMPose's convention), and
      ``bbox_score`` ``(1, )``; ``img_path``: ``data_prefix['img']`` joined with ``imgname``;
    - ``head_size`` ``(1, )`` pixels and ``head_size_3d`` (a float, mm) where the file has them
      (PCKh normalisers).

    Args:
        mapping (str | dict | KeypointMapping, optional): maps the file's joints into the
            target definition (e.g. ``'mpi_inf_3dhp_to_mpii'``); ``metainfo`` must then be the
            target's dataset info. Derived joints average their sources (2D and 3D alike),
            joints without a counterpart get visibility 0.
        camera_param_file (str, optional): MMPose's camera pickle (relative to ``data_root``):
            read with :func:`projects.core.fileio.load_restricted_pickle`, which allows numpy
            arrays and builtin containers only (MMPose's own loader would run any pickled code).
        **kwargs: those of :class:`mmpose.datasets.BaseMocapDataset`.

    Raises:
        ValueError: the file's arrays do not match the source definition, or the mapped
            joints do not match ``metainfo``; the message names the file and the field; or the
            camera file holds anything but arrays and containers.
        FileNotFoundError: the camera file is missing.
    """

    def __init__(self, *args, mapping: Optional[Union[str, dict, KeypointMapping]] = None,
                 camera_param_file: Optional[str] = None, **kwargs):
        self.mapping = build_mapping(mapping) if mapping is not None else None
        self._camera_path = None
        if camera_param_file:
            root = kwargs.get('data_root') or ''
            self._camera_path = camera_param_file if osp.isabs(camera_param_file) else \
                osp.join(root, camera_param_file)
            self.camera_param = load_restricted_pickle(self._camera_path, 'camera_param_file')
            if not isinstance(self.camera_param, dict):
                raise ValueError(f'camera_param_file {self._camera_path}: expected a dict of '
                                 f'cameras, got {type(self.camera_param).__name__}')
        # the base class would unpickle the camera file itself: it gets none, and the cameras
        # are attached in _load_annotations
        super().__init__(*args, camera_param_file=None, **kwargs)
        self.camera_param_file = self._camera_path

    # --- reading -------------------------------------------------------------------------
    def _load_ann_file(self, ann_file: str) -> dict:
        self.ann_file_path = ann_file
        with np.load(ann_file) as data:
            ann = {k: data[k] for k in data.files}
        self.ann_data = self._map(ann, ann_file)
        return self.ann_data

    def _map(self, ann: Dict[str, np.ndarray], source: str) -> Dict[str, np.ndarray]:
        """Map ``part`` (N, K_s, 3) and ``S`` (N, K_s, 4) into the target definition."""
        for key in ('imgname', 'part'):
            if key not in ann:
                raise ValueError(f'{source}: no field {key!r} (MMPose mocap npz needs imgname, '
                                 'center, scale, part and S)')
        if self.mapping is None:
            return ann
        k_src = len(self.mapping.source_names)
        for key, dim in (('part', 3), ('S', 4)):
            if key not in ann:
                continue
            arr = ann[key]
            if arr.ndim != 3 or arr.shape[1:] != (k_src, dim):
                raise ValueError(f'{source}: field {key!r} has shape {arr.shape}; expected '
                                 f'(N, {k_src}, {dim}) for the source definition '
                                 f'{self.mapping.source_names[:3]}...')
            xyz, vis = self.mapping.apply(arr[..., :dim - 1], arr[..., dim - 1])
            ann[key] = np.concatenate([xyz, vis[..., None]], axis=-1).astype(np.float32)
        return ann

    def _load_annotations(self) -> Tuple[List[dict], List[dict]]:
        k = self.metainfo['num_keypoints']
        part = self.ann_data['part']
        if part.shape[1] != k:
            raise ValueError(f'{self.ann_file_path}: field "part" has {part.shape[1]} joints '
                             f'but the dataset info has {k}; set `mapping`')
        instances, images = super()._load_annotations()
        n = len(self.ann_data['imgname'])
        boxes = self.ann_data.get('bbox')
        if boxes is None:
            center = self.ann_data['center'].astype(np.float32)
            half = self.ann_data['scale'].astype(np.float32)[:, None] * 100.
            boxes = np.concatenate([center - half, center + half], axis=1)
        if boxes.shape != (n, 4):
            raise ValueError(f'{self.ann_file_path}: field "bbox" has shape {boxes.shape}; '
                             f'expected ({n}, 4)')
        for inst in instances:
            idx = inst['img_ids'][-1]
            inst['bbox'] = boxes[idx][None].astype(np.float32)
            inst['bbox_score'] = np.ones(1, dtype=np.float32)
            inst['img_path'] = osp.join(self.data_prefix.get('img', ''),
                                        str(inst['target_img_path'][-1]))
            inst['img_id'] = int(idx)
            if 'head_size' in self.ann_data:
                inst['head_size'] = np.array([self.ann_data['head_size'][idx]], np.float32)
            if 'head_size_3d' in self.ann_data:
                inst['head_size_3d'] = float(self.ann_data['head_size_3d'][idx])
            if self._camera_path:
                inst['camera_param'] = self.get_camera_param(inst['img_paths'][0])
        return instances, images

    def get_camera_param(self, imgname) -> dict:
        """Camera of a frame: ``dict(f=(2, 1), c=(2, 1)[, R, T, w, h])`` in pixels.

        Raises:
            KeyError: no camera for this frame in ``camera_param_file``.
        """
        key = self._camera_key(str(imgname))
        if key not in self.camera_param:
            raise KeyError(f'{self._camera_path}: no camera {key!r} for frame {imgname}')
        return self.camera_param[key]

    def _camera_key(self, imgname: str) -> str:
        return imgname


@DATASETS.register_module()
class MpiInf3dhpDataset(MappedMocapDataset):
    """MPI-INF-3DHP (Mehta et al. 2017) for MMPose 1.x, 2D top-down and lifting.

    Reads the npz files of MMPose 0.x's converter (``preprocess_mpi_inf_3dhp.py``): ``imgname``
    (``S4_Seq2_Cam0_001033.jpg`` for training frames, ``TS1_002001.jpg`` for the test set),
    ``center`` and ``scale`` (box side / 200, pixels), ``part`` ``(N, 17, 3)`` pixels +
    visibility and ``S`` ``(N, 17, 4)`` camera-frame metres + visibility, in the joint order of
    ``configs/_base_/datasets/mpi_inf_3dhp.py``; cameras from ``cameras_train.pkl`` /
    ``cameras_test.pkl`` (keys ``S4_Seq2_Cam0`` and ``TS1``). With
    ``mapping='mpi_inf_3dhp_to_mpii'`` and MPII's ``metainfo`` it yields MPII-16 joints, the
    pelvis (``root``) as joint 6.
    """

    METAINFO: dict = dict(from_file=osp.join(DATASET_INFO_DIR, 'mpi_inf_3dhp.py'))

    def _camera_key(self, imgname: str) -> str:
        stem = osp.basename(imgname)
        if stem.startswith('TS'):
            return stem.split('_')[0]
        return '_'.join(stem.split('_')[:3])
