"""COCO keypoint AP for multi-animal frames, with SLEAP's single-sigma OKS as an option."""
import copy
from typing import Optional

import numpy as np
from mmengine.logging import MMLogger
from xtcocotools.cocoeval import COCOeval

from mmpose.evaluation.metrics import CocoMetric
from mmpose.registry import METRICS

from ..functional.oks import keypoint_bbox_area


@METRICS.register_module()
class KeypointAP(CocoMetric):
    """MMPose's :class:`~mmpose.evaluation.CocoMetric` for frames with many animals.

    Two differences from the parent, both options:

    * ``max_dets`` (default 100): COCO keypoint evaluation keeps at most 20 detections per image
      (``COCOeval.summarize`` hard-codes it), which caps recall on hive frames with up to 29 bees.
      Here AP/AR are read from the accumulated precision/recall at ``max_dets``.
    * ``oks_stddev``: when set, the OKS is SLEAP's (``sleap/nn/evals.py::compute_oks`` with
      ``use_cocoeval=True``; see :func:`projects.core.evaluation.functional.compute_oks`): one
      standard deviation for every keypoint, and the object scale is the area of the tightest box
      around the ground-truth keypoints, whatever ``area`` the annotation file holds.
      SemiMultiPose (Blau et al., Table 1) uses 1.0 for honeybees and mouse pups and 0.025 for
      flies. When ``None``, the dataset-info ``sigmas`` and the file's ``area`` are used, as in
      MMPose.

    The reported keys are those of CocoMetric (``AP``, ``AP .5``, ``AP .75``, ``AP (M)``,
    ``AP (L)``, ``AR``, ``AR .5``, ``AR .75``, ``AR (M)``, ``AR (L)``) with the metric's prefix.
    AP is the mean over OKS thresholds 0.50:0.05:0.95 of the 101-point interpolated precision.

    Args:
        max_dets (int): detections kept per image, highest score first.
        oks_stddev (float, optional): SLEAP's ``stddev`` for all keypoints.
        **kwargs: the arguments of CocoMetric (``ann_file``, ``score_mode``, ``nms_mode``, ...).

    Raises:
        ValueError: ``max_dets`` < 1 or ``oks_stddev`` <= 0; when evaluating, a ground truth
            without any labeled instance (COCOeval would give -1.0 for every number).
    """

    def __init__(self, max_dets: int = 100, oks_stddev: Optional[float] = None, **kwargs):
        super().__init__(**kwargs)
        if max_dets < 1:
            raise ValueError(f'max_dets must be >= 1, got {max_dets}')
        if oks_stddev is not None and oks_stddev <= 0:
            raise ValueError(f'oks_stddev must be > 0, got {oks_stddev}')
        self.max_dets = int(max_dets)
        self.oks_stddev = oks_stddev

    def _ground_truth(self):
        """The COCO ground truth, with keypoint-box areas when SLEAP's OKS is asked for."""
        if self.oks_stddev is None:
            return self.coco
        coco = copy.copy(self.coco)
        coco.anns = copy.deepcopy(self.coco.anns)
        for ann in coco.anns.values():
            kpts = np.asarray(ann['keypoints'], dtype=np.float64).reshape(-1, 3)
            pts = np.where(kpts[:, 2:3] > 0, kpts[:, :2], np.nan)
            area = keypoint_bbox_area(pts)[0]
            ann['area'] = float(area) if np.isfinite(area) else 0.0
        coco.imgToAnns = {}
        for ann in coco.anns.values():
            coco.imgToAnns.setdefault(ann['image_id'], []).append(ann)
        return coco

    def _do_python_keypoint_eval(self, outfile_prefix: str) -> list:
        """Run COCOeval with ``max_dets`` and the chosen OKS; return ``[(name, value)]``."""
        res_file = f'{outfile_prefix}.keypoints.json'
        gt = self._ground_truth()
        if not any(a.get('num_keypoints', 1) > 0 and not a.get('iscrowd', 0)
                   for a in gt.anns.values()):
            # COCOeval would report every AP and AR as -1.0 and the run would exit 0
            raise ValueError(f'{self.ann_file}: no labeled instance to evaluate against (AP is '
                             'undefined); is it the ground truth of these frames?')
        coco_det = gt.loadRes(res_file)
        num_kpts = len(self.dataset_meta['sigmas'])
        if self.oks_stddev is None:
            sigmas = np.asarray(self.dataset_meta['sigmas'], dtype=np.float64)
        else:
            sigmas = np.full(num_kpts, float(self.oks_stddev))
        coco_eval = COCOeval(gt, coco_det, self.iou_type, sigmas, self.use_area)
        coco_eval.params.useSegm = None
        coco_eval.params.maxDets = [self.max_dets]
        coco_eval.evaluate()
        coco_eval.accumulate()
        stats = summarize_keypoints(coco_eval)
        MMLogger.get_current_instance().info(
            'KeypointAP (max_dets=%d, %s): %s', self.max_dets,
            'dataset sigmas' if self.oks_stddev is None else f'SLEAP stddev={self.oks_stddev}',
            ', '.join(f'{k}={v:.4f}' for k, v in stats))
        return stats


def summarize_keypoints(coco_eval: COCOeval) -> list:
    """AP/AR of an accumulated keypoint ``COCOeval`` at its single ``maxDets`` setting.

    Same quantities as ``COCOeval.summarize`` for keypoints (Lin et al., COCO 2014), without its
    hard-coded 20 detections per image. A value is -1 where no ground truth exists.

    Returns:
        list: ``[(name, value)]`` with the names CocoMetric uses.
    """
    p = coco_eval.params
    precision = coco_eval.eval['precision']  # (T, R, K, A, M)
    recall = coco_eval.eval['recall']  # (T, K, A, M)

    def _mean(ap: bool, iou: Optional[float] = None, area: str = 'all') -> float:
        a = p.areaRngLbl.index(area)
        s = precision[..., a, 0] if ap else recall[..., a, 0]
        if iou is not None:
            s = s[np.where(np.isclose(p.iouThrs, iou))[0]]
        s = s[s > -1]
        return float(np.mean(s)) if s.size else -1.0

    return [('AP', _mean(True)), ('AP .5', _mean(True, .5)), ('AP .75', _mean(True, .75)),
            ('AP (M)', _mean(True, area='medium')), ('AP (L)', _mean(True, area='large')),
            ('AR', _mean(False)), ('AR .5', _mean(False, .5)), ('AR .75', _mean(False, .75)),
            ('AR (M)', _mean(False, area='medium')), ('AR (L)', _mean(False, area='large'))]
