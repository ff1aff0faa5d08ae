"""Object keypoint similarity as SLEAP computes it (single or per-keypoint sigma)."""
import warnings
from typing import Optional, Union

import numpy as np


def keypoint_bbox_area(points: np.ndarray) -> np.ndarray:
    """Area of the tightest axis-aligned box around each instance's keypoints.

    This is SLEAP's ``compute_instance_area`` (``sleap/nn/evals.py``): missing keypoints are NaN
    and ignored.

    Args:
        points (np.ndarray): ``(N, K, 2)`` keypoints in pixels, NaN where missing.

    Returns:
        np.ndarray: ``(N,)`` areas in square pixels (NaN for an instance with no keypoint).
    """
    points = np.asarray(points, dtype=np.float64)
    if points.ndim == 2:
        points = points[None]
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', RuntimeWarning)  # all-NaN instance
        lo = np.nanmin(points, axis=-2)
        hi = np.nanmax(points, axis=-2)
    return np.prod(hi - lo, axis=-1)


def compute_oks(points_gt: np.ndarray,
                points_pr: np.ndarray,
                scale: Optional[Union[float, np.ndarray]] = None,
                stddev: Union[float, np.ndarray] = 0.025) -> np.ndarray:
    """Pairwise OKS between ground-truth and predicted instances, following SLEAP.

    Implements ``compute_oks(..., use_cocoeval=True)`` of SLEAP (``sleap/nn/evals.py``; Ronchi &
    Perona, ICCV 2017, eq. 1) as the COCO evaluator writes it::

        ks[i, j, k] = exp(-d_ijk^2 / ((2 * stddev_k)^2 * 2 * (scale_i + eps)))
        oks[i, j]   = sum_k ks[i, j, k] * [gt_ik visible] / #visible(gt_i)

    where ``d_ijk`` is the pixel distance between keypoint ``k`` of ground truth ``i`` and of
    prediction ``j``; a missing predicted keypoint counts as infinitely far (ks = 0); a missing
    ground-truth keypoint is left out of the mean. SemiMultiPose (Blau et al., Table 1) passes its
    "sigma^2" (1 for bees and mouse pups, 0.025 for flies) as ``stddev``.

    Args:
        points_gt (np.ndarray): ``(N_gt, K, 2)`` ground truth in pixels, NaN where missing.
        points_pr (np.ndarray): ``(N_pr, K, 2)`` predictions in pixels, NaN where missing.
        scale (float | np.ndarray, optional): ``(N_gt,)`` or scalar object scale in square
            pixels. Defaults to :func:`keypoint_bbox_area` of the ground truth.
        stddev (float | np.ndarray): scalar or ``(K,)`` per-keypoint standard deviation.

    Returns:
        np.ndarray: ``(N_gt, N_pr)`` OKS in [0, 1].

    Raises:
        ValueError: if the keypoint counts of the two sets differ.
    """
    gt = np.asarray(points_gt, dtype=np.float64)
    pr = np.asarray(points_pr, dtype=np.float64)
    if gt.ndim == 2:
        gt = gt[None]
    if pr.ndim == 2:
        pr = pr[None]
    if gt.shape[1:] != pr.shape[1:]:
        raise ValueError(f'compute_oks: ground truth has shape {gt.shape} and predictions '
                         f'{pr.shape}; the keypoint axes must agree')
    n_gt, n_kpt = gt.shape[:2]
    if scale is None:
        scale = keypoint_bbox_area(gt)
    scale = np.broadcast_to(np.asarray(scale, dtype=np.float64), (n_gt,))
    stddev = np.broadcast_to(np.asarray(stddev, dtype=np.float64), (n_kpt,))

    dist2 = ((gt[:, None] - pr[None]) ** 2).sum(-1)  # (N_gt, N_pr, K)
    norm = ((2 * stddev) ** 2)[None, None, :] * (2 * (scale + np.spacing(1)))[:, None, None]
    missing_pr = np.isnan(pr).any(-1)  # (N_pr, K)
    dist2 = np.where(missing_pr[None], np.inf, dist2)
    ks = np.exp(-dist2 / norm)
    missing_gt = np.isnan(gt).any(-1)  # (N_gt, K)
    ks = np.where(missing_gt[:, None, :], 0.0, ks)
    n_vis = (~missing_gt).sum(-1, keepdims=True).astype(np.float64)
    with np.errstate(invalid='ignore', divide='ignore'):
        return ks.sum(-1) / n_vis
