"""The confidence-threshold sweep of Scott et al. 2024 (section 2.5), as plain functions.

Definitions (one prediction per keypoint per instance; keypoints with no counterpart in the
evaluated network's definition are excluded from everything):

* ``present``: the keypoint is annotated (visible flag > 0) in the ground truth;
* ``correct``: present and ``||pred - gt|| < pckh_thr * head_size`` (PCKh@0.5 by default;
  strictly below, the rule of MMPose's ``keypoint_pck_accuracy`` and of every PCKh here);
* ``positive(t)``: the prediction's confidence is ``>= t``;
* ``TP(t)`` = positive and correct;
* ``FP(t)`` = positive and not correct (a wrong location, or a keypoint absent from the
  ground truth);
* ``FN(t)``, two rules (the paper does not define FN; ``fn_rule``):

  - ``'correct_below'`` (default): correct but below the threshold, so recall =
    TP / #correct, the share of the correct predictions that the threshold keeps;
  - ``'present'``: present and not ``TP(t)`` (below the threshold, or placed wrongly), so
    recall = TP / #present.

  Only the first is consistent with the paper's Table 1. With one prediction per keypoint,
  every positive is a prediction, so precision = TP / #positive >= TP / #evaluated; under
  ``'present'``, recall = TP / #present and therefore precision >= recall x #present /
  #evaluated. On MPII nearly every keypoint is annotated (#present / #evaluated = 66 / 70 =
  0.94 over the 14 joints the macaque Baseline is scored on, in MMPose's 5-image MPII sample),
  so the Baseline's recall 0.74 would force a precision of at least 0.74 x 0.94 = 0.70, not
  the 0.21 reported. Under ``'correct_below'`` the pair is reachable:
  e.g. 25 % of the predictions correct and a threshold keeping 74 % of those and 88 % of the
  wrong ones gives precision 0.185 / (0.185 + 0.66) = 0.22 and recall 0.74;
* precision = TP / (TP + FP) (0 when nothing is positive), recall = TP / (TP + FN) (0 when
  TP + FN = 0), F1 = 2 P R / (P + R) (0 when P + R = 0);
* ROC-AUC: correct (label 1) versus not correct (label 0) predictions ranked by confidence,
  over every prediction (the Mann-Whitney U statistic, ties counted one half);
* RMSE at the threshold of maximal F1, in the ground truth's pixels, over keypoints present in
  the ground truth and positive at that threshold: ``sqrt(mean(dx^2))``, ``sqrt(mean(dy^2))``
  and the Euclidean ``sqrt(mean(dx^2 + dy^2))``.
"""
from typing import Dict, Optional

import numpy as np
from scipy.stats import rankdata


def roc_auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve of binary ``labels`` ranked by ``scores``.

    Equals the probability that a random positive scores above a random negative (ties 1/2):
    ``(sum of positive ranks - n1 (n1 + 1) / 2) / (n1 n0)`` with average ranks for ties.

    Returns:
        float: the AUC, NaN when one class is empty.
    """
    scores = np.asarray(scores, dtype=np.float64).ravel()
    labels = np.asarray(labels, dtype=bool).ravel()
    n1, n0 = int(labels.sum()), int((~labels).sum())
    if n1 == 0 or n0 == 0:
        return float('nan')
    ranks = rankdata(scores)
    return float((ranks[labels].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def roc_curve(scores: np.ndarray, labels: np.ndarray):
    """False- and true-positive rates at every distinct score (descending), from (0, 0) to
    (1, 1). Returns ``(fpr, tpr, thresholds)``, NaN rates when a class is empty."""
    scores = np.asarray(scores, dtype=np.float64).ravel()
    labels = np.asarray(labels, dtype=bool).ravel()
    n1, n0 = int(labels.sum()), int((~labels).sum())
    if scores.size == 0:
        return np.zeros(1), np.zeros(1), np.array([np.inf])
    # one pass in descending score order; the cumulative counts at the last prediction of each
    # distinct score are the counts of predictions scoring >= that score
    order = np.argsort(-scores, kind='stable')
    s_sorted, l_sorted = scores[order], labels[order]
    last = np.flatnonzero(np.r_[s_sorted[1:] != s_sorted[:-1], True])
    thr = s_sorted[last]
    tp = np.cumsum(l_sorted)[last].astype(np.float64)
    fp = np.cumsum(~l_sorted)[last].astype(np.float64)
    tpr = np.concatenate([[0.0], tp / n1 if n1 else np.full_like(tp, np.nan)])
    fpr = np.concatenate([[0.0], fp / n0 if n0 else np.full_like(fp, np.nan)])
    return fpr, tpr, np.concatenate([[np.inf], thr])


FN_RULES = ('correct_below', 'present')


def default_thresholds(conf: np.ndarray, num: int = 101) -> np.ndarray:
    """The sweep's default thresholds: ``num`` evenly spaced values over ``[min(0, min conf),
    max(1, max conf)]``, i.e. 0, 0.01, ..., 1 for confidences in [0, 1] (DeepLabCut's
    likelihoods), and the whole range for MMPose's heatmap maxima, which are not bounded to
    [0, 1], so that no prediction lies outside the sweep."""
    conf = np.asarray(conf, dtype=np.float64).ravel()
    lo = min(0.0, float(conf.min())) if conf.size else 0.0
    hi = max(1.0, float(conf.max())) if conf.size else 1.0
    return np.round(np.linspace(lo, hi, num), 10)


def threshold_sweep(pred: np.ndarray, conf: np.ndarray, gt: np.ndarray, present: np.ndarray,
                    head_size: np.ndarray, valid: Optional[np.ndarray] = None,
                    thresholds: Optional[np.ndarray] = None,
                    pckh_thr: float = 0.5,
                    fn_rule: str = 'correct_below') -> Dict[str, np.ndarray]:
    """The sweep over confidence thresholds (Scott et al. 2024, section 2.5).

    Args:
        pred (np.ndarray): ``(N, K, 2)`` predicted keypoints, pixels of the original image.
        conf (np.ndarray): ``(N, K)`` confidences.
        gt (np.ndarray): ``(N, K, 2)`` ground-truth keypoints, same frame.
        present (np.ndarray): ``(N, K)`` bool, keypoint annotated in the ground truth.
        head_size (np.ndarray): ``(N,)`` head segment length per instance, pixels.
        valid (np.ndarray, optional): ``(K,)`` bool, False for keypoints with no counterpart
            (excluded from every count); all True if omitted.
        thresholds (np.ndarray, optional): ``(T,)`` thresholds, default
            :func:`default_thresholds` of the evaluated confidences (0, 0.01, ..., 1 when they
            lie in [0, 1]).
        pckh_thr (float): the PCKh fraction of the head size (0.5: PCKh@0.5).
        fn_rule (str): ``'correct_below'`` (default, consistent with the paper's Table 1) or
            ``'present'`` (see the module docstring).

    Returns:
        dict: ``thresholds, tp, fp, fn, precision, recall, f1`` (each ``(T,)``), ``best``
        (index of the maximal F1, the lowest threshold on ties), ``auc``, ``rmse_x, rmse_y,
        rmse`` (at ``best``; NaN if nothing qualifies), ``n_rmse`` (keypoints in the RMSE),
        ``correct`` and ``conf`` (flattened over evaluated predictions, for ROC curves and
        histograms), ``n_correct`` (correct predictions regardless of confidence),
        ``n_present``.

    Raises:
        ValueError: inconsistent shapes, or an unknown ``fn_rule``.
    """
    if fn_rule not in FN_RULES:
        raise ValueError(f'threshold_sweep: fn_rule must be one of {FN_RULES}, got {fn_rule!r}')
    pred = np.asarray(pred, dtype=np.float64)
    gt = np.asarray(gt, dtype=np.float64)
    conf = np.asarray(conf, dtype=np.float64)
    present = np.asarray(present, dtype=bool)
    head_size = np.asarray(head_size, dtype=np.float64).reshape(-1)
    n, k = conf.shape
    if pred.shape != (n, k, 2) or gt.shape != (n, k, 2) or present.shape != (n, k) \
            or head_size.shape != (n, ):
        raise ValueError(f'threshold_sweep: pred {pred.shape}, gt {gt.shape}, conf {conf.shape}, '
                         f'present {present.shape}, head_size {head_size.shape}; expected '
                         f'(N, K, 2), (N, K, 2), (N, K), (N, K), (N,)')
    valid = np.ones(k, dtype=bool) if valid is None else np.asarray(valid, dtype=bool)

    diff = pred - gt
    dist = np.linalg.norm(diff, axis=-1)
    correct = present & (dist < pckh_thr * head_size[:, None])
    sel = np.broadcast_to(valid[None], (n, k))  # evaluated predictions
    c, ok, pres = conf[sel], correct[sel], present[sel]
    if thresholds is None:
        thresholds = default_thresholds(c)
    thresholds = np.asarray(thresholds, dtype=np.float64)
    pos = c[None, :] >= thresholds[:, None]  # (T, M)
    tp = (pos & ok[None]).sum(1)
    fp = (pos & ~ok[None]).sum(1)
    if fn_rule == 'present':
        fn = pres.sum() - tp
    else:
        fn = (~pos & ok[None]).sum(1)
    with np.errstate(divide='ignore', invalid='ignore'):
        precision = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), 0.0)
        recall = np.where(tp + fn > 0, tp / np.maximum(tp + fn, 1), 0.0)
        f1 = np.where(precision + recall > 0,
                      2 * precision * recall / np.maximum(precision + recall, 1e-300), 0.0)
    best = int(np.argmax(f1))
    use = sel & present & (conf >= thresholds[best])
    if use.any():
        dx, dy = diff[..., 0][use], diff[..., 1][use]
        rmse_x, rmse_y = np.sqrt(np.mean(dx**2)), np.sqrt(np.mean(dy**2))
        rmse = np.sqrt(np.mean(dx**2 + dy**2))
    else:
        rmse_x = rmse_y = rmse = float('nan')
    return dict(thresholds=thresholds, tp=tp, fp=fp, fn=fn, precision=precision, recall=recall,
                f1=f1, best=best, auc=roc_auc(c, ok), rmse_x=float(rmse_x),
                rmse_y=float(rmse_y), rmse=float(rmse), n_rmse=int(use.sum()), correct=ok,
                conf=c, n_correct=int(ok.sum()), n_present=int(pres.sum()))
