"""B1 heatmaps in DirectPose's decoding (options of the CPU recipe, not in the paper): peaks
with sub-cell positions, snapping regressed keypoints to them (CenterNet-style refinement) and
rescoring keypoints by B1 (see :class:`~projects.semimultipose.codecs.DirectPoseLabel`)."""
from typing import List, Optional, Tuple

import numpy as np

from mmpose.codecs.utils import gaussian_blur


def heatmap_peaks(heatmaps: np.ndarray, refine_thr: float, subcell: str = 'centroid',
                  dark_kernel: int = 3) -> List[np.ndarray]:
    """Local maxima of each B1 map with their sub-cell positions.

    A peak is a cell whose value exceeds ``refine_thr`` and equals the maximum of its 3x3
    neighbourhood (``scipy.ndimage.maximum_filter``; all cells of a plateau count). Its
    position is the value-weighted centroid of that 3x3 neighbourhood (a soft-argmax over the
    window), e.g. values 1.0 at column 7 and 0.5 at column 8 of one row give
    ``x = (7 * 1.0 + 8 * 0.5) / 1.5 = 7.333`` cells.

    With ``subcell='dark'`` the position is instead the peak cell moved by DARK's Taylor step on
    the (``dark_kernel``-blurred) log map, ``-H^-1 grad`` (Zhang et al. 2020, eq. 4; MMPose's
    ``refine_keypoints_dark``), which is exact for an unblurred sampled Gaussian (a quadratic
    in the log domain) and close to it after the blur: e.g.
    ``exp(-((x - 7.3)^2 + (y - 4.6)^2) / 2)`` peaks at cell (7, 5) and reads about
    ``(7.3, 4.6)``.

    Args:
        heatmaps (np.ndarray): ``(K, H1, W1)`` sigmoid(heatmaps) in [0, 1] (B1's grid).
        refine_thr (float): the least peak value.
        subcell (str): ``'centroid'`` or ``'dark'``.
        dark_kernel (int): odd blur kernel of DARK.

    Returns:
        list: per keypoint type, ``(P_k, 2)`` float32 peak positions ``(x, y)`` in B1 cells.
    """
    from scipy.ndimage import maximum_filter
    heatmaps = np.asarray(heatmaps, dtype=np.float32)
    k, h, w = heatmaps.shape
    peak = (heatmaps == maximum_filter(heatmaps, size=(1, 3, 3), mode='constant',
                                       cval=-np.inf)) & (heatmaps > refine_thr)
    if subcell == 'dark':
        kk, iy, ix = np.nonzero(peak)
        xy = dark_taylor_step(heatmaps, kk, np.stack([ix, iy], axis=1), dark_kernel)
        return [xy[kk == j] for j in range(k)]
    padded = np.pad(heatmaps, ((0, 0), (1, 1), (1, 1)))
    d = np.arange(-1, 2, dtype=np.float32)
    out = []
    for j in range(k):
        iy, ix = np.nonzero(peak[j])
        # (P, 3, 3) windows around each peak (padded map: index + 1 - 1 = index)
        win = np.stack([padded[j, y:y + 3, x:x + 3] for y, x in zip(iy, ix)]) \
            if len(iy) else np.zeros((0, 3, 3), np.float32)
        norm = win.sum((1, 2))
        cx = ix + (win.sum(1) * d).sum(1) / norm
        cy = iy + (win.sum(2) * d).sum(1) / norm
        out.append(np.stack([cx, cy], axis=1).astype(np.float32))
    return out


def refine_to_peaks(kpts: np.ndarray, peaks: List[np.ndarray], radius: Optional[float],
                    keypoint_stride: np.ndarray) -> np.ndarray:
    """Move each keypoint to the nearest B1 peak of its type within ``radius`` B1 cells (as
    CenterNet snaps regressed joints to heatmap peaks, Zhou et al. 2019, section 4.2).

    Args:
        kpts (np.ndarray): ``(N, K, 2)`` keypoints in input pixels.
        peaks (list): per keypoint type, ``(P_k, 2)`` peak positions in B1 cells
            (:func:`heatmap_peaks`).
        radius (float, optional): snap radius in B1 cells (``None``: no refinement).
        keypoint_stride (np.ndarray): ``(2,)`` input pixels per B1 cell.

    Returns:
        np.ndarray: ``(N, K, 2)`` float32 keypoints in input pixels; a keypoint without a peak
        within the radius keeps its position.
    """
    out = np.array(kpts, dtype=np.float32, copy=True)
    if radius is None or len(out) == 0:
        return out
    cells = out / keypoint_stride
    for j, p in enumerate(peaks):
        if len(p) == 0:
            continue
        dist = np.linalg.norm(cells[:, j, None, :] - p[None], axis=-1)  # (N, P)
        nearest = dist.argmin(1)
        snap = dist[np.arange(len(out)), nearest] <= radius
        out[snap, j] = p[nearest[snap]] * keypoint_stride
    return out


def rescore_with_heatmaps(kpts: np.ndarray, kscores: np.ndarray, heatmaps: np.ndarray,
                          keypoint_stride: np.ndarray,
                          mode: str = 'geometric') -> Tuple[np.ndarray, np.ndarray]:
    """Keypoint and instance scores from B1: a keypoint's score is ``sigmoid(heatmaps)`` read at its
    position (bilinear on B1's grid; ``mode='heatmap'``) or the geometric mean of that value and
    its box confidence ``v_k`` (``'geometric'``); an instance's score is their mean (as the
    associative-embedding decoders score instances, Newell et al. 2017).

    Args:
        kpts (np.ndarray): ``(N, K, 2)`` keypoints in input pixels.
        kscores (np.ndarray): ``(N, K)`` box confidences ``v_k`` from the grouping.
        heatmaps (np.ndarray): ``(K, fH, fW)`` sigmoid(heatmaps) on B1's grid, in [0, 1].
        keypoint_stride (np.ndarray): ``(2,)`` input pixels per B1 cell.
        mode (str): ``'heatmap'`` or ``'geometric'``.

    Returns:
        tuple: keypoint scores ``(N, K)`` and instance scores ``(N,)``, float32. A position
        outside the map reads the nearest border cell.
    """
    from scipy.ndimage import map_coordinates
    heatmaps = np.asarray(heatmaps, dtype=np.float32)
    cells = np.asarray(kpts, dtype=np.float32) / keypoint_stride  # (N, K, 2) x, y
    h = np.stack([
        map_coordinates(heatmaps[j], [cells[:, j, 1], cells[:, j, 0]], order=1,
                        mode='nearest') for j in range(heatmaps.shape[0])], axis=1)
    h = np.clip(h, 0.0, 1.0)
    if mode == 'geometric':
        h = np.sqrt(h * np.clip(kscores, 0.0, 1.0))
    h = h.astype(np.float32)
    return h, h.mean(1)


def dark_taylor_step(heatmaps: np.ndarray, kpt: np.ndarray, cells: np.ndarray,
                     blur_kernel_size: int) -> np.ndarray:
    """DARK's sub-pixel step for many peaks at once (Zhang et al. 2020, "Distribution-Aware
    Coordinate Representation for Human Pose Estimation", eqs. 2-4).

    The same computation as MMPose's ``refine_keypoints_dark`` (its Gaussian modulation
    ``gaussian_blur``, the log with a 1e-10 floor, the same finite differences, the step
    ``-H^-1 grad`` where the Hessian is invertible, and no step within 2 cells of the border),
    vectorised over the peaks: MMPose's loops in Python over every (instance, keypoint) pair,
    which cost about a sixth of a hive frame's decoding time at 100 peaks per type.

    Args:
        heatmaps (np.ndarray): ``(K, H, W)`` maps (not modified).
        kpt (np.ndarray): ``(P,)`` int, the map of each peak.
        cells (np.ndarray): ``(P, 2)`` int, the peak cells ``(x, y)``.
        blur_kernel_size (int): odd kernel of the Gaussian modulation.

    Returns:
        np.ndarray: ``(P, 2)`` float32 sub-cell positions ``(x, y)`` in cells.
    """
    cells = np.asarray(cells).reshape(-1, 2)
    out = cells.astype(np.float32)
    if len(cells) == 0:
        return out
    _, h, w = heatmaps.shape
    logh = gaussian_blur(np.array(heatmaps, dtype=np.float32, copy=True), blur_kernel_size)
    np.maximum(logh, 1e-10, logh)
    np.log(logh, logh)
    x, y = cells[:, 0].astype(int), cells[:, 1].astype(int)
    inside = (x > 1) & (x < w - 2) & (y > 1) & (y < h - 2)
    k, x, y = np.asarray(kpt)[inside], x[inside], y[inside]

    def at(dy, dx):
        return logh[k, y + dy, x + dx]

    dx = 0.5 * (at(0, 1) - at(0, -1))
    dy = 0.5 * (at(1, 0) - at(-1, 0))
    dxx = 0.25 * (at(0, 2) - 2 * at(0, 0) + at(0, -2))
    dxy = 0.25 * (at(1, 1) - at(-1, 1) - at(1, -1) + at(-1, -1))
    dyy = 0.25 * (at(2, 0) - 2 * at(0, 0) + at(-2, 0))
    det = dxx * dyy - dxy ** 2
    ok = det != 0
    safe = np.where(ok, det, 1.0)
    step = np.stack([-(dyy * dx - dxy * dy) / safe, -(-dxy * dx + dxx * dy) / safe], axis=1)
    step[~ok] = 0.0
    out[inside] += step.astype(np.float32)
    return out
