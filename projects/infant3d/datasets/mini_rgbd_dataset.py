"""MINI-RGBD (Hesse et al. 2018) read from its published folder layout."""
import glob
import os.path as osp
from typing import Optional, Sequence, Tuple, Union

import cv2
import numpy as np
from mmpose.registry import DATASETS

from .mocap_dataset import MPII_INFO, MappedMocapDataset
from .prediction_file import frame_key, read_prediction_frames

#: the camera of every MINI-RGBD sequence (pixels), as published with the data set
MINI_RGBD_INTRINSICS = dict(f=np.array([[588.67905803], [590.25690113]]),
                            c=np.array([[322.22048191], [237.46785983]]), w=640, h=480)
#: per-sequence head sizes (sequences 1-12): 2D in pixels, 3D in mm (Ellershaw et al. 2020,
#: taken from the authors' code, DataSets/Utils/Config.py); the PCKh normalisers
HEAD_SIZE_2D = (11.21, 11.39, 11.96, 11.13, 7.75, 9.10, 12.77, 13.34, 12.75, 11.23, 12.17, 13.93)
HEAD_SIZE_3D = (24.9, 26.3, 25.3, 27.8, 20.6, 23.4, 28.2, 26.2, 29.0, 26.1, 28.6, 30.1)
#: the paper's split
SPLITS = dict(train=tuple(range(1, 9)), val=(9, 10), test=(11, 12))


def mask_box(mask: np.ndarray, margin: float = 5.) -> np.ndarray:
    """Box of a foreground mask: ``(4, )`` x1, y1, x2, y2 pixels, ``margin`` added on every
    side and clipped to the image (the paper's crop: mask box + 5 px).

    Raises:
        ValueError: the mask has no foreground pixel.
    """
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        raise ValueError('empty foreground mask')
    h, w = mask.shape[:2]
    return np.array([max(xs.min() - margin, 0.), max(ys.min() - margin, 0.),
                     min(xs.max() + margin, w - 1.), min(ys.max() + margin, h - 1.)],
                    dtype=np.float32)


def read_joints(path: str, columns: int = 3, num_joints: int = 25) -> np.ndarray:
    """One MINI-RGBD joint file: ``(25, 3)`` float (``joints_2Ddep``: x, y pixels and depth;
    ``joints_3D``: x, y, z metres). Raises ``ValueError`` naming the file otherwise."""
    try:
        arr = np.loadtxt(path, dtype=np.float64, ndmin=2)
    except ValueError as e:
        raise ValueError(f'{path}: not a table of numbers ({e})') from None
    if arr.shape != (num_joints, columns):
        raise ValueError(f'{path}: shape {arr.shape}; expected ({num_joints}, {columns}) '
                         '(one line per SMIL joint)')
    return arr


@DATASETS.register_module()
class MiniRGBDDataset(MappedMocapDataset):
    """MINI-RGBD as MPII-16 samples for the 2D top-down model and the pose lifter.

    Reads ``data_root/NN/`` for each sequence ``NN`` (``01`` ... ``12``):
    ``rgb/syn_%05d.png`` (640 x 480), ``joints_2Ddep/syn_joints_2Ddep_%05d.txt`` (25 lines: x, y
    in pixels, depth), ``joints_3D/syn_joints_3D_%05d.txt`` (25 lines: x, y, z in metres,
    camera frame) and ``fg_mask/mask_%05d.png``. The 25 SMIL joints are mapped to MPII-16 with
    ``mini_rgbd_to_mpii``; the box is the foreground mask's plus ``box_margin`` pixels; every
    sample carries its sequence's 2D (px) and 3D (mm) head size. The data set cannot be
    downloaded by this code (it is distributed on request by Fraunhofer IOSB); PoseBridge's
    tests write a small sequence in this layout.

    Args:
        data_root (str): the folder holding the sequence folders.
        sequences (Sequence[int] | str): sequence numbers, or ``'train'`` (1-8), ``'val'``
            (9, 10), ``'test'`` (11, 12): the paper's split.
        frame_step (int): keep every ``frame_step``-th frame.
        box_margin (float): pixels added around the mask box.
        keypoints_2d_file (str | list[str], optional): ``predictions.json`` file(s) written by
            ``tools/infant_chain.py`` (``frames`` with ``image``, ``bbox`` and
            ``keypoints_2d``, MPII-16, pixels) whose 2D keypoints and boxes replace the ground
            truth as the lifter's input (the paper's evaluation: 3D on the 2D stage's output);
            ground-truth 3D stays the target.
        boxes_file (str | list[str], optional): the same files, of which only the detector's
            boxes are used: the 2D model then runs on detector crops and is scored against
            the ground-truth 2D keypoints (the paper's evaluation of the 2D stage).
        **kwargs: those of :class:`mmpose.datasets.BaseMocapDataset` (``pipeline``,
            ``test_mode``, ...); ``metainfo`` defaults to MMPose's MPII.

    Raises:
        FileNotFoundError: a sequence folder or one of a frame's files is missing.
        ValueError: a malformed joint file or an empty mask (the message names the file).
    """

    METAINFO: dict = dict(from_file=MPII_INFO)

    def __init__(self, data_root: str, sequences: Union[Sequence[int], str] = 'train',
                 frame_step: int = 1,
                 box_margin: float = 5.,
                 keypoints_2d_file: Optional[Union[str, Sequence[str]]] = None,
                 boxes_file: Optional[Union[str, Sequence[str]]] = None,
                 metainfo: Optional[dict] = None, **kwargs):
        self.sequences = SPLITS[sequences] if isinstance(sequences, str) else tuple(sequences)
        self.frame_step = frame_step
        self.box_margin = box_margin
        self.keypoints_2d_file = keypoints_2d_file
        self.boxes_file = boxes_file
        # MINI-RGBD has no annotation file: the sequences under data_root are read instead
        # (MMPose's BaseMocapDataset calls _load_ann_file before it stores data_root)
        self.sequences_root = data_root
        super().__init__(ann_file='', data_root=data_root, mapping='mini_rgbd_to_mpii',
                         metainfo=metainfo, camera_param_file=None, **kwargs)

    def _load_ann_file(self, ann_file: str) -> dict:
        """Read the sequences under ``data_root`` (``ann_file`` is unused: there is none)."""
        root = self.sequences_root
        self.ann_file_path = root
        names, part, s3d, boxes, hs2, hs3 = [], [], [], [], [], []
        for seq in self.sequences:
            if not 1 <= seq <= 12:
                raise ValueError(f'MINI-RGBD sequence {seq}: expected 1-12')
            folder = osp.join(root, f'{seq:02d}')
            frames = sorted(glob.glob(osp.join(folder, 'rgb', 'syn_*.png')))
            if not frames:
                raise FileNotFoundError(f'{folder}/rgb: no syn_%05d.png frames (MINI-RGBD '
                                        'layout: NN/rgb, NN/joints_2Ddep, NN/joints_3D, '
                                        'NN/fg_mask)')
            for path in frames[::self.frame_step]:
                i = int(osp.basename(path)[4:-4])
                j2 = read_joints(osp.join(folder, 'joints_2Ddep', f'syn_joints_2Ddep_{i:05d}.txt'))
                j3 = read_joints(osp.join(folder, 'joints_3D', f'syn_joints_3D_{i:05d}.txt'))
                mask_path = osp.join(folder, 'fg_mask', f'mask_{i:05d}.png')
                mask = cv2.imread(mask_path, cv2.IMREAD_GRAYSCALE)
                if mask is None:
                    raise FileNotFoundError(f'{mask_path}: missing or unreadable mask')
                try:
                    boxes.append(mask_box(mask > 0, self.box_margin))
                except ValueError:
                    raise ValueError(f'{mask_path}: empty foreground mask') from None
                names.append(osp.relpath(path, root))
                part.append(np.concatenate([j2[:, :2], np.ones((25, 1))], axis=1))
                s3d.append(np.concatenate([j3, np.ones((25, 1))], axis=1))
                hs2.append(HEAD_SIZE_2D[seq - 1])
                hs3.append(HEAD_SIZE_3D[seq - 1])
        boxes = np.stack(boxes)
        ann = dict(imgname=np.array(names), part=np.stack(part), S=np.stack(s3d), bbox=boxes,
                   center=(boxes[:, :2] + boxes[:, 2:]) / 2,
                   scale=(boxes[:, 2:] - boxes[:, :2]).max(axis=1) / 200.,
                   head_size=np.array(hs2, np.float32), head_size_3d=np.array(hs3, np.float32),
                   sequence=np.array([int(n[:2]) for n in names]))
        ann = self._map(ann, root)
        if self.keypoints_2d_file:
            ann['part'], ann['bbox'] = self._predicted_2d(self.keypoints_2d_file,
                                                          ann['imgname'], ann['part'],
                                                          ann['bbox'])
        if self.boxes_file:
            _, ann['bbox'] = self._predicted_2d(self.boxes_file, ann['imgname'], ann['part'],
                                                ann['bbox'], keypoints=False)
        self.ann_data = ann
        return ann

    def _predicted_2d(self, files: Union[str, Sequence[str]], names: Sequence[str],
                      part: np.ndarray, boxes: np.ndarray,
                      keypoints: bool = True) -> Tuple[np.ndarray, np.ndarray]:
        """``part`` and ``bbox`` with the 2D keypoints and boxes of ``keypoints_2d_file``
        (matched by image path; the box where the file has one, so the lifter's input is
        normalised by the detector's box as in the chain), read by
        :func:`~projects.infant3d.datasets.prediction_file.read_prediction_frames`."""
        files = [files] if isinstance(files, str) else list(files)
        what = 'keypoints_2d_file' if keypoints else 'boxes_file'
        by_name = read_prediction_frames(files, what)
        out, out_boxes = part.copy(), boxes.copy()
        missing = []
        for i, name in enumerate(names):
            hit = by_name.get(frame_key(name))
            if hit is None:
                missing.append(name)
                continue
            kp = np.asarray(hit['keypoints_2d'], np.float32)
            if hit.get('bbox') is not None:
                out_boxes[i] = np.asarray(hit['bbox'], np.float32).reshape(4)
            if kp.shape[0] != part.shape[1]:
                raise ValueError(f'{files}: keypoints_2d of {name} has {kp.shape[0]} joints; '
                                 f'expected {part.shape[1]}')
            if keypoints:
                out[i, :, :2] = kp[:, :2]
        if missing:
            raise ValueError(f'{files}: no keypoints_2d for {len(missing)} frames (no '
                             f'detection or not run on them), e.g. {missing[0]}')
        return out, out_boxes
