"""The three-stage chain of Ellershaw et al. (2020): detector -> 2D heatmap model -> lifter."""
import time
from typing import Dict, List, Optional, Sequence

import numpy as np


class InfantPoseChain:
    """Detector (MMDetection), top-down 2D model and pose lifter (MMPose), run frame by frame.

    Each stage is built from its config and checkpoint (``None``: random weights, for tests
    and speed figures). The detector's best box of class ``det_cat_id`` (COCO's person = 0;
    a one-class infant detector = 0) with score >= ``bbox_thr`` crops the 2D model's input; the
    2D keypoints, expressed in that box by the lifter's own test pipeline
    (``NormalizeKeypointsToBox``), are lifted to 3D. Without a detection the frame gets
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

    Frame result (:meth:`__call__`): ``bbox`` ``[x1, y1, x2, y2]`` pixels, ``bbox_score``,
    ``keypoints_2d`` ``(16, 2)`` pixels, ``scores_2d`` ``(16, )`` (heatmap maxima),
    ``keypoints_3d`` ``(16, 3)`` mm relative to the pelvis (camera axes: x right, y down, z
    away from the camera, as in the training data), ``time`` (seconds per stage).
    """

    def __init__(self, det_config, det_checkpoint: Optional[str], pose2d_config,
                 pose2d_checkpoint: Optional[str], lifter_config,
                 lifter_checkpoint: Optional[str], device: str = 'cpu', det_cat_id: int = 0,
                 bbox_thr: float = 0.3, fallback_full_image: bool = False) -> None:
        import projects.infant3d  # noqa: F401  (registers the lifter's transform)
        from mmdet.apis import init_detector
        from mmengine.dataset import Compose
        from mmengine.registry import DefaultScope
        from mmpose.apis import init_model
        with DefaultScope.overwrite_default_scope('mmdet'):
            self.detector = init_detector(det_config, det_checkpoint, device=device)
        self.pose2d = init_model(pose2d_config, pose2d_checkpoint, device=device)
        self.lifter = init_model(lifter_config, lifter_checkpoint, device=device)
        with DefaultScope.overwrite_default_scope('mmpose'):
            self.lift_pipeline = Compose(self.lifter.cfg.test_dataloader.dataset.pipeline)
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
        pixels and their box ``(4, )``, through the lifter's test pipeline."""
        import torch
        from mmengine.dataset import pseudo_collate
        from mmengine.registry import DefaultScope
        k = self.num_keypoints
        info = dict(keypoints=keypoints_2d[None].astype(np.float32),
                    keypoints_visible=np.ones((1, k), np.float32),
                    bbox=np.asarray(box[:4], np.float32)[None],
                    lifting_target=np.zeros((1, k, 3), np.float32),
                    lifting_target_visible=np.ones((1, k), np.float32),
                    target_img_path=np.array(['']), id=0, category_id=1,
                    flip_indices=self.lifter.dataset_meta.get('flip_indices'))
        with DefaultScope.overwrite_default_scope('mmpose'):
            batch = pseudo_collate([self.lift_pipeline(info)])
        with torch.no_grad():
            out = self.lifter.test_step(batch)[0]
        kp = np.asarray(out.pred_instances.keypoints, np.float32).reshape(-1, k, 3)[-1]
        # the network also outputs the root (trained towards 0): make it exactly the origin
        return (kp - kp[self.root_index]) * self.unit_scale

    def __call__(self, img: np.ndarray) -> Dict:
        """Run the chain on one BGR frame ``(H, W, 3)`` uint8; see the class docstring."""
        t = [time.perf_counter()]
        box = self.detect(img)
        t.append(time.perf_counter())
        frame = dict(bbox=None, bbox_score=None, keypoints_2d=None, scores_2d=None,
                     keypoints_3d=None)
        if box is not None:
            kp2d, sc2d = self.estimate_2d(img, box)
            t.append(time.perf_counter())
            kp3d = self.lift(kp2d, box)
            t.append(time.perf_counter())
            frame.update(bbox=box[:4].tolist(), bbox_score=float(box[4]),
                         keypoints_2d=kp2d.tolist(), scores_2d=sc2d.tolist(),
                         keypoints_3d=kp3d.tolist())
        else:
            t += [t[-1], t[-1]]
        frame['time'] = dict(detection=t[1] - t[0], pose2d=t[2] - t[1], lifting=t[3] - t[2])
        return frame


def frames_to_rows(frames: Sequence[Dict], joint_names: Sequence[str]) -> List[List]:
    """CSV rows, one per frame: ``frame, image, bbox x1 y1 x2 y2, bbox_score``, then per joint
    ``<name>_x, <name>_y, <name>_score`` (pixels) and ``<name>_X, <name>_Y, <name>_Z`` (mm,
    pelvis-relative); empty cells where nothing was detected."""
    header = ['frame', 'image', 'x1', 'y1', 'x2', 'y2', 'bbox_score']
    header += [f'{n}_{a}' for n in joint_names for a in ('x', 'y', 'score')]
    header += [f'{n}_{a}' for n in joint_names for a in ('X', 'Y', 'Z')]
    rows = [header]
    k = len(joint_names)
    for fr in frames:
        row = [fr['frame'], fr['image']]
        if fr.get('bbox') is None:
            rows.append(row + [''] * (len(header) - 2))
            continue
        row += [round(v, 2) for v in fr['bbox']] + [round(fr['bbox_score'], 4)]
        kp, sc = np.asarray(fr['keypoints_2d']), np.asarray(fr['scores_2d'])
        row += [v for j in range(k) for v in (round(kp[j, 0], 2), round(kp[j, 1], 2),
                                              round(sc[j], 4))]
        row += [round(v, 2) for v in np.asarray(fr['keypoints_3d']).reshape(-1)]
        rows.append(row)
    return rows
