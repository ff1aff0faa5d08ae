"""DirectPose's decoding of B2/B3 into instances: candidate instances and their OKS grouping
(Blau et al., SemiMultiPose, sections 3.2-3.3; the rules are in
:class:`~projects.semimultipose.codecs.DirectPoseLabel`'s docstring)."""
from typing import Optional, Tuple

import numpy as np

from projects.core.evaluation.functional import compute_oks, keypoint_bbox_area


def candidate_instances(box_probs: np.ndarray, offsets: np.ndarray, score_thr: float,
                        max_candidates: int, offset_scale: float,
                        stride: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Candidate instances read at every cell where ``max_k U_k > score_thr`` (delta).

    A candidate's keypoints are ``(D_k * offset_scale + M) * stride`` (eq. 8), ``M`` its cell
    ``(x, y)``; when more than ``max_candidates`` cells pass, those of highest mean confidence
    are kept.

    Args:
        box_probs (np.ndarray): ``(K, H, W)`` box confidences sigmoid(box_heatmaps) (or the target U).
        offsets (np.ndarray): ``(2K, H, W)`` offsets D (or P), channels ``(x_0, y_0, ...)``.
        score_thr (float): delta.
        max_candidates (int): cells kept.
        offset_scale (float): the offsets' divisor, in cells.
        stride (np.ndarray): ``(2,)`` input pixels per cell ``(s_x, s_y)``.

    Returns:
        tuple: keypoints ``(C, K, 2)`` float32 in input pixels and confidences ``(C, K)``.
    """
    k, h, w = box_probs.shape
    offsets = offsets.reshape(k, 2, h, w)
    loc = np.flatnonzero(box_probs.max(0) > score_thr)
    if loc.size > max_candidates:
        mean = box_probs.reshape(k, -1)[:, loc].mean(0)
        loc = loc[np.argsort(-mean, kind='stable')[:max_candidates]]
    iy, ix = np.divmod(loc, w)
    d = offsets.reshape(k, 2, -1)[:, :, loc] * offset_scale  # (K, 2, C)
    kpts = np.stack([d[:, 0] + ix, d[:, 1] + iy], axis=-1)  # (K, C, 2) heatmap coords
    kpts = kpts.transpose(1, 0, 2) * stride
    conf = box_probs.reshape(k, -1)[:, loc].T
    return kpts.astype(np.float32), conf.astype(np.float32)


def group_candidates(kpts: np.ndarray, conf: np.ndarray, score_thr: float, nms_thr: float,
                     nms_stddev: float, min_area: float, max_instances: int,
                     pool_power: float = 1.0, instance_thr: Optional[float] = None
                     ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group candidate instances by OKS and pool each group.

    Candidates are sorted by mean confidence; the best remaining one and every remaining one
    whose OKS to it (SLEAP's formula with ``nms_stddev``, the best one's keypoint-box area of
    its keypoints above ``score_thr``, at least ``min_area``) exceeds ``nms_thr`` form an
    instance: keypoints the ``v^p``-weighted means (``p = pool_power``), keypoint scores the
    group's largest ``v_k``, score the best candidate's mean confidence. Grouping stops at
    ``max_instances`` instances, or at the first candidate below ``instance_thr``.

    Args:
        kpts (np.ndarray): ``(C, K, 2)`` candidate keypoints in input pixels.
        conf (np.ndarray): ``(C, K)`` candidate keypoint confidences.
        score_thr, nms_thr, nms_stddev, min_area, max_instances, pool_power, instance_thr:
            see above (the codec's arguments of the same names; ``min_area`` in square input
            pixels).

    Returns:
        tuple: keypoints ``(N, K, 2)``, keypoint scores ``(N, K)``, instance scores ``(N,)``,
        float32 (``N = 0`` when no candidate is left).
    """
    k = conf.shape[1] if conf.ndim == 2 else 0
    empty = (np.zeros((0, k, 2), np.float32), np.zeros((0, k), np.float32),
             np.zeros((0,), np.float32))
    if len(kpts) == 0:
        return empty
    score = conf.mean(1)
    order = np.argsort(-score, kind='stable')
    kpts, conf, score = kpts[order], conf[order], score[order]
    alive = np.ones(len(kpts), dtype=bool)
    out_k, out_s, out_i = [], [], []
    for c in range(len(kpts)):
        if not alive[c]:
            continue
        if instance_thr is not None and score[c] < instance_thr:
            break  # scores are sorted: every later candidate is below the threshold too
        ref = np.where((conf[c] > score_thr)[:, None], kpts[c], np.nan)
        if np.isnan(ref).all():
            ref = kpts[c].copy()
        rest = np.flatnonzero(alive)
        area = float(np.nan_to_num(keypoint_bbox_area(ref)[0]))
        area = max(area, min_area)
        oks = compute_oks(ref[None], kpts[rest], scale=area, stddev=nms_stddev)[0]
        members = rest[oks > nms_thr]
        if c not in members:
            members = np.append(members, c)
        alive[members] = False
        wgt = conf[members]  # (G, K)
        if pool_power != 1.0:
            wgt = wgt.astype(np.float64) ** pool_power
        norm = wgt.sum(0)
        pooled = np.where(
            norm[:, None] > 0,
            (wgt[..., None] * kpts[members]).sum(0) / np.maximum(norm, 1e-12)[:, None],
            kpts[c])
        out_k.append(pooled)
        out_s.append(conf[members].max(0))
        out_i.append(score[c])
        if len(out_k) >= max_instances:
            break
    if not out_k:
        return empty
    return (np.stack(out_k).astype(np.float32), np.stack(out_s).astype(np.float32),
            np.asarray(out_i, dtype=np.float32))


def fuse_flipped(instances: Tuple[np.ndarray, np.ndarray, np.ndarray],
                 flipped: Tuple[np.ndarray, np.ndarray, np.ndarray],
                 flip_indices: np.ndarray, input_width: int, nms_stddev: float,
                 min_area: float, oks_thr: float = 0.5
                 ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Test-time flip averaging for a one-stage model, on decoded instances.

    The instances decoded from the horizontally flipped input are mapped back
    (``x -> input_width - 1 - x``, the pipelines' flip of pixel coordinates, and the keypoint
    types swapped by ``flip_indices``), then each instance of the unflipped pass takes, in score
    order, the unmatched flipped instance of highest OKS to it (SLEAP's OKS with
    ``nms_stddev``, its keypoint-box area, at least ``min_area``); when that OKS exceeds
    ``oks_thr`` its keypoints become the score-weighted means of the two, its keypoint scores
    and score their means. Unmatched instances keep their own values; the flipped pass adds no
    instance. (Heatmap models average the two passes' heatmaps instead, e.g. MMPose's
    ``flip_heatmaps``; a bottom-up model's instances are only defined after grouping.)

    Args:
        instances, flipped (tuple): ``(keypoints (N, K, 2), keypoint scores (N, K), scores
            (N,))`` in input pixels, of the unflipped and of the flipped input.
        flip_indices (np.ndarray): ``(K,)`` the keypoint type each type becomes when flipped.
        input_width (int): width of the model input, pixels.
        nms_stddev, min_area, oks_thr (float): see above.

    Returns:
        tuple: keypoints ``(N, K, 2)``, keypoint scores ``(N, K)``, scores ``(N,)``, float32,
        in the order of ``instances``.
    """
    kpts, kscores, scores = (np.array(a, dtype=np.float32, copy=True) for a in instances)
    fk, fks, fs = flipped
    if len(kpts) == 0 or len(fk) == 0:
        return kpts, kscores, scores
    flip_indices = np.asarray(flip_indices, dtype=int)
    fk = np.array(fk, dtype=np.float32)[:, flip_indices]
    fk[..., 0] = input_width - 1 - fk[..., 0]
    fks = np.asarray(fks, dtype=np.float32)[:, flip_indices]
    area = np.maximum(np.nan_to_num(keypoint_bbox_area(kpts)), min_area)
    oks = compute_oks(kpts, fk, scale=area, stddev=nms_stddev)  # (N, M)
    free = np.ones(len(fk), dtype=bool)
    for i in np.argsort(-scores, kind='stable'):
        cand = np.where(free, oks[i], -1.0)
        j = int(cand.argmax())
        if cand[j] <= oks_thr:
            continue
        free[j] = False
        w0, w1 = kscores[i][:, None], fks[j][:, None]
        norm = w0 + w1
        kpts[i] = np.where(norm > 0, (w0 * kpts[i] + w1 * fk[j]) / np.maximum(norm, 1e-12),
                           (kpts[i] + fk[j]) / 2)
        kscores[i] = (kscores[i] + fks[j]) / 2
        scores[i] = (scores[i] + fs[j]) / 2
    return kpts, kscores, scores
