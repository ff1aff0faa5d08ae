"""Score SLEAP predictions (a predicted ``.slp``) against SLEAP labels (a labeled ``.slp``)."""
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np


def _nodes(labels, where: str) -> List[str]:
    if len(labels.skeletons) != 1:
        raise ValueError(f'{where}: expected one skeleton, found {len(labels.skeletons)}')
    return list(labels.skeletons[0].node_names)


def _frames_by_index(labels, where: str) -> Dict[int, object]:
    videos = {osp.basename(str(v.filename)) for v in labels.videos}
    if len(labels.videos) != 1:
        raise ValueError(f'{where}: expected one video, found {len(labels.videos)} ({videos})')
    return {int(lf.frame_idx): lf for lf in labels.labeled_frames}


def labels_to_coco(labels, names: Sequence[str], frames: Sequence[int], where: str) -> dict:
    """The user-labeled instances of ``frames`` as a COCO keypoint ground truth (in memory).

    Points follow ``names`` (by node name); each instance is written by the converters' rule
    (:func:`projects.core.datasets.converters.sleap.instance_to_coco`); image ids are frame
    indices.

    Raises:
        ValueError: a name that is not a node of the skeleton.
    """
    from ..datasets.converters.sleap import instance_to_coco
    nodes = _nodes(labels, where)
    missing = [n for n in names if n not in nodes]
    if missing:
        raise ValueError(f'{where}: skeleton nodes are {nodes}; {missing} not among them')
    order = [nodes.index(n) for n in names]
    by_idx = _frames_by_index(labels, where)
    images, anns = [], []
    for idx in frames:
        images.append(dict(id=int(idx), file_name=f'frame_{idx:06d}', width=0, height=0))
        for inst in by_idx[idx].user_instances:
            ann = instance_to_coco(inst.numpy()[order], len(anns) + 1, idx, decimals=6)
            if ann is not None:
                anns.append(ann)
    return dict(images=images, annotations=anns,
                categories=[dict(id=1, name='animal', keypoints=list(names), skeleton=[])])


def score_labels(gt_slp: str, pred_slp: str, work_dir: str, sigmas: Optional[Sequence] = None,
                 frames: Optional[Sequence[int]] = None, max_dets: int = 100,
                 overwrite: bool = False) -> dict:
    """OKS AP of a predicted ``.slp`` (e.g. from ``tools/predict.py``) against a labeled one.

    Frames: every frame of ``gt_slp`` with user-labeled instances (or those among ``frames``); the
    predicted instances of the same frame indices are scored, nodes matched by name (the
    prediction may list them in another order or have more). Two OKS, as in the project's
    configs (:class:`~projects.core.evaluation.KeypointAP`, at most ``max_dets``
    instances per frame, instance score = the predicted instance's score):

    * ``coco/``: COCO's OKS with per-node ``sigmas`` (default: 0.1 for every node) and the
      instance's keypoint-box area;
    * ``sleap/``: SLEAP's OKS, a single stddev of 1 pixel over the keypoint box
      (``sleap/nn/evals.py``).

    Args:
        gt_slp (str): labels (user instances).
        pred_slp (str): predictions (predicted instances; a frame without one counts as a miss).
        work_dir (str): where the ground truth is written (``ground_truth.json``, through
            :mod:`projects.core.fileio`: never through a link, an existing file with other
            content replaced only with ``overwrite``).
        sigmas (sequence, optional): per-node sigmas in the ground truth's node order.
        frames (sequence, optional): frame indices to choose from (unlabeled ones are skipped).
        max_dets (int): detections kept per frame.
        overwrite (bool): replace an existing ``ground_truth.json`` of other content.

    Returns:
        dict: ``coco/AP`` ... and ``sleap/AP`` ..., plus ``n_frames``, ``n_instances`` (ground
        truth) and ``n_predictions``.

    Raises:
        FileNotFoundError: a missing file.
        ValueError: files with several skeletons or videos, nodes of the ground truth missing
            from the predictions, or no labeled frame among ``frames``.
    """
    import sleap_io as sio
    from mmpose.datasets.datasets.utils import parse_pose_metainfo
    from .metrics import KeypointAP
    for path in (gt_slp, pred_slp):
        if not osp.isfile(path):
            raise FileNotFoundError(f'{path}: no such file')
    gt, pred = sio.load_slp(gt_slp), sio.load_slp(pred_slp)
    names = _nodes(gt, gt_slp)
    pred_nodes = _nodes(pred, pred_slp)
    lost = [n for n in names if n not in pred_nodes]
    if lost:
        raise ValueError(f'{pred_slp}: nodes {lost} of {gt_slp} are not predicted '
                         f'(prediction nodes: {pred_nodes})')
    gt_frames = _frames_by_index(gt, gt_slp)
    labeled = sorted(i for i, lf in gt_frames.items() if lf.user_instances)
    if frames is not None:
        chosen = set(int(i) for i in frames)
        frames = [i for i in labeled if i in chosen]
        if not frames:
            raise ValueError(f'{gt_slp}: none of the chosen frames has a user-labeled instance')
    else:
        frames = labeled
    from ..fileio import write_json
    ann_file = osp.join(work_dir, 'ground_truth.json')
    coco = labels_to_coco(gt, names, frames, gt_slp)
    write_json(coco, ann_file, [gt_slp, pred_slp], work_dir, overwrite)
    k = len(names)
    sig = np.full(k, 0.1) if sigmas is None else np.asarray(sigmas, np.float64)
    if sig.shape != (k, ):
        raise ValueError(f'sigmas: {k} values expected (nodes {names}), got {sig.shape}')
    meta = parse_pose_metainfo(dict(
        dataset_name='slp', sigmas=sig.tolist(), joint_weights=[1.0] * k, skeleton_info={},
        keypoint_info={i: dict(name=n, id=i, color=[0, 0, 0], type='', swap='')
                       for i, n in enumerate(names)}))
    order = [pred_nodes.index(n) for n in names]
    pred_frames = _frames_by_index(pred, pred_slp)
    samples, n_pred = [], 0
    for i, idx in enumerate(frames):
        insts = [p for p in (pred_frames[idx].predicted_instances if idx in pred_frames else [])]
        pts = np.array([p.numpy(scores=True)[order] for p in insts]).reshape(-1, k, 3)
        kpts = np.nan_to_num(pts[..., :2], nan=0.0).astype(np.float32)
        kscores = np.where(np.isnan(pts[..., 0]), 0.0, np.nan_to_num(pts[..., 2]))
        scores = np.array([float(p.score) for p in insts], np.float32)
        n_pred += len(insts)
        samples.append(dict(id=[i], img_id=int(idx), gt_instances={}, pred_instances=dict(
            keypoints=kpts, keypoint_scores=kscores.astype(np.float32), bbox_scores=scores)))
    out = dict(n_frames=len(frames), n_instances=len(coco['annotations']), n_predictions=n_pred)
    for prefix, kw in (('coco', {}), ('sleap', dict(oks_stddev=1.0))):
        metric = KeypointAP(ann_file=ann_file, score_mode='bbox', nms_mode='none',
                                  max_dets=max_dets, prefix=prefix, **kw)
        metric.dataset_meta = meta
        metric.process([], samples)
        out.update({f'{prefix}/{m}': float(v)
                    for m, v in metric.compute_metrics(metric.results).items()})
    return out
