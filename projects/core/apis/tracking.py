"""Identities across video frames for multi-animal predictions (norfair's tracker)."""
from typing import Optional

import numpy as np


class KeypointTracker:
    """Track ids for the instances of successive frames with norfair's ``Tracker``.

    norfair (Tryolabs) keeps one Kalman-filtered track per animal and matches each frame's
    instances to the tracks by a distance between keypoint sets; here the root-mean-square
    distance of the ``K`` keypoints, in pixels (norfair's vectorised ``'euclidean'`` distance
    on the flattened ``(K, 2)`` points is ``sqrt(K)`` times it, so its threshold is
    ``distance_threshold * sqrt(K)``). A keypoint scoring below ``keypoint_thr`` takes the
    mean of its instance's other keypoints and does not update the track's filter. A track
    survives ``hit_counter_max`` frames without a match; a new instance gets an id at once
    (``initialization_delay=0``).

    Args:
        distance_threshold (float): largest RMS keypoint distance (pixels) of a match.
        hit_counter_max (int): frames a track lives without a match.
        keypoint_thr (float): keypoint score below which a keypoint is ignored.
        past_detections_length (int): detections a track remembers (norfair's re-matching).

    Raises:
        ImportError: norfair is not installed (``pip install norfair``).
    """

    def __init__(self, distance_threshold: float = 50.0, hit_counter_max: int = 15,
                 keypoint_thr: float = 0.1, past_detections_length: int = 4) -> None:
        try:
            import norfair  # noqa: F401
        except ImportError:  # pragma: no cover - dependency of requirements/runtime.txt
            raise ImportError('tracking needs norfair: pip install norfair') from None
        self.keypoint_thr = keypoint_thr
        self._args = dict(distance_threshold=distance_threshold,
                          hit_counter_max=hit_counter_max, initialization_delay=0,
                          detection_threshold=keypoint_thr,
                          past_detections_length=past_detections_length)
        self._tracker = None  # built at the first frame, when K is known

    def _build(self, num_keypoints: int):
        from norfair import Tracker
        args = dict(self._args)
        args['distance_threshold'] *= float(np.sqrt(num_keypoints))
        return Tracker(distance_function='euclidean', **args)

    def update(self, keypoints: np.ndarray, keypoint_scores: Optional[np.ndarray] = None,
               period: int = 1) -> np.ndarray:
        """Match one frame's instances to the tracks.

        Args:
            keypoints (np.ndarray): ``(N, K, 2)`` keypoints in image pixels.
            keypoint_scores (np.ndarray, optional): ``(N, K)``; default all ones.
            period (int): frames since the previous call (skipped frames age the tracks).

        Returns:
            np.ndarray: ``(N,)`` int track ids (>= 1), in the order of ``keypoints``.
        """
        from norfair import Detection
        keypoints = np.asarray(keypoints, dtype=np.float64).reshape(-1, *np.shape(keypoints)[-2:]) \
            if len(keypoints) else np.zeros((0, 1, 2))
        n = len(keypoints)
        scores = np.ones(keypoints.shape[:2]) if keypoint_scores is None else \
            np.asarray(keypoint_scores, dtype=np.float64).reshape(keypoints.shape[:2])
        dets = []
        for i in range(n):
            ok = scores[i] > self.keypoint_thr
            if not ok.any():  # nothing to match on: keep the instance, without a track
                continue
            # keypoints below the threshold take the mean of the others (norfair needs
            # every point; scores below detection_threshold leave the filter alone)
            pts = np.where(ok[:, None], keypoints[i], keypoints[i][ok].mean(0))
            dets.append(Detection(points=pts, scores=np.where(ok, scores[i], 0.0), data=i))
        if self._tracker is None:
            if not dets:
                return ids_none(n)
            self._tracker = self._build(keypoints.shape[1])
        tracked = self._tracker.update(detections=dets, period=period)
        ids = ids_none(n)
        current = {id(d): d.data for d in dets}
        for obj in tracked:
            det = obj.last_detection
            if det is not None and id(det) in current:
                ids[current[id(det)]] = obj.id
        return ids


def ids_none(n: int) -> np.ndarray:
    """``(n,)`` ids of instances without a track (-1)."""
    return np.full(n, -1, dtype=np.int64)
