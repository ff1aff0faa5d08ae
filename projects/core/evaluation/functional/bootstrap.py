"""Frame-bootstrap standard errors of COCO keypoint AP, alone and paired.

A setting chosen on a few validation frames should beat the others by more than those frames'
sampling noise. Frames (not instances) are resampled with replacement, as the frames are the
unit drawn from a recording; each resample is scored like
:class:`projects.core.evaluation.KeypointAP` (COCOeval over the dataset sigmas and the file's
areas, at most ``max_dets`` detections per frame, AP the mean of the 101-point interpolated
precision over OKS 0.50:0.05:0.95). Paired differences score two prediction sets on the same
resamples (Efron and Tibshirani, An Introduction to the Bootstrap, 1993, chapter 6).
"""
import contextlib
import copy
import io
from typing import Dict, Mapping, Optional, Sequence, Tuple

import numpy as np

# per frame: keypoints (N, K, 2) in frame pixels, keypoint scores (N, K), instance scores (N,)
FramePredictions = Tuple[np.ndarray, np.ndarray, np.ndarray]


def frame_evaluations(coco: Dict, preds: Mapping[int, FramePredictions],
                      sigmas: Sequence[float], max_dets: int = 100) -> Dict[int, Optional[dict]]:
    """COCOeval's per-frame matching (``evaluateImg``, all areas) of ``preds`` on every frame
    of ``coco``: what AP accumulates, computed once so that resamples of frames only
    re-accumulate.

    Args:
        coco (dict): COCO keypoint ground truth (``images``, ``annotations``, ``categories``).
        preds (mapping): image id to :data:`FramePredictions`.
        sigmas (sequence): per-keypoint OKS sigmas.
        max_dets (int): detections kept per frame, highest instance score first.

    Returns:
        dict: image id to COCOeval's record (``dtScores``, ``dtMatches`` (T, D), ``dtIgnore``
        (T, D), ``gtIgnore`` (G,)), or ``None`` for a frame with neither labels nor detections.

    Raises:
        KeyError: a frame has no entry in ``preds``.
    """
    from xtcocotools.coco import COCO
    from xtcocotools.cocoeval import COCOeval
    ids = [im['id'] for im in coco['images']]
    dets = []
    for f in ids:
        if f not in preds:
            raise KeyError(f'no predictions for image id {f}')
        kpts, kscores, scores = (np.asarray(x, np.float64) for x in preds[f])
        for j in range(len(kpts)):
            dets.append(dict(image_id=f, category_id=coco['categories'][0]['id'],
                             keypoints=np.concatenate([kpts[j], kscores[j][:, None]],
                                                      1).ravel().tolist(),
                             score=float(scores[j])))
    out: Dict[int, Optional[dict]] = {f: None for f in ids}
    if not dets:
        for f in ids:
            gt_ig = [int(a.get('iscrowd', 0) or a.get('num_keypoints', 1) == 0)
                     for a in coco['annotations'] if a['image_id'] == f]
            out[f] = dict(dtScores=[], dtMatches=np.zeros((10, 0)), dtIgnore=np.zeros((10, 0)),
                          gtIgnore=np.asarray(gt_ig))
        return out
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO()
        gt.dataset = copy.deepcopy(coco)
        gt.createIndex()
        ev = COCOeval(gt, gt.loadRes(dets), 'keypoints', np.asarray(sigmas, np.float64),
                      use_area=True)
        ev.params.useSegm = None
        ev.params.maxDets = [int(max_dets)]
        ev.params.imgIds = ids
        ev.evaluate()
    for f, e in zip(ev.params.imgIds, ev.evalImgs[:len(ev.params.imgIds)]):  # area 'all'
        out[f] = e
    return out


def ap_from_evaluations(evals: Sequence[Optional[dict]], max_dets: int = 100) -> float:
    """COCO AP from per-frame records of :func:`frame_evaluations` (a frame may repeat): the
    mean over OKS thresholds 0.50:0.05:0.95 of the 101-point interpolated precision, as
    ``COCOeval.accumulate`` computes it.

    Raises:
        ValueError: the frames hold no labeled (non-ignored) instance.
    """
    evals = [e for e in evals if e is not None]
    rec_thrs = np.linspace(0.0, 1.0, 101)
    npig = sum(int(np.count_nonzero(np.asarray(e['gtIgnore']) == 0)) for e in evals)
    if npig == 0:
        raise ValueError('the selected frames hold no labeled instance')
    scores = np.concatenate([np.asarray(e['dtScores'][:max_dets], np.float64) for e in evals])
    n_thr = next(np.asarray(e['dtMatches']).shape[0] for e in evals)
    if scores.size == 0:
        return 0.0
    order = np.argsort(-scores, kind='mergesort')
    dtm = np.concatenate([np.asarray(e['dtMatches'])[:, :max_dets].reshape(n_thr, -1)
                          for e in evals], axis=1)[:, order]
    dtig = np.concatenate([np.asarray(e['dtIgnore'])[:, :max_dets].reshape(n_thr, -1)
                           for e in evals], axis=1)[:, order].astype(bool)
    # xtcocotools marks an unmatched detection -1 (a matched one holds the ground truth's id,
    # which may be 0: cocodataset/cocoapi pull 332)
    tps = np.logical_and(dtm >= 0, ~dtig).cumsum(1).astype(np.float64)
    fps = np.logical_and(dtm < 0, ~dtig).cumsum(1).astype(np.float64)
    total = 0.0
    for tp, fp in zip(tps, fps):
        rc = tp / npig
        pr = tp / (fp + tp + np.spacing(1))
        pr = np.maximum.accumulate(pr[::-1])[::-1]  # precision made monotone, as COCO does
        idx = np.searchsorted(rc, rec_thrs, side='left')
        q = np.where(idx < len(pr), pr[np.minimum(idx, len(pr) - 1)], 0.0)
        total += q.mean()
    return float(total / n_thr)


def coco_keypoint_ap(coco: Dict, preds: Mapping[int, FramePredictions], sigmas: Sequence[float],
                     frames: Optional[Sequence[int]] = None, max_dets: int = 100) -> float:
    """COCO keypoint AP of ``preds`` on the ``frames`` of ``coco`` (repeats allowed), as
    :class:`~projects.core.evaluation.KeypointAP` computes it.

    Args:
        coco (dict): COCO keypoint ground truth (``images``, ``annotations``, ``categories``).
        preds (mapping): image id to :data:`FramePredictions`.
        sigmas (sequence): per-keypoint OKS sigmas.
        frames (sequence, optional): image ids to score, each repeat a separate frame
            (default: every image of ``coco``).
        max_dets (int): detections kept per frame, highest instance score first.

    Raises:
        KeyError: a frame has no entry in ``preds``.
        ValueError: the selected frames hold no labeled instance.
    """
    evals = frame_evaluations(coco, preds, sigmas, max_dets)
    frames = list(evals) if frames is None else list(frames)
    return ap_from_evaluations([evals[f] for f in frames], max_dets)


def bootstrap_ap(coco: Dict, preds: Mapping[int, FramePredictions], sigmas: Sequence[float],
                 reference: Optional[Mapping[int, FramePredictions]] = None,
                 num_samples: int = 200, seed: int = 0,
                 max_dets: int = 100) -> Dict[str, float]:
    """AP of ``preds`` with its frame-bootstrap standard error, and, given ``reference``, the
    paired difference ``AP(preds) - AP(reference)`` with its standard error (both sets scored
    on the same resamples).

    Returns:
        dict: ``AP``, ``AP_se``; with ``reference`` also ``diff`` and ``diff_se``.

    Raises:
        ValueError: ``num_samples`` < 2.
    """
    if num_samples < 2:
        raise ValueError(f'num_samples must be >= 2, got {num_samples}')
    frames = sorted(im['id'] for im in coco['images'])
    rng = np.random.default_rng(seed)
    ev = frame_evaluations(coco, preds, sigmas, max_dets)
    ev_ref = frame_evaluations(coco, reference, sigmas, max_dets) if reference is not None \
        else None
    out = dict(AP=ap_from_evaluations([ev[f] for f in frames], max_dets))
    if ev_ref is not None:
        out['diff'] = out['AP'] - ap_from_evaluations([ev_ref[f] for f in frames], max_dets)
    aps, diffs = [], []
    for _ in range(num_samples):
        pick = [frames[i] for i in rng.integers(0, len(frames), len(frames))]
        try:
            a = ap_from_evaluations([ev[f] for f in pick], max_dets)
        except ValueError:  # a resample of unlabeled frames only: skipped
            continue
        aps.append(a)
        if ev_ref is not None:
            diffs.append(a - ap_from_evaluations([ev_ref[f] for f in pick], max_dets))
    out['AP_se'] = float(np.std(aps, ddof=1))
    if reference is not None:
        out['diff_se'] = float(np.std(diffs, ddof=1))
    return out


__all__ = ['frame_evaluations', 'ap_from_evaluations', 'coco_keypoint_ap', 'bootstrap_ap']
