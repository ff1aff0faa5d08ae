"""Temporal smoothing of keypoint tracks and the jitter it removes."""
import dataclasses
from typing import Dict, List, Optional, Sequence

import numpy as np


def jitter(track: np.ndarray, valid: Optional[np.ndarray] = None) -> float:
    """Frame-to-frame jitter of a keypoint track: the mean norm of the second difference,
    ``mean_t,k || x[t+1, k] - 2 x[t, k] + x[t-1, k] ||`` (an acceleration: pixels or mm per
    frame squared). Motion at constant velocity has jitter 0; independent per-frame noise
    raises it (the paper's "jittery output").

    Args:
        track (np.ndarray): ``(T, K, D)`` keypoints of consecutive frames.
        valid (np.ndarray, optional): ``(T, K)``; a second difference counts only where the
            keypoint is valid (> 0) in all three frames ``t-1, t, t+1``, so missing points
            (often stored as 0 or NaN) never enter as motion. All valid if omitted.

    Returns:
        float: the jitter; NaN if no triplet of valid frames exists.

    Raises:
        ValueError: fewer than 3 frames, or ``valid`` of another shape than ``(T, K)``.
    """
    track = np.asarray(track, np.float64)
    if track.ndim != 3 or track.shape[0] < 3:
        raise ValueError(f'jitter needs a (T >= 3, K, D) track; got shape {track.shape}')
    acc = np.linalg.norm(track[2:] - 2 * track[1:-1] + track[:-2], axis=-1)
    if valid is None:
        return float(acc.mean())
    valid = np.asarray(valid) > 0
    if valid.shape != track.shape[:2]:
        raise ValueError(f'jitter: valid {valid.shape}, expected {track.shape[:2]}')
    ok = valid[2:] & valid[1:-1] & valid[:-2]
    return float(acc[ok].mean()) if ok.any() else float('nan')


def consecutive_runs(valid: Sequence[bool]) -> List[slice]:
    """Runs of consecutive True values."""
    out, start = [], None
    for i, v in enumerate(list(valid) + [False]):
        if v and start is None:
            start = i
        elif not v and start is not None:
            out.append(slice(start, i))
            start = None
    return out


def _check_window(window: int, polyorder: int) -> None:
    if window % 2 == 0 or polyorder >= window:
        raise ValueError(f'savgol window {window} must be odd and larger than polyorder '
                         f'{polyorder}')


def smooth_track(track: np.ndarray, present: Optional[np.ndarray] = None, window: int = 9,
                 polyorder: int = 2) -> np.ndarray:
    """Savitzky-Golay smoothing (SciPy's ``savgol_filter``) of every joint coordinate over
    time, separately over each run of consecutive frames where the track is present.

    A run shorter than ``window`` is smoothed with the largest odd window that fits (left as
    is when that is not larger than ``polyorder``).

    Args:
        track (np.ndarray): ``(T, K, D)`` keypoints of consecutive frames (any unit).
        present (np.ndarray, optional): ``(T, )`` bool, frames that have keypoints (others
            are returned unchanged and split the runs). All present if omitted.
        window (int): filter length in frames (odd). At 30 fps, 9 frames = 0.3 s.
        polyorder (int): polynomial order (< window).

    Returns:
        np.ndarray: ``(T, K, D)`` float64, a new array.

    Raises:
        ValueError: an even window, ``polyorder >= window``, or ``present`` of another length.
    """
    from scipy.signal import savgol_filter
    _check_window(window, polyorder)
    out = np.array(track, np.float64)
    present = np.ones(len(out), bool) if present is None else np.asarray(present, bool)
    if present.shape != (len(out), ):
        raise ValueError(f'present {present.shape}: expected ({len(out)}, )')
    for seg in consecutive_runs(present):
        n = seg.stop - seg.start
        w = min(window, n if n % 2 else n - 1)
        if w > polyorder:
            out[seg] = savgol_filter(out[seg], w, polyorder, axis=0, mode='interp')
    return out


def smooth_tracks(frames: Sequence, window: int = 9, polyorder: int = 2,
                  keys: Sequence[str] = ('keypoints_2d', 'keypoints_3d')) -> List:
    """:func:`smooth_track` of the chain's 2D and 3D tracks.

    Scores, boxes and frames without keypoints are unchanged. Returns new
    :class:`~projects.infant3d.apis.chain.FramePose` records (the input is not modified).

    Args:
        frames (Sequence[FramePose]): chain results in frame order.
        window (int): filter length in frames (odd).
        polyorder (int): polynomial order (< window).
        keys (Sequence[str]): the fields to smooth, each ``(K, D)`` per frame.

    Raises:
        ValueError: an even window or ``polyorder >= window``.
    """
    _check_window(window, polyorder)
    out = [dataclasses.replace(f) for f in frames]
    for key in keys:
        present = np.array([getattr(f, key) is not None for f in frames], bool)
        if not present.any():
            continue
        shape = np.shape(getattr(frames[int(np.argmax(present))], key))
        track = np.zeros((len(frames), ) + shape)
        track[present] = np.stack([getattr(f, key) for f in frames if getattr(f, key)
                                   is not None])
        smooth = smooth_track(track, present, window, polyorder)
        for i in np.flatnonzero(present):
            setattr(out[i], key, smooth[i])
    return out


def smoothing_effect(pred: np.ndarray, gt: np.ndarray, visible: np.ndarray,
                     windows: Sequence[int] = (5, 9, 15), polyorder: int = 2) -> List[Dict]:
    """What Savitzky-Golay smoothing does to a predicted track: its jitter and its error.

    Args:
        pred (np.ndarray): ``(T, K, D)`` predicted keypoints of consecutive frames.
        gt (np.ndarray): ``(T, K, D)`` ground truth, same unit.
        visible (np.ndarray): ``(T, K)``; errors count where > 0.
        windows (Sequence[int]): filter lengths to try (odd).
        polyorder (int): polynomial order.

    Returns:
        list of dict: one row for the raw track (``window`` 0) and one per window with
        ``jitter`` (:func:`jitter` of the prediction, every frame), ``jitter_labeled`` (the
        prediction's, over the triplets where the ground truth is visible in all three
        frames), ``gt_jitter`` (the ground truth's own over those triplets: the real motion;
        missing points never count), ``error`` (mean Euclidean error over visible keypoints)
        and ``error_median``.
    """
    pred, gt = np.asarray(pred, np.float64), np.asarray(gt, np.float64)
    mask = np.asarray(visible) > 0
    rows = []
    for w in (0, *windows):
        track = pred if w == 0 else smooth_track(pred, None, w, polyorder)
        err = np.linalg.norm(track - gt, axis=-1)[mask]
        rows.append(dict(window=w, jitter=jitter(track), jitter_labeled=jitter(track, mask),
                         gt_jitter=jitter(gt, mask),
                         error=float(err.mean()), error_median=float(np.median(err))))
    return rows
