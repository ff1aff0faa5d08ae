"""Predict poses frame by frame: the library API behind ``tools/predict.py``.

:func:`predict_source` runs a model (``mmpose.apis.init_model``) over a
:class:`~projects.core.apis.FrameSource` (an image, a folder of images or a video) through
MMPose's inference API and yields one :class:`FramePrediction` per frame: instances filtered
by score, OKS-NMS and count (:func:`filter_instances`), and tracked when a
:class:`~projects.core.apis.KeypointTracker` is given. Writers
(:func:`~projects.core.apis.build_labels`, :func:`~projects.core.apis.save_predictions`) take
the records as they come.
"""
from dataclasses import dataclass, field
from typing import Iterator, Optional

import numpy as np


@dataclass
class FramePrediction:
    """The predictions of one frame, in frame pixels.

    Attributes:
        path (str): the image file, or the video.
        index (int): the frame's index in the source.
        kind (str): ``'image'``, ``'folder'`` or ``'video'``.
        keypoints (np.ndarray): ``(N, K, 2)`` float32, x and y in frame pixels.
        keypoint_scores (np.ndarray): ``(N, K)`` float32.
        scores (np.ndarray): ``(N,)`` float32 instance scores, best first.
        track_ids (np.ndarray, optional): ``(N,)`` track ids (-1: none), or ``None`` without
            tracking.
        best_score (float): the best instance score before filtering (NaN when the model
            decoded none): what a threshold dropped.
        image (np.ndarray, optional): the BGR frame ``(H, W, 3)``, only with
            ``keep_image=True`` (drop it once drawn: a video's frames do not fit in memory).

    Items can also be read as ``record['keypoints']`` (the writers' dict interface).
    """
    path: str
    index: int
    kind: str
    keypoints: np.ndarray
    keypoint_scores: np.ndarray
    scores: np.ndarray
    track_ids: Optional[np.ndarray] = None
    best_score: float = float('nan')
    image: Optional[np.ndarray] = field(default=None, repr=False)

    def __getitem__(self, key: str):
        return getattr(self, key)

    def get(self, key: str, default=None):
        return getattr(self, key, default)


def filter_instances(inst, sigmas, score_thr, nms_thr, max_animals):
    """Score threshold, OKS-NMS (MMPose ``oks_nms``) and the ``max_animals`` best, on one
    frame's ``(keypoints (N, K, 2), keypoint_scores (N, K), scores (N,))``; returns the kept
    indices, best first."""
    from mmpose.evaluation.functional import oks_nms

    from ..evaluation.functional.oks import keypoint_bbox_area
    kpts, kscores, scores = inst
    keep = np.flatnonzero(scores >= score_thr)
    keep = keep[np.argsort(-scores[keep], kind='stable')]
    if nms_thr < 1 and len(keep) > 1:
        areas = np.nan_to_num(keypoint_bbox_area(kpts[keep]))
        db = [dict(keypoints=np.concatenate([kpts[i], kscores[i][:, None]], 1),
                   score=scores[i], area=max(a, 1.0)) for i, a in zip(keep, areas)]
        keep = keep[np.asarray(oks_nms(db, nms_thr, sigmas=sigmas), dtype=int)]
        keep = keep[np.argsort(-scores[keep], kind='stable')]
    if max_animals is not None:
        keep = keep[:max_animals]
    return keep


def predict_source(model, source, data_mode: Optional[str] = None, score_thr: float = 0.3,
                   nms_thr: float = 0.5, max_animals: Optional[int] = None, tracker=None,
                   keep_image: bool = False) -> Iterator[FramePrediction]:
    """Yield the predictions of every frame of ``source``, in order.

    Bottom-up (one-stage) models run through MMPose's ``inference_bottomup``; top-down ones
    through ``inference_topdown`` on the whole frame (``data_mode``, default the model's
    config's). Per frame, instances scoring below ``score_thr`` are dropped, duplicates removed
    by OKS-NMS (the dataset's sigmas, ``nms_thr``; 1 turns it off) and at most ``max_animals``
    kept; ``tracker.update`` then numbers them (the frame gap is passed as its period).

    Args:
        model (nn.Module): from ``mmpose.apis.init_model`` (``cfg`` and ``dataset_meta`` set).
        source (FrameSource): the frames.
        data_mode (str, optional): ``'bottomup'`` or ``'topdown'``.
        score_thr, nms_thr (float), max_animals (int, optional): see above.
        tracker (KeypointTracker, optional): identities across frames.
        keep_image (bool): attach each frame's pixels (for drawing).

    Yields:
        FramePrediction: one per frame.

    Raises:
        ValueError: a ``data_mode`` other than ``'bottomup'`` / ``'topdown'``; an empty or
            truncated image (from the source).
    """
    from mmpose.apis import inference_bottomup, inference_topdown
    from mmpose.structures import merge_data_samples
    data_mode = data_mode or model.cfg.get('data_mode')
    if data_mode not in ('topdown', 'bottomup'):
        raise ValueError(f"data_mode must be 'topdown' or 'bottomup' (got {data_mode!r})")
    sigmas = np.asarray(model.dataset_meta['sigmas'], dtype=np.float64)
    last = None
    for frame in source:
        if data_mode == 'bottomup':
            pred = inference_bottomup(model, frame.image)[0].pred_instances
        else:
            pred = merge_data_samples(inference_topdown(model, frame.image)).pred_instances
        kpts = np.asarray(pred.keypoints, dtype=np.float32)
        kscores = np.asarray(pred.keypoint_scores, dtype=np.float32)
        scores = np.asarray(pred.bbox_scores if 'bbox_scores' in pred else kscores.mean(1),
                            dtype=np.float32).reshape(-1)
        best = float(scores.max()) if len(scores) else float('nan')
        keep = filter_instances((kpts, kscores, scores), sigmas, score_thr, nms_thr,
                                max_animals)
        kpts, kscores, scores = kpts[keep], kscores[keep], scores[keep]
        ids = None
        if tracker is not None:
            period = 1 if last is None else max(frame.index - last, 1)
            ids = tracker.update(kpts, kscores, period=period)
        last = frame.index
        yield FramePrediction(path=frame.path, index=frame.index, kind=source.kind,
                              keypoints=kpts, keypoint_scores=kscores, scores=scores,
                              track_ids=ids, best_score=best,
                              image=frame.image if keep_image else None)


__all__ = ['FramePrediction', 'filter_instances', 'predict_source']
