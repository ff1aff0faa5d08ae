"""The metrics of Ellershaw et al. (2020), section 4: PCKh and AJPE, 2D and 3D, on MMPose's
``keypoint_pck_accuracy`` and ``keypoint_epe``."""
from typing import Tuple

import numpy as np
from mmpose.evaluation.functional import keypoint_epe, keypoint_pck_accuracy


def _check(pred: np.ndarray, gt: np.ndarray, visible: np.ndarray):
    pred, gt = np.asarray(pred, np.float64), np.asarray(gt, np.float64)
    if pred.shape != gt.shape or pred.ndim != 3:
        raise ValueError(f'prediction {pred.shape} and ground truth {gt.shape}: expected the '
                         'same (N, K, D) shape')
    mask = np.asarray(visible) > 0
    if mask.shape != pred.shape[:2]:
        raise ValueError(f'visibility {mask.shape}: expected {pred.shape[:2]} (N, K)')
    return pred, gt, mask


def joint_errors(pred: np.ndarray, gt: np.ndarray) -> np.ndarray:
    """Euclidean error of every joint: ``(N, K)`` from ``(N, K, D)`` predictions and ground
    truth in the same unit (pixels for 2D, mm for 3D). Kept per frame for the result file.

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


def pckh(pred: np.ndarray, gt: np.ndarray, visible: np.ndarray, head_size: np.ndarray,
         factor: float) -> Tuple[np.ndarray, float]:
    """PCKh: a joint is correct when its error is below ``factor`` x the frame's head size.

    Computed by MMPose's ``keypoint_pck_accuracy`` with the head size as normalisation factor
    in every axis, so the rule is MMPose's strict ``error < factor * head_size`` (the same rule
    as the cross-species threshold sweep). Ellershaw et al.'s code
    (``PoseEstimation/Core/Evaluation.py``, ``calcPCKh``) writes ``<=``; the two differ only for
    an error exactly equal to the threshold. The mean over joints of the per-joint PCKh is the
    overall figure, as in MMPose (``avg_acc``) and in the authors' code (the mean of the
    per-joint column of their Table 1 printout).

    Args:
        pred (np.ndarray): ``(N, K, D)`` predictions (D = 2 pixels or 3 mm).
        gt (np.ndarray): ``(N, K, D)`` ground truth, same unit.
        visible (np.ndarray): ``(N, K)``, joints counted where > 0.
        head_size (np.ndarray): ``(N, )`` head size per frame, same unit (MINI-RGBD: the
            sequence's 2D head size in pixels or 3D head size in mm). A frame with head size
            0 is left out (MMPose's rule).
        factor (float): the PCKh threshold (1.0, 2.0, MPII's 0.5).

    Returns:
        tuple: per-joint PCKh ``(K, )`` (NaN for a joint never visible) and their mean over the
        joints that have one (NaN if none).

    Raises:
        ValueError: shapes disagree.
    """
    pred, gt, mask = _check(pred, gt, visible)
    head = np.asarray(head_size, np.float64).reshape(-1)
    if head.shape[0] != pred.shape[0]:
        raise ValueError(f'head_size has {head.shape[0]} values for {pred.shape[0]} frames')
    norm = np.repeat(head[:, None], pred.shape[2], axis=1)  # MMPose edits it in place
    acc, avg, count = keypoint_pck_accuracy(pred, gt, mask, float(factor), norm)
    per_joint = np.where(np.asarray(acc) >= 0, acc, np.nan).astype(np.float64)
    return per_joint, float(avg) if count > 0 else float('nan')


def ajpe(pred: np.ndarray, gt: np.ndarray, visible: np.ndarray) -> Tuple[np.ndarray, float]:
    """Average joint position error (Ellershaw et al. 2020, section 4.1): the mean Euclidean
    error of each joint over the frames where it is visible (MMPose's ``keypoint_epe`` on that
    joint), then the mean over joints.

    Args:
        pred (np.ndarray): ``(N, K, D)`` predictions.
        gt (np.ndarray): ``(N, K, D)`` ground truth, same unit (pixels or mm).
        visible (np.ndarray): ``(N, K)``.

    Returns:
        tuple: per-joint AJPE ``(K, )`` in the input unit (NaN for a joint never visible) and
        their mean over the joints that have one.

    Raises:
        ValueError: shapes disagree.
    """
    pred, gt, mask = _check(pred, gt, visible)
    per_joint = np.array([
        keypoint_epe(pred[:, k:k + 1], gt[:, k:k + 1], mask[:, k:k + 1])
        if mask[:, k].any() else np.nan for k in range(pred.shape[1])], np.float64)
    return per_joint, float(np.nanmean(per_joint)) if mask.any() else float('nan')
