"""Keypoint error in pixels (DeepLabCut's test error), per keypoint, for multi-animal frames."""
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from mmpose.registry import METRICS

from ...fileio import read_json


def match_instances(gt: np.ndarray, pred: np.ndarray) -> List[tuple]:
    """One-to-one matches of ground-truth and predicted instances by mean keypoint distance.

    The assignment minimises the summed mean distance over the keypoints labeled in the
    ground truth (Hungarian method, ``scipy.optimize.linear_sum_assignment``).

    Args:
        gt (np.ndarray): ``(N, K, 2)`` pixels, NaN where not labeled.
        pred (np.ndarray): ``(M, K, 2)`` pixels.

    Returns:
        list: ``(gt index, prediction index)`` pairs, ``min(N, M)`` of them (ground-truth
        instances without any labeled keypoint are never matched).
    """
    from scipy.optimize import linear_sum_assignment
    if len(gt) == 0 or len(pred) == 0:
        return []
    d = np.linalg.norm(gt[:, None] - pred[None], axis=-1)  # (N, M, K)
    labeled = ~np.isnan(gt).any(-1)  # (N, K)
    with np.errstate(invalid='ignore'):
        cost = np.nansum(d, -1) / np.maximum(labeled.sum(-1), 1)[:, None]
    cost[~labeled.any(-1)] = 1e12
    rows, cols = linear_sum_assignment(cost)
    return [(int(r), int(c)) for r, c in zip(rows, cols) if labeled[r].any()]


def best_f1_threshold(scores: np.ndarray, correct: np.ndarray, num_gt: int) -> tuple:
    """The instance-score threshold with the best detection F1.

    Keeping the predictions scoring ``>= t`` gives ``TP(t)`` correct ones among ``P(t)``
    kept, so precision ``TP / P``, recall ``TP / num_gt`` and ``F1 = 2 TP / (P + num_gt)``.
    The best ``t`` is one of the scores; it is returned halfway down to the next lower score
    (0 below the lowest), so that a slightly lower score on new frames is still kept.

    Args:
        scores (np.ndarray): ``(P,)`` instance scores of every prediction.
        correct (np.ndarray): ``(P,)`` bool, the prediction matched a labeled instance.
        num_gt (int): labeled instances.

    Returns:
        tuple: ``(threshold, F1)``; ``(nan, 0.0)`` without predictions or labels.
    """
    scores = np.asarray(scores, np.float64)
    if len(scores) == 0 or num_gt == 0:
        return float('nan'), 0.0
    order = np.argsort(-scores, kind='stable')
    s, c = scores[order], np.asarray(correct, bool)[order]
    tp = np.cumsum(c)
    kept = np.arange(1, len(s) + 1)
    f1 = 2 * tp / (kept + num_gt)
    # only the last of equal scores is a possible cut
    last = np.r_[s[1:] != s[:-1], True]
    f1 = np.where(last, f1, -1)
    i = int(np.argmax(f1))
    lower = s[i + 1] if i + 1 < len(s) else 0.0
    return float((s[i] + lower) / 2), float(f1[i])


@METRICS.register_module()
class KeypointPixelError(BaseMetric):
    """Pixel distance between predicted and labeled keypoints: DeepLabCut's test error.

    Per frame, the ``max_dets`` best-scored predicted instances are matched one-to-one to the
    labeled instances (:func:`match_instances`); every labeled keypoint of a matched instance
    contributes its Euclidean distance in frame pixels. A labeled instance left without a
    prediction contributes nothing to the errors and is counted in ``unmatched``.

    Reported (with the prefix): ``median`` and ``mean`` error over all keypoints (DeepLabCut
    reports the mean), ``RMSE``, and ``<keypoint>_median`` / ``<keypoint>_RMSE`` per keypoint,
    pixels; ``matched`` (fraction of labeled instances matched) and ``instances_per_frame``
    (mean number of predictions kept).

    Also ``score_thr`` and ``F1``: every prediction (not only the ``max_dets`` best) is
    matched greedily, best score first, to the nearest unmatched labeled instance; it is
    correct when its mean keypoint error is at most ``correct_frac`` of that animal's length
    (the longer side of its labeled keypoint box). :func:`best_f1_threshold` then gives the
    instance-score threshold with the best detection F1: ``tools/predict.py`` uses the value
    found on the val frames (``ScoreThresholdHook`` stores it in the checkpoint).

    Args:
        ann_file (str): the COCO keypoint file of the evaluated frames (frame pixels).
        max_dets (int, optional): predictions kept per frame, highest score first (default:
            as many as labeled instances in that frame, as a user who knows the count would).
        prefix (str): key prefix (default ``'px'``).
        correct_frac (float): a prediction is correct within this fraction of the animal's
            length (default 0.25).

    Raises:
        FileNotFoundError, ValueError: ``ann_file`` missing or not JSON (the path is named).
        ValueError: a frame whose ``img_id`` is not in ``ann_file``.
    """
    default_prefix = 'px'

    def __init__(self, ann_file: str, max_dets: Optional[int] = None, prefix: str = 'px',
                 correct_frac: float = 0.25, collect_device: str = 'cpu') -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.correct_frac = float(correct_frac)
        coco = read_json(ann_file, 'ann_file')
        self.ann_file = ann_file
        self.max_dets = max_dets
        self.names = list(coco['categories'][0]['keypoints'])
        k = len(self.names)
        self.gt: Dict[int, list] = {int(im['id']): [] for im in coco['images']}
        for ann in coco['annotations']:
            kp = np.asarray(ann['keypoints'], np.float64).reshape(k, 3)
            pts = np.where(kp[:, 2:3] > 0, kp[:, :2], np.nan)
            self.gt.setdefault(int(ann['image_id']), []).append(pts)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            img_id = int(sample['img_id'])
            if img_id not in self.gt:
                raise ValueError(f'{self.ann_file}: no image id {img_id} (evaluating another '
                                 'dataset?)')
            pred = sample['pred_instances']
            kpts = np.asarray(pred['keypoints'], np.float64).reshape(-1, len(self.names), 2)
            scores = pred.get('bbox_scores')
            if scores is None:
                scores = np.asarray(pred['keypoint_scores']).mean(-1)
            scores = np.asarray(scores, np.float64).reshape(-1)
            order = np.argsort(-scores, kind='stable')
            gt = self.gt[img_id]
            correct = self._greedy_correct(gt, kpts[order])
            n = len(gt) if self.max_dets is None else self.max_dets
            all_scores = scores[order]
            kpts = kpts[order[:n]]
            gt_arr = np.stack(gt) if gt else np.zeros((0, len(self.names), 2))
            errs = np.full((len(gt), len(self.names)), np.nan)
            for g, p in match_instances(gt_arr, kpts):
                errs[g] = np.linalg.norm(gt_arr[g] - kpts[p], axis=-1)
            matched = (~np.isnan(errs)).any(-1).sum()
            self.results.append(dict(errors=errs, matched=int(matched), labeled=len(gt),
                                     kept=len(kpts), scores=all_scores, correct=correct))

    def _greedy_correct(self, gt: list, preds: np.ndarray) -> np.ndarray:
        """``(P,)`` bool: prediction ``i`` (best score first) is matched to a labeled instance
        within ``correct_frac`` of its length (greedy, as COCO matches detections)."""
        correct = np.zeros(len(preds), bool)
        free = list(range(len(gt)))
        for i, p in enumerate(preds):
            best, best_d = None, None
            for g in free:
                pts = gt[g]
                lab = ~np.isnan(pts).any(-1)
                if not lab.any():
                    continue
                d = float(np.linalg.norm(pts[lab] - p[lab], axis=-1).mean())
                size = float((pts[lab].max(0) - pts[lab].min(0)).max()) if lab.sum() > 1 \
                    else 0.0
                if d <= self.correct_frac * max(size, 1.0) and (best_d is None or d < best_d):
                    best, best_d = g, d
            if best is not None:
                correct[i] = True
                free.remove(best)
        return correct

    def compute_metrics(self, results: list) -> Dict[str, float]:
        logger = MMLogger.get_current_instance()
        errs = np.concatenate([r['errors'] for r in results]) if results else \
            np.zeros((0, len(self.names)))
        labeled = sum(r['labeled'] for r in results)
        if labeled == 0:
            raise ValueError(f'{self.ann_file}: no labeled instance in the evaluated frames')
        flat = errs[~np.isnan(errs)]
        out = dict(median=float(np.median(flat)) if flat.size else float('nan'),
                   mean=float(flat.mean()) if flat.size else float('nan'),
                   RMSE=float(np.sqrt((flat ** 2).mean())) if flat.size else float('nan'),
                   matched=sum(r['matched'] for r in results) / labeled,
                   instances_per_frame=float(np.mean([r['kept'] for r in results])))
        thr, f1 = best_f1_threshold(
            np.concatenate([r['scores'] for r in results]) if results else np.zeros(0),
            np.concatenate([r['correct'] for r in results]) if results else np.zeros(0, bool),
            labeled)
        out.update(score_thr=thr, F1=f1)
        for j, name in enumerate(self.names):
            col = errs[:, j][~np.isnan(errs[:, j])]
            out[f'{name}_median'] = float(np.median(col)) if col.size else float('nan')
            out[f'{name}_RMSE'] = float(np.sqrt((col ** 2).mean())) if col.size else float('nan')
        logger.info('pixel error per keypoint (median / RMSE): ' + ', '.join(
            f'{n} {out[f"{n}_median"]:.1f}/{out[f"{n}_RMSE"]:.1f}' for n in self.names))
        return out
