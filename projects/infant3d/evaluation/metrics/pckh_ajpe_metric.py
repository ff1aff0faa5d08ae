"""PCKh@1.0/@2.0 and AJPE of the 2D and the 3D stage (Ellershaw et al. 2020, Table 1)."""
import json
import os.path as osp
from typing import Dict, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.fileio import dump
from mmpose.registry import METRICS

from ..functional import ajpe, joint_errors, pckh, root_relative


def _fmt(factor: float) -> str:
    """``1.0 -> '1.0'``, ``0.25 -> '0.25'`` (the paper writes PCKh@1.0 and PCKh@2.0)."""
    return f'{factor:.1f}' if float(factor).is_integer() else f'{factor:g}'


@METRICS.register_module()
class PCKhAJPE(BaseMetric):
    """PCKh at several multiples of the head size and AJPE, per joint and overall.

    ``mode='2d'`` compares ``pred_instances.keypoints`` with ``gt_instances.keypoints``
    (pixels, original image) and normalises by ``gt_instances.head_size`` (pixels).
    ``mode='3d'`` compares 3D keypoints in mm (``unit_scale``: 1000, metres to mm), normalised
    by the metainfo ``head_size_3d`` (mm; add it to ``PackPoseInputs``' ``meta_keys``); the
    ground truth (``gt_instances.lifting_target``) is made relative to joint ``root_index``
    (MPII-16: the pelvis, 6). Two rules for the prediction and the root (``root_rule``):

    * ``'authors'`` (default; Ellershaw et al.'s code, ``PoseEstimation/Core/Evaluation.py``,
      the rule behind the paper's Table 1): the lifter's output is scored as it is (it is
      trained to be root-relative; not re-centred), and all 16 joints are averaged, the pelvis
      output scored against the ground truth's 0;
    * ``'recentre'``: the prediction is re-centred on its own predicted pelvis and the pelvis
      (then 0 by construction) is left out of the averages (15 joints), as Human3.6M-style
      root-relative MPJPE does. On the same predictions this reads lower PCKh and higher AJPE
      than ``'authors'`` (the issue's estimate for the paper's 65.20 % / 88.99 % / 28.47 mm:
      about 62.9 % / 88.3 % / 30.4 mm).

    PCKh and AJPE are MMPose's ``keypoint_pck_accuracy`` and ``keypoint_epe`` per joint (see
    :func:`~projects.infant3d.evaluation.functional.pckh`): a joint is correct when its error
    is strictly below the threshold (MMPose's rule, also the threshold sweep's; the authors'
    code writes ``<=``, which differs only on exact ties), and the overall PCKh and AJPE are
    means over joints of the per-joint values (as MMPose's ``avg_acc`` and the authors' code).

    The rule is written into the JSON (``root_rule``) and shown by the report. A joint counts
    where the ground truth is visible. Frames without a head size (data sets that define none,
    such as MPI-INF-3DHP) give AJPE only. In 2D, joints 6 (pelvis) and 7 (thorax) are ordinary
    joints.

    Returns ``{prefix}/PCKh@{f}`` for every factor, ``{prefix}/AJPE`` (pixels or mm),
    ``{prefix}/AJPE_{joint}`` and ``{prefix}/PCKh@{f}_{joint}``. With ``outfile_prefix`` the
    same numbers and the per-frame errors go to ``{outfile_prefix}.{mode}.json`` (read by
    ``tools/analysis/infant3d/infant_report.py``).

    Args:
        mode (str): ``'2d'`` or ``'3d'``.
        factors (Sequence[float]): PCKh thresholds in head sizes. Default (1.0, 2.0).
        root_index (int): root joint for ``'3d'``. Default 6 (MPII pelvis).
        unit_scale (float): multiplies 3D coordinates (metres -> mm). Default 1000.
        root_rule (str): ``'authors'`` (default) or ``'recentre'`` (3D only; see above).
        outfile_prefix (str, optional): where to write the JSON.
        prefix (str, optional): metric prefix; default ``'infant2d'`` / ``'infant3d'``.

    Raises:
        ValueError: an unknown mode or root rule.
    """

    ROOT_RULES = ('authors', 'recentre')

    def __init__(self, mode: str = '2d', factors: Sequence[float] = (1.0, 2.0),
                 root_index: int = 6, unit_scale: float = 1000., root_rule: str = 'authors',
                 outfile_prefix: Optional[str] = None, collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        if mode not in ('2d', '3d'):
            raise ValueError(f"PCKhAJPE mode {mode!r}: expected '2d' or '3d'")
        if root_rule not in self.ROOT_RULES:
            raise ValueError(f'PCKhAJPE root_rule {root_rule!r}: expected one of '
                             f'{self.ROOT_RULES}')
        super().__init__(collect_device=collect_device, prefix=prefix or f'infant{mode}')
        self.mode = mode
        self.factors = tuple(float(f) for f in factors)
        self.root_index = root_index
        self.unit_scale = unit_scale
        self.root_rule = root_rule
        self.outfile_prefix = outfile_prefix

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for ds in data_samples:
            pred = np.asarray(ds['pred_instances']['keypoints'], np.float64)
            gt_inst = ds['gt_instances']
            if self.mode == '2d':
                gt = np.asarray(gt_inst['keypoints'], np.float64).reshape(-1, pred.shape[-2], 2)
                vis = np.asarray(gt_inst['keypoints_visible'], np.float64).reshape(gt.shape[:2])
                head = (np.asarray(gt_inst['head_size'], np.float64).reshape(-1)[:1]
                        if 'head_size' in gt_inst else np.array([np.nan]))
                pred = pred.reshape(gt.shape[0], -1, 2)[:1, :, :2]
                gt, vis = gt[:1], vis[:1]
            else:
                gt = np.asarray(gt_inst['lifting_target'], np.float64)
                gt = gt.reshape(-1, gt.shape[-2], 3)[-1:]
                vis = np.asarray(gt_inst['lifting_target_visible'], np.float64)
                vis = vis.reshape(-1, gt.shape[1])[-1:]
                pred = pred.reshape(-1, gt.shape[1], 3)[-1:]
                gt = root_relative(gt, self.root_index) * self.unit_scale
                if self.root_rule == 'recentre':
                    pred = root_relative(pred, self.root_index) * self.unit_scale
                    vis = vis.copy()
                    vis[:, self.root_index] = 0
                else:  # the authors': the output as it is, the root scored like any joint
                    pred = pred * self.unit_scale
                head = (np.array([float(np.asarray(ds['head_size_3d']).reshape(-1)[0])])
                        if 'head_size_3d' in ds else np.array([np.nan]))
            name = ds.get('img_path') or ds.get('target_img_path')
            if isinstance(name, (list, tuple, np.ndarray)):
                name = str(np.asarray(name).reshape(-1)[-1])
            self.results.append(dict(pred=pred[0], gt=gt[0], visible=vis[0],
                                     head_size=float(head[0]), image=str(name)))

    def compute_metrics(self, results: list) -> Dict[str, float]:
        pred = np.stack([r['pred'] for r in results])
        gt = np.stack([r['gt'] for r in results])
        errors = joint_errors(pred, gt)  # (N, K), for the per-frame result file
        visible = np.stack([r['visible'] for r in results])
        heads = np.array([r['head_size'] for r in results])
        names = self.dataset_meta.get('keypoint_id2name', {}) if self.dataset_meta else {}
        names = [names.get(k, str(k)) for k in range(pred.shape[1])]
        out: Dict[str, float] = {}
        per_joint: Dict[str, list] = {}
        # PCKh only where every frame has a head size (MINI-RGBD; not MPI-INF-3DHP)
        for f in (self.factors if np.all(np.isfinite(heads)) else ()):
            pj, overall = pckh(pred, gt, visible, heads, f)
            out[f'PCKh@{_fmt(f)}'] = overall
            per_joint[f'PCKh@{_fmt(f)}'] = pj.tolist()
        pj, overall = ajpe(pred, gt, visible)
        out['AJPE'] = overall
        per_joint['AJPE'] = pj.tolist()
        flat = dict(out)
        for key, values in per_joint.items():
            for n, v in zip(names, values):
                if not np.isnan(v):
                    flat[f'{key}_{n}'] = float(v)
        if self.outfile_prefix:
            dump(dict(mode=self.mode, unit='px' if self.mode == '2d' else 'mm',
                      root_rule=self.root_rule if self.mode == '3d' else None,
                      factors=list(self.factors), overall=out, joints=names,
                      per_joint=per_joint, num_frames=len(results),
                      frames=[dict(image=r['image'], errors=e.tolist(),
                                   visible=r['visible'].tolist(), head_size=r['head_size'])
                              for r, e in zip(results, errors)]),
                 f'{self.outfile_prefix}.{self.mode}.json', indent=1)
        return flat


def read_result(path: str) -> dict:
    """A JSON written by :class:`PCKhAJPE` (``outfile_prefix``)."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path}: no such PCKhAJPE result file')
    with open(path) as f:
        data = json.load(f)
    for key in ('mode', 'overall', 'per_joint', 'joints'):
        if key not in data:
            raise ValueError(f'{path}: no field {key!r}; not a PCKhAJPE result')
    return data
