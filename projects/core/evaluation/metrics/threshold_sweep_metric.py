"""Scott et al.'s confidence-threshold sweep as an MMEngine metric, with per-joint PCKh."""
import json
import os
import os.path as osp
from typing import Dict, Optional, Sequence, Union

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from mmpose.evaluation.functional import keypoint_pck_accuracy
from mmpose.evaluation.metrics import MpiiPCKAccuracy
from mmpose.registry import METRICS

from ...keypoints import KeypointMapping, build_mapping, keypoint_names
from ..functional.threshold_sweep import FN_RULES, roc_curve, threshold_sweep


@METRICS.register_module()
class ThresholdSweepMetric(BaseMetric):
    """Precision, recall, F1, ROC-AUC and RMSE over a sweep of confidence thresholds.

    Scott et al. 2024, section 2.5 (definitions of TP, FP, FN in
    :mod:`projects.core.evaluation.functional.threshold_sweep`): a prediction is positive when
    its confidence is ``>= t`` and correct when within ``pckh_thr`` x the head size of the
    ground truth. Reported at the threshold of maximal F1: ``precision, recall, F1, threshold,
    RMSE_x, RMSE_y, RMSE`` (pixels of the original image, keypoints present in the ground
    truth), ``AUC``, ``n_correct`` (correct predictions at that threshold) and ``n_correct_all``
    (regardless of confidence); plus PCKh@``pckh_thr`` per joint (threshold-free, MMPose's
    ``keypoint_pck_accuracy``, MMPose's ``<`` rule) and two means: ``PCKh`` (unweighted over
    the evaluated joints) and, for the 16 MPII joints, ``PCKh_mpii``, MPII's own mean computed
    by MMPose's :class:`~mmpose.evaluation.MpiiPCKAccuracy` (pelvis and thorax left out, joints
    weighted by their counts). ``MpiiPCKAccuracy`` adds 1 to the predictions, converting
    MMPose 0.x's 0-based predictions to MPII's 1-based MATLAB ground truth; MMPose 1.x's
    ``MpiiDataset`` already keeps predictions and ground truth in one frame, so the metric
    passes the predictions minus 1 and the shift cancels.

    Head size: the sample's ``head_size`` (MMPose's MPII convention, 0.6 x the head-box
    diagonal, present when ``MpiiDataset`` is given ``headbox_file`` and ``head_size`` is among
    ``PackPoseInputs``' meta keys) or, with ``head_size='segment'`` or when absent, the head
    segment length ``||head_top - upper_neck||`` of the ground truth (``head_keypoints``). An
    image whose head segment is not annotated cannot be scored: it is left out of every
    number, counted (``n_excluded``) and named in the log.

    False negatives: ``fn_rule`` (see :mod:`projects.core.evaluation.functional.
    threshold_sweep`), ``'correct_below'`` by default (the rule consistent with the paper's
    Table 1), ``'present'`` as an option.

    Applying a network to another keypoint definition (the Baseline): ``mapping`` maps the
    predictions into the ground truth's definition (:class:`~projects.core.keypoints.
    KeypointMapping`, a registered name such as ``'macaque_to_mpii'`` or a dict); keypoints
    with no counterpart are excluded from every number.

    Args:
        mapping (str | dict, optional): predictions' definition -> ground truth's.
        target (str | dict, optional): the ground truth's definition (default: the dataset's
            metainfo), used for joint names.
        pckh_thr (float): PCKh fraction (0.5).
        thresholds (sequence, optional): the sweep (default 0, 0.01, ..., 1).
        head_size (str): ``'auto'`` (the sample's, else the segment) or ``'segment'``.
        fn_rule (str): ``'correct_below'`` (default) or ``'present'``.
        head_keypoints (tuple): the two keypoints whose distance is the head segment.
        outfile_prefix (str, optional): also write ``<prefix>.sweep.json`` with the whole
            curve, the ROC curve and each prediction's confidence and correctness (the input
            of ``tools/analysis/cross_species/transfer_report.py``).
        prefix (str): metric name prefix (``sweep``).

    Raises:
        ValueError: the ground truth has no head keypoints to measure a head segment, an
            unknown ``fn_rule``, keypoint counts disagree, or no image could be scored.
    """

    default_prefix = 'sweep'

    def __init__(self, mapping: Union[str, dict, None] = None, target=None,
                 pckh_thr: float = 0.5, thresholds: Optional[Sequence[float]] = None,
                 head_size: str = 'auto', head_keypoints=('head_top', 'upper_neck'),
                 outfile_prefix: Optional[str] = None, fn_rule: str = 'correct_below',
                 collect_device: str = 'cpu', prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if fn_rule not in FN_RULES:
            raise ValueError(f'fn_rule must be one of {FN_RULES}, got {fn_rule!r}')
        self.fn_rule = fn_rule
        if head_size not in ('auto', 'segment'):
            raise ValueError(f"head_size must be 'auto' or 'segment', got {head_size!r}")
        self.mapping: Optional[KeypointMapping] = (build_mapping(mapping)
                                                   if mapping is not None else None)
        self.target = target
        self.pckh_thr = pckh_thr
        self.thresholds = None if thresholds is None else np.asarray(thresholds, float)
        self.head_size_mode = head_size
        self.head_keypoints = tuple(head_keypoints)
        self.outfile_prefix = outfile_prefix

    def _names(self):
        if self.mapping is not None:
            return self.mapping.target_names
        if self.target is not None:
            return keypoint_names(self.target)
        meta = self.dataset_meta or {}
        if 'keypoint_id2name' in meta:
            return keypoint_names(meta)
        return None

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for ds in data_samples:
            pred = np.asarray(ds['pred_instances']['keypoints'], dtype=np.float64)[:1, :, :2]
            scores = np.asarray(ds['pred_instances']['keypoint_scores'],
                                dtype=np.float64)[:1]
            gt = ds['gt_instances']
            gt_kpts = np.asarray(gt['keypoints'], dtype=np.float64)[:1, :, :2]
            vis = np.asarray(gt['keypoints_visible'], dtype=np.float64)
            vis = (vis[..., 0] if vis.ndim == 3 else vis)[:1]
            if self.mapping is not None:
                pred, scores = self.mapping.apply(pred, scores)
            if pred.shape[1] != gt_kpts.shape[1]:
                raise ValueError(f'ThresholdSweepMetric: {pred.shape[1]} predicted keypoints '
                                 f'against {gt_kpts.shape[1]} in the ground truth of '
                                 f'{ds.get("img_path")}; set `mapping`')
            head = gt.get('head_size', None) if self.head_size_mode == 'auto' else None
            if head is None:
                head = self._segment(gt_kpts[0], vis[0], ds.get('img_path'))
            if head is None:  # not scorable: kept as a named exclusion
                self.results.append(dict(excluded=ds.get('img_path')))
                continue
            self.results.append(dict(pred=pred[0], conf=scores[0], gt=gt_kpts[0],
                                     present=vis[0] > 0, head=float(np.ravel(head)[0]),
                                     img_path=ds.get('img_path')))

    def _segment(self, gt: np.ndarray, vis: np.ndarray, img_path) -> Optional[float]:
        """The head segment length in pixels, ``None`` if its two keypoints are not both
        annotated in this image."""
        names = self._names()
        if names is None or not all(n in names for n in self.head_keypoints):
            raise ValueError(f'ThresholdSweepMetric: {img_path}: no head_size in the sample and '
                             f'no keypoints {self.head_keypoints} to measure the head segment')
        a, b = (names.index(n) for n in self.head_keypoints)
        if not (vis[a] > 0 and vis[b] > 0):
            return None
        return float(np.linalg.norm(gt[a] - gt[b]))

    def _mpii_mean(self, pred, gt, mask, head) -> float:
        """MPII's mean PCKh (in [0, 1]) by MMPose's ``MpiiPCKAccuracy``; see the class doc."""
        mpii = MpiiPCKAccuracy(thr=self.pckh_thr, norm_item='head')
        rows = [dict(pred_coords=pred[i:i + 1] - 1.0, gt_coords=gt[i:i + 1],
                     mask=mask[i:i + 1], head_size=np.array([[head[i], head[i]]]))
                for i in range(len(pred))]
        return float(mpii.compute_metrics(rows)['PCK']) / 100.0

    def compute_metrics(self, results: list) -> Dict[str, float]:
        logger = MMLogger.get_current_instance()
        excluded = [r['excluded'] for r in results if 'excluded' in r]
        results = [r for r in results if 'excluded' not in r]
        if excluded:
            logger.warning(f'ThresholdSweepMetric: {len(excluded)} image(s) left out, their head '
                           f'segment {self.head_keypoints} not annotated: {excluded}')
        if not results:
            raise ValueError(f'ThresholdSweepMetric: no image could be scored ({len(excluded)} '
                             f'without an annotated head segment {self.head_keypoints})')
        pred = np.stack([r['pred'] for r in results])
        conf = np.stack([r['conf'] for r in results])
        gt = np.stack([r['gt'] for r in results])
        present = np.stack([r['present'] for r in results])
        head = np.array([r['head'] for r in results])
        valid = self.mapping.valid if self.mapping is not None else None
        s = threshold_sweep(pred, conf, gt, present, head, valid=valid,
                            thresholds=self.thresholds, pckh_thr=self.pckh_thr,
                            fn_rule=self.fn_rule)
        b = s['best']
        out = {'AUC': s['auc'], 'F1': float(s['f1'][b]), 'precision': float(s['precision'][b]),
               'recall': float(s['recall'][b]), 'threshold': float(s['thresholds'][b]),
               'RMSE_x': s['rmse_x'], 'RMSE_y': s['rmse_y'], 'RMSE': s['rmse'],
               'n_correct': int(s['tp'][b]), 'n_correct_all': s['n_correct'],
               'n_present': s['n_present'], 'n_excluded': len(excluded)}
        # MPII-style PCKh per joint (threshold-free), excluding joints with no counterpart
        mask = present.copy()
        if valid is not None:
            mask &= valid[None]
        acc, avg, _ = keypoint_pck_accuracy(pred, gt, mask, self.pckh_thr,
                                            np.repeat(head[:, None], 2, axis=1))
        names = self._names() or [str(i) for i in range(pred.shape[1])]
        for name, a in zip(names, acc):
            if a >= 0:
                out[f'PCKh/{name}'] = float(a)
        out['PCKh'] = float(avg)
        if pred.shape[1] == 16:
            out['PCKh_mpii'] = self._mpii_mean(pred, gt, mask, head)
        logger.info(f'threshold sweep: best F1 {out["F1"]:.3f} at t = {out["threshold"]:.2f}, '
                    f'AUC {out["AUC"]:.3f}, RMSE {out["RMSE"]:.2f} px')
        if self.outfile_prefix:
            fpr, tpr, thr = roc_curve(s['conf'], s['correct'])
            dump = dict(
                metrics=out, thresholds=s['thresholds'].tolist(), tp=s['tp'].tolist(),
                fp=s['fp'].tolist(), fn=s['fn'].tolist(), precision=s['precision'].tolist(),
                recall=s['recall'].tolist(), f1=s['f1'].tolist(),
                roc=dict(fpr=fpr.tolist(), tpr=tpr.tolist(), thresholds=thr[1:].tolist()),
                conf=s['conf'].tolist(), correct=s['correct'].astype(int).tolist())
            path = f'{self.outfile_prefix}.sweep.json'
            os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
            # rewritten at each evaluation, atomically and never through a link; an undefined
            # value (an F1 or AUC without positives) stays a NaN token, which Python's json
            # and tools/analysis/cross_species/transfer_report.py read back
            from projects.core.fileio import write_bytes
            write_bytes(path, json.dumps(dump).encode(), overwrite=True)
        return out
