"""Predict poses frame by frame: the library API behind ``tools/predict.py``.

:func:`predict_source` runs a model (``mmpose.apis.init_model``) over a
:class:`~projects.core.apis.FrameSource` (an image, a folder of images or a video) through
MMPose's inference API and yields one :class:`FramePrediction` per frame: instances filtered
by score, OKS-NMS and count (:func:`filter_instances`), and tracked when a
:class:`~projects.core.apis.KeypointTracker` is given. Writers
(:func:`~projects.core.apis.build_labels`, :func:`~projects.core.apis.save_predictions`) take
the records as they come. With ``batch_size`` > 1 a bottom-up model runs N frames per forward
pass; a :class:`StageTimer` records where the time goes.
"""
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional

import numpy as np

STAGES = ('read', 'resize', 'network', 'grouping', 'tracking', 'writing')


class StageTimer:
    """Wall-clock seconds per stage of prediction, summed over frames.

    Stages (:data:`STAGES`): ``read`` (decoding a video frame or an image file), ``resize``
    (the config's test pipeline and the data preprocessor: resize, pad, normalise, batch),
    ``network`` (backbone, neck and the head's forward pass), ``grouping`` (the head's decoding
    of its outputs into instances, e.g. DirectPose's box-heatmap peaks and offsets with B1
    refinement, the rescaling to frame pixels, the score threshold and OKS-NMS), ``tracking``
    and ``writing`` (the caller's: overlays and label files).

    Attributes:
        seconds (dict): stage -> seconds. ``frames`` (int): frames counted.
    """

    def __init__(self) -> None:
        self.seconds: Dict[str, float] = {k: 0.0 for k in STAGES}
        self.frames = 0

    @contextmanager
    def stage(self, name: str):
        """Add the time spent in the ``with`` block to ``name``.

        Raises:
            KeyError: ``name`` is not one of :data:`STAGES`.
        """
        if name not in self.seconds:
            raise KeyError(f'unknown stage {name!r}; expected one of {STAGES}')
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - t0

    def add(self, name: str, seconds: float) -> None:
        """Add ``seconds`` to stage ``name``."""
        if name not in self.seconds:
            raise KeyError(f'unknown stage {name!r}; expected one of {STAGES}')
        self.seconds[name] += seconds

    def per_frame_ms(self) -> Dict[str, float]:
        """Milliseconds per frame of each stage (NaN before any frame)."""
        n = self.frames or float('nan')
        return {k: 1e3 * v / n for k, v in self.seconds.items()}

    def summary(self) -> str:
        """One line: ``read 12.3 ms, resize ...`` per frame, and the share of each stage."""
        total = sum(self.seconds.values()) or float('nan')
        ms = self.per_frame_ms()
        return ', '.join(f'{k} {ms[k]:.1f} ms ({100 * self.seconds[k] / total:.0f} %)'
                         for k in STAGES) + f' per frame over {self.frames} frames'


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
                   keep_image: bool = False, batch_size: int = 1,
                   timer: Optional[StageTimer] = None,
                   prefetch: int = 0) -> Iterator[FramePrediction]:
    """Yield the predictions of every frame of ``source``, in order.

    Bottom-up (one-stage) models run through MMPose's ``inference_bottomup``; top-down ones
    through ``inference_topdown`` on the whole frame (``data_mode``, default the model's
    config's). Per frame, instances scoring below ``score_thr`` are dropped, duplicates removed
    by OKS-NMS (the dataset's sigmas, ``nms_thr``; 1 turns it off) and at most ``max_animals``
    kept; ``tracker.update`` then numbers them (the frame gap is passed as its period).

    With ``batch_size`` N > 1 (bottom-up models), N frames go through the test pipeline, are
    stacked and run by one ``model.test_step``, as MMPose's ``inference_bottomup`` runs one;
    records still come one per frame, in order, and equal batch 1's up to floating-point
    summation order (N frames are held in memory at a time).

    Args:
        model (nn.Module): from ``mmpose.apis.init_model`` (``cfg`` and ``dataset_meta`` set).
        source (FrameSource): the frames.
        data_mode (str, optional): ``'bottomup'`` or ``'topdown'``.
        score_thr, nms_thr (float), max_animals (int, optional): see above.
        tracker (KeypointTracker, optional): identities across frames.
        keep_image (bool): attach each frame's pixels (for drawing).
        batch_size (int): frames per forward pass (bottom-up only).
        timer (StageTimer, optional): receives the seconds of each stage and the frame count.
        prefetch (int): frames decoded ahead by a background thread while the model runs (0:
            none); ``read`` then counts only the time the loop waits for a frame.

    Yields:
        FramePrediction: one per frame.

    Raises:
        ValueError: a ``data_mode`` other than ``'bottomup'`` / ``'topdown'``; ``batch_size``
            < 1, or > 1 with a top-down model; an empty or truncated image (from the source).
    """
    from mmpose.apis import inference_topdown
    from mmpose.structures import merge_data_samples
    data_mode = data_mode or model.cfg.get('data_mode')
    if data_mode not in ('topdown', 'bottomup'):
        raise ValueError(f"data_mode must be 'topdown' or 'bottomup' (got {data_mode!r})")
    if int(batch_size) != batch_size or batch_size < 1:
        raise ValueError(f'batch_size must be a positive integer (got {batch_size!r})')
    if batch_size > 1 and data_mode != 'bottomup':
        raise ValueError('batch_size > 1 needs a bottom-up (one-stage) model; a top-down model '
                         'runs each frame on its own')
    timer = timer or StageTimer()
    sigmas = np.asarray(model.dataset_meta['sigmas'], dtype=np.float64)
    if data_mode == 'bottomup':
        from mmengine.dataset import Compose
        pipeline = Compose(model.cfg.test_dataloader.dataset.pipeline)
    last = None
    frames_in = _prefetched(source, prefetch) if prefetch > 0 else source
    for frames in _batches(frames_in, batch_size, timer):
        if data_mode == 'bottomup':
            preds = _bottomup_step(model, pipeline, [f.image for f in frames], timer)
        else:
            t0 = time.perf_counter()
            preds = [merge_data_samples(inference_topdown(model, frames[0].image)
                                        ).pred_instances]
            timer.add('network', time.perf_counter() - t0)
        for frame, pred in zip(frames, preds):
            with timer.stage('grouping'):
                kpts = np.asarray(pred.keypoints, dtype=np.float32)
                kscores = np.asarray(pred.keypoint_scores, dtype=np.float32)
                scores = np.asarray(pred.bbox_scores if 'bbox_scores' in pred else
                                    kscores.mean(1), dtype=np.float32).reshape(-1)
                best = float(scores.max()) if len(scores) else float('nan')
                keep = filter_instances((kpts, kscores, scores), sigmas, score_thr, nms_thr,
                                        max_animals)
                kpts, kscores, scores = kpts[keep], kscores[keep], scores[keep]
            ids = None
            if tracker is not None:
                with timer.stage('tracking'):
                    period = 1 if last is None else max(frame.index - last, 1)
                    ids = tracker.update(kpts, kscores, period=period)
            last = frame.index
            timer.frames += 1
            yield FramePrediction(path=frame.path, index=frame.index, kind=source.kind,
                                  keypoints=kpts, keypoint_scores=kscores, scores=scores,
                                  track_ids=ids, best_score=best,
                                  image=frame.image if keep_image else None)


def _prefetched(source, depth: int) -> Iterator:
    """The frames of ``source``, decoded by a background thread up to ``depth`` frames ahead
    (OpenCV's decoders release the GIL); an error of the reader is raised here, in order."""
    import queue
    import threading
    items: 'queue.Queue' = queue.Queue(maxsize=depth)
    done = object()
    stop = threading.Event()

    def read():
        try:
            for frame in source:
                while not stop.is_set():
                    try:
                        items.put(frame, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
        except BaseException as e:  # noqa: BLE001 - handed to the consumer
            items.put(e)
        items.put(done)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    try:
        while True:
            item = items.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:  # the consumer stopped early or failed: let the reader end
        stop.set()


def _batches(source, batch_size: int, timer: StageTimer) -> Iterator[List]:
    """The source's frames in lists of ``batch_size`` (the last may be shorter); the time
    spent reading them goes to ``timer``'s ``read``."""
    it = iter(source)
    while True:
        chunk = []
        with timer.stage('read'):
            for frame in it:
                chunk.append(frame)
                if len(chunk) == batch_size:
                    break
        if not chunk:
            return
        yield chunk


def _bottomup_step(model, pipeline, images: List[np.ndarray], timer: StageTimer) -> List:
    """MMPose's ``inference_bottomup`` for a list of frames: the config's test pipeline on each
    (BGR ``(H, W, 3)`` arrays), one ``model.test_step`` on the stacked batch; returns each
    frame's ``pred_instances`` in frame pixels. The step's time is split into resize (the data
    preprocessor), network (up to the end of the head's forward pass) and grouping (the rest).
    """
    import torch
    from mmengine.dataset import pseudo_collate
    with timer.stage('resize'):
        data = [pipeline(dict(img=img, **model.dataset_meta)) for img in images]
        batch = pseudo_collate(data)
    marks = {}
    with _marked(model, marks), torch.no_grad():
        t0 = time.perf_counter()
        results = model.test_step(batch)
        t1 = time.perf_counter()
    pre = marks.get('preprocessed', t0)
    net = marks.get('network', pre)
    timer.add('resize', pre - t0)
    timer.add('network', net - pre)
    timer.add('grouping', t1 - net)
    return [r.pred_instances for r in results]


@contextmanager
def _marked(model, marks: Dict[str, float]):
    """Record when the data preprocessor and the head's forward pass end (``marks``), without
    changing what they compute: a forward hook on the preprocessor, and a wrapper of the head's
    ``forward`` (MMPose heads call ``self.forward`` inside ``predict``, which hooks miss)."""
    handle = model.data_preprocessor.register_forward_hook(
        lambda *_: marks.__setitem__('preprocessed', time.perf_counter()))
    head = getattr(model, 'head', None)
    forward = head.forward if head is not None else None
    # an instance's own forward (the onnxruntime backend's) is put back, not deleted
    own = head is not None and 'forward' in vars(head)

    def timed_forward(*args, **kwargs):
        out = forward(*args, **kwargs)
        marks['network'] = time.perf_counter()
        return out

    if head is not None:
        head.forward = timed_forward
    try:
        yield
    finally:
        handle.remove()
        if own:
            head.forward = forward
        elif head is not None:
            del head.forward


__all__ = ['FramePrediction', 'STAGES', 'StageTimer', 'filter_instances', 'predict_source']
