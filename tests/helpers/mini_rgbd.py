"""Writes a small MINI-RGBD sequence in the published layout (the data set cannot be
downloaded here): real pixels from MMPose's Human3.6M samples, 25 SMIL joints placed in 3D in
front of the camera and projected with MINI-RGBD's intrinsics, a foreground mask around them."""
import glob
import os
import os.path as osp

import cv2
import numpy as np

from projects.infant3d.datasets import MINI_RGBD_INTRINSICS
from tests.conftest import shared_data_dir



def project(xyz: np.ndarray) -> np.ndarray:
    """Camera-frame metres (K, 3) -> pixels (K, 2) with MINI-RGBD's intrinsics."""
    f = MINI_RGBD_INTRINSICS['f'].ravel()
    c = MINI_RGBD_INTRINSICS['c'].ravel()
    return xyz[:, :2] / xyz[:, 2:] * f + c


def write_sequence(root: str, seq: int, num_frames: int = 3, seed: int = 0) -> dict:
    """Write ``root/NN`` and return the joints written: ``{'j3d': (F, 25, 3) metres,
    'j2d': (F, 25, 2) pixels, 'mask_box': (F, 4) x1, y1, x2, y2 of the foreground}``."""
    rng = np.random.default_rng(seed + seq)
    images = sorted(glob.glob(osp.join(shared_data_dir(), 'mmpose_samples', 'h36m', 'S*', '*', '*.jpg')))
    folder = osp.join(root, f'{seq:02d}')
    for sub in ('rgb', 'joints_2Ddep', 'joints_3D', 'fg_mask'):
        os.makedirs(osp.join(folder, sub), exist_ok=True)
    out = dict(j3d=[], j2d=[], mask_box=[])
    for i in range(num_frames):
        centre = np.array([rng.uniform(-0.1, 0.1), rng.uniform(-0.05, 0.05), 0.8])
        j3d = centre + rng.uniform(-0.2, 0.2, size=(25, 3)) * np.array([1, 1, 0.3])
        j2d = project(j3d)
        img = cv2.resize(cv2.imread(images[i % len(images)]), (640, 480))
        cv2.imwrite(osp.join(folder, 'rgb', f'syn_{i:05d}.png'), img)
        np.savetxt(osp.join(folder, 'joints_2Ddep', f'syn_joints_2Ddep_{i:05d}.txt'),
                   np.concatenate([j2d, j3d[:, 2:] * 1000], axis=1), fmt='%.6f')
        np.savetxt(osp.join(folder, 'joints_3D', f'syn_joints_3D_{i:05d}.txt'), j3d, fmt='%.6f')
        mask = np.zeros((480, 640), np.uint8)
        x1, y1 = np.floor(j2d.min(0)).astype(int) - 3
        x2, y2 = np.ceil(j2d.max(0)).astype(int) + 3
        mask[y1:y2 + 1, x1:x2 + 1] = 255
        cv2.imwrite(osp.join(folder, 'fg_mask', f'mask_{i:05d}.png'), mask)
        out['j3d'].append(j3d)
        out['j2d'].append(j2d)
        out['mask_box'].append([x1, y1, x2, y2])
    return {k: np.asarray(v) for k, v in out.items()}


def write_mini_rgbd(root: str, sequences=tuple(range(1, 13)), num_frames: int = 2) -> dict:
    """Several sequences; returns ``{seq: write_sequence(...)}``."""
    return {s: write_sequence(root, s, num_frames) for s in sequences}
