"""The three-stage chain of Ellershaw et al. (2020): detector -> 2D heatmap model -> lifter."""
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

import numpy as np


@dataclass
class FramePose:
    """What the chain found in one frame; arrays stay arrays until the result file is written.

    Attributes:
        frame (int): index in the source (0-based).
        image (str): the image path, or ``<video>#<index>``.
        bbox (np.ndarray, optional): ``(4, )`` x1, y1, x2, y2 in pixels; None when nothing was
            detected (then every keypoint field is None too).
        bbox_score (float, optional): the detector's score.
        keypoints_2d (np.ndarray, optional): ``(K, 2)`` pixels, image frame.
        scores_2d (np.ndarray, optional): ``(K, )`` heatmap maxima.
        keypoints_3d (np.ndarray, optional): ``(K, 3)`` mm relative to the pelvis (camera
            axes: x right, y down, z away from the camera).
        time (dict): seconds per stage (``detection``, ``pose2d``, ``lifting``).
    """
    frame: int = 0
    image: str = ''
    bbox: Optional[np.ndarray] = None
    bbox_score: Optional[float] = None
    keypoints_2d: Optional[np.ndarray] = None
    scores_2d: Optional[np.ndarray] = None
    keypoints_3d: Optional[np.ndarray] = None
    time: Dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """JSON-ready (lists and floats), the ``frames`` entries of
        :mod:`projects.infant3d.datasets.prediction_file`."""
        def plain(v):
            return v.tolist() if isinstance(v, np.ndarray) else v
        return dict(frame=self.frame, image=self.image, bbox=plain(self.bbox),
                    bbox_score=self.bbox_score, keypoints_2d=plain(self.keypoints_2d),
                    scores_2d=plain(self.scores_2d), keypoints_3d=plain(self.keypoints_3d),
                    time=dict(self.time))


#: The configs of the chain's three stages, relative to the repository root (the tools run
#: from it, as MMPose's do): the Ellershaw et al. (2020) chain as PoseBridge ships it.
CHAIN_CONFIGS = dict(
    det='configs/infant3d/faster-rcnn_r50_fpn_1x_coco-person.py',
    pose2d='configs/infant3d/td-hm_res50_mpii-ft_8xb32-40e_mini-rgbd-256x256.py',
    lifter='configs/infant3d/image-pose-lift_tcn_3dhp-ft_8xb64-100e_mini-rgbd.py')


class InfantPoseChain:
    """Detector (MMDetection), top-down 2D model and pose lifter (MMPose), run frame by frame.

    Each stage is built from its config and checkpoint (``None``: random weights, for tests
    and speed figures). The detector's best box of class ``det_cat_id`` (COCO's person = 0;
    a one-class infant detector = 0) with score >= ``bbox_thr`` crops the 2D model's input; the
    2D keypoints, expressed in that box by the lifter's ``NormalizeKeypointsToBox`` (the
    training transform, see :func:`take_box_normalisation`), are lifted to 3D by MMPose's
    ``inference_pose_lifter_model``. Without a detection the frame gets
    ``bbox=None`` and no keypoints, unless ``fallback_full_image`` (then the whole frame is the
    box).

    Args:
        det_config, det_checkpoint: MMDetection detector.
        pose2d_config, pose2d_checkpoint: MMPose top-down model (MPII-16).
        lifter_config, lifter_checkpoint: MMPose ``PoseLifter`` (MPII-16 in and out, root-relative
            metres out).
        device (str): ``'cpu'`` or ``'cuda:0'``.
        det_cat_id (int): class kept from the detector.
        bbox_thr (float): minimum detection score.
        fallback_full_image (bool): use the whole frame when nothing is detected.

    Frame result (:meth:`__call__`): a :class:`FramePose` (box in pixels, 2D keypoints in
    pixels, 3D keypoints in mm relative to the pelvis, seconds per stage).
    """

    def __init__(self, det_config, det_checkpoint: Optional[str], pose2d_config,
                 pose2d_checkpoint: Optional[str], lifter_config,
                 lifter_checkpoint: Optional[str], device: str = 'cpu', det_cat_id: int = 0,
                 bbox_thr: float = 0.3, fallback_full_image: bool = False) -> None:
        import projects.infant3d  # noqa: F401  (registers the lifter's transform)
        from mmdet.apis import init_detector
        from mmengine.registry import DefaultScope
        from mmpose.apis import init_model
        with DefaultScope.overwrite_default_scope('mmdet'):
            self.detector = init_detector(det_config, det_checkpoint, device=device)
        self.pose2d = init_model(pose2d_config, pose2d_checkpoint, device=device)
        self.lifter = init_model(lifter_config, lifter_checkpoint, device=device)
        self.box_normalisation = take_box_normalisation(self.lifter)
        self.det_cat_id = det_cat_id
        self.bbox_thr = bbox_thr
        self.fallback_full_image = fallback_full_image
        self.num_keypoints = self.pose2d.dataset_meta['num_keypoints']
        self.unit_scale = 1000.  # the lifter predicts metres
        self.root_index = int(self.lifter.cfg.codec.get('root_index', 6))

    def detect(self, img: np.ndarray) -> Optional[np.ndarray]:
        """Best box ``(5, )`` x1, y1, x2, y2, score (pixels) of the wanted class, or None."""
        from mmdet.apis import inference_detector
        from mmengine.registry import DefaultScope
        with DefaultScope.overwrite_default_scope('mmdet'):
            det = inference_detector(self.detector, img).pred_instances.cpu().numpy()
        keep = (det.labels == self.det_cat_id) & (det.scores >= self.bbox_thr)
        if not keep.any():
            if not self.fallback_full_image:
                return None
            h, w = img.shape[:2]
            return np.array([0, 0, w - 1, h - 1, 0.], np.float32)
        i = np.flatnonzero(keep)[np.argmax(det.scores[keep])]
        return np.concatenate([det.bboxes[i], det.scores[i:i + 1]]).astype(np.float32)

    def estimate_2d(self, img: np.ndarray, box: np.ndarray):
        """2D keypoints ``(K, 2)`` pixels and scores ``(K, )`` in one box."""
        from mmengine.registry import DefaultScope
        from mmpose.apis import inference_topdown
        with DefaultScope.overwrite_default_scope('mmpose'):
            res = inference_topdown(self.pose2d, img, bboxes=box[None, :4],
                                    bbox_format='xyxy')[0]
        return (res.pred_instances.keypoints[0].astype(np.float32),
                res.pred_instances.keypoint_scores[0].astype(np.float32))

    def lift(self, keypoints_2d: np.ndarray, box: np.ndarray) -> np.ndarray:
        """3D keypoints ``(K, 3)`` in mm relative to the root from 2D keypoints ``(K, 2)``
        pixels and their box ``(4, )`` x1, y1, x2, y2 pixels, by MMPose's
        ``inference_pose_lifter_model`` (one frame, one instance).

        Raises:
            ValueError: a box with zero width and height (from ``NormalizeKeypointsToBox``).
        """
        from mmengine.structures import InstanceData
        from mmpose.apis import inference_pose_lifter_model
        from mmpose.structures import PoseDataSample
        box = np.asarray(box[:4], np.float32)[None]
        keypoints = np.asarray(keypoints_2d, np.float32)[None]
        if self.box_normalisation is not None:
            keypoints = self.box_normalisation(dict(keypoints=keypoints, bbox=box))['keypoints']
        sample = PoseDataSample(track_id=0, gt_instances=InstanceData(),
                                pred_instances=InstanceData(keypoints=keypoints, bboxes=box))
        out = inference_pose_lifter_model(self.lifter, [[sample]], with_track_id=False)[0]
        kp = np.asarray(out.pred_instances.keypoints, np.float32)
        kp = kp.reshape(-1, self.num_keypoints, 3)[-1]
        # the network also outputs the root (trained towards 0): make it exactly the origin
        return (kp - kp[self.root_index]) * self.unit_scale

    def __call__(self, img: np.ndarray, frame: int = 0, image: str = '') -> FramePose:
        """Run the chain on one BGR frame ``(H, W, 3)`` uint8; see the class docstring."""
        t = [time.perf_counter()]
        box = self.detect(img)
        t.append(time.perf_counter())
        result = FramePose(frame=frame, image=image)
        if box is not None:
            kp2d, sc2d = self.estimate_2d(img, box)
            t.append(time.perf_counter())
            kp3d = self.lift(kp2d, box)
            t.append(time.perf_counter())
            result.bbox, result.bbox_score = box[:4].copy(), float(box[4])
            result.keypoints_2d, result.scores_2d, result.keypoints_3d = kp2d, sc2d, kp3d
        else:
            t += [t[-1], t[-1]]
        result.time = dict(detection=t[1] - t[0], pose2d=t[2] - t[1], lifting=t[3] - t[2])
        return result


def take_box_normalisation(lifter):
    """Take :class:`~projects.infant3d.datasets.NormalizeKeypointsToBox` out of ``lifter``'s test
    pipeline, for MMPose's ``inference_pose_lifter_model``.

    MMPose's inference builds the lifter's input from 2D keypoints alone (no box reaches the
    pipeline), so the chain applies the box normalisation ``(k - c) / (s / 2)`` itself with the
    same transform, then lets MMPose do the rest. (MMPose's own ``norm_pose_2d`` with
    ``stats_info`` centre 0 and scale 2 is the same formula but returns float64 keypoints,
    which the float32 lifter rejects.) Training configs are untouched.

    Args:
        lifter: an MMPose ``PoseLifter`` from ``init_model``; its ``cfg`` is edited in place.

    Returns:
        NormalizeKeypointsToBox or None: the transform the pipeline held (None: the lifter
        takes keypoints as they are).
    """
    from ..datasets import NormalizeKeypointsToBox
    pipeline = lifter.cfg.test_dataloader.dataset.pipeline
    kept = [t for t in pipeline if t.get('type') != 'NormalizeKeypointsToBox']
    if len(kept) == len(pipeline):
        return None
    lifter.cfg.test_dataloader.dataset.pipeline = kept
    return NormalizeKeypointsToBox()


def frames_to_rows(frames: Sequence[FramePose], joint_names: Sequence[str]) -> List[List]:
    """CSV rows, one per frame: ``frame, image, bbox x1 y1 x2 y2, bbox_score``, then per joint
    ``<name>_x, <name>_y, <name>_score`` (pixels) and ``<name>_X, <name>_Y, <name>_Z`` (mm,
    pelvis-relative); empty cells where nothing was detected."""
    header = ['frame', 'image', 'x1', 'y1', 'x2', 'y2', 'bbox_score']
    header += [f'{n}_{a}' for n in joint_names for a in ('x', 'y', 'score')]
    header += [f'{n}_{a}' for n in joint_names for a in ('X', 'Y', 'Z')]
    rows = [header]
    for fr in frames:
        row = [fr.frame, fr.image]
        if fr.bbox is None:
            rows.append(row + [''] * (len(header) - 2))
            continue
        per_joint = np.concatenate([fr.keypoints_2d, fr.scores_2d[:, None]], axis=1)
        row += [round(float(v), 2) for v in fr.bbox] + [round(fr.bbox_score, 4)]
        row += [round(float(v), 4 if i % 3 == 2 else 2)
                for i, v in enumerate(per_joint.reshape(-1))]
        row += [round(float(v), 2) for v in fr.keypoints_3d.reshape(-1)]
        rows.append(row)
    return rows
