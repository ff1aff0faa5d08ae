"""The metrics of Ellershaw et al. (2020), section 4: PCKh and AJPE, 2D and 3D."""
from typing import Tuple

import numpy as np


def joint_errors(pred: np.ndarray, gt: np.ndarray) -> np.ndarray:
    """Euclidean error of every joint: ``(N, K)`` from ``(N, K, D)`` predictions and ground
    truth in the same unit (pixels for 2D, mm for 3D).

    Raises:
        ValueError: the shapes differ.
    """
    pred, gt = np.asarray(pred, np.float64), np.asarray(gt, np.float64)
    if pred.shape != gt.shape:
        raise ValueError(f'prediction {pred.shape} and ground truth {gt.shape} differ')
    return np.linalg.norm(pred - gt, axis=-1)


def root_relative(keypoints: np.ndarray, root_index: int = 6) -> np.ndarray:
    """``(N, K, D)`` keypoints minus their root joint (MPII-16: the pelvis, index 6)."""
    keypoints = np.asarray(keypoints, np.float64)
    return keypoints - keypoints[:, root_index:root_index + 1]


def pckh(errors: np.ndarray, visible: np.ndarray, head_size: np.ndarray,
         factor: float) -> Tuple[np.ndarray, float]:
    """PCKh: a joint is correct when its error is at most ``factor`` x the head size.

    ``error <= factor * head_size`` (the authors' code, Ellershaw et al. 2020, section 4.1;
    PCKh@1.0 and PCKh@2.0 in its Table 1). The head size is per frame: in MINI-RGBD, the
    sequence's 2D head size in pixels or 3D head size in mm.

    Args:
        errors (np.ndarray): ``(N, K)`` joint errors (:func:`joint_errors`).
        visible (np.ndarray): ``(N, K)``, joints counted where > 0.
        head_size (np.ndarray): ``(N, )``, same unit as ``errors``.
        factor (float): the PCKh threshold (1.0, 2.0, MPII's 0.5).

    Returns:
        tuple: per-joint PCKh ``(K, )`` (NaN for a joint never visible) and the PCKh over
        every visible joint of every frame (NaN if none).
    """
    errors = np.asarray(errors, np.float64)
    mask = np.asarray(visible) > 0
    correct = (errors <= factor * np.asarray(head_size, np.float64).reshape(-1, 1)) & mask
    counts = mask.sum(axis=0)
    with np.errstate(invalid='ignore', divide='ignore'):
        per_joint = np.where(counts > 0, correct.sum(axis=0) / np.maximum(counts, 1), np.nan)
    overall = correct.sum() / mask.sum() if mask.any() else float('nan')
    return per_joint, float(overall)


def ajpe(errors: np.ndarray, visible: np.ndarray) -> Tuple[np.ndarray, float]:
    """Average joint position error (Ellershaw et al. 2020, section 4.1): the mean Euclidean
    error of each joint over the frames where it is visible, then the mean over joints.

    Args:
        errors (np.ndarray): ``(N, K)`` joint errors.
        visible (np.ndarray): ``(N, K)``.

    Returns:
        tuple: per-joint AJPE ``(K, )`` (NaN for a joint never visible) and their mean over
        the joints that have one.
    """
    errors = np.asarray(errors, np.float64)
    mask = np.asarray(visible) > 0
    counts = mask.sum(axis=0)
    with np.errstate(invalid='ignore', divide='ignore'):
        per_joint = np.where(counts > 0, (errors * mask).sum(axis=0) / np.maximum(counts, 1),
                             np.nan)
    return per_joint, float(np.nanmean(per_joint)) if np.any(counts > 0) else float('nan')
