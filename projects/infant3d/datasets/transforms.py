"""Input normalisation of the pose lifter."""
import numpy as np
from mmcv.transforms import BaseTransform
from mmpose.registry import TRANSFORMS


@TRANSFORMS.register_module()
class NormalizeKeypointsToBox(BaseTransform):
    """Express 2D keypoints in the person's box: ``(k - c) / (s / 2)`` with ``c`` the box
    centre and ``s`` its longer side, so a person filling the box spans about [-1, 1].

    Martinez et al. (2017) normalise pixel coordinates with one data set's mean and standard
    deviation; that does not carry over between cameras (2048 x 2048 MPI-INF-3DHP frames,
    640 x 480 MINI-RGBD frames). Box coordinates do, and the chain computes them identically
    from the detector's box at inference time.

    Required keys: ``keypoints`` ``(N, K, 2)`` pixels, ``bbox`` ``(N, 4)`` x1, y1, x2, y2
    pixels (one box per instance, or one for all). Modified keys: ``keypoints`` (unitless).
    Added keys: ``keypoints_box_center`` ``(N, 2)``, ``keypoints_box_scale`` ``(N, )``.

    Raises:
        KeyError: no ``bbox`` in the results.
        ValueError: a box with zero width and height.
    """

    def transform(self, results: dict) -> dict:
        if 'bbox' not in results:
            raise KeyError('NormalizeKeypointsToBox needs "bbox" (N, 4) in the data sample')
        kpts = np.asarray(results['keypoints'], dtype=np.float32)
        box = np.asarray(results['bbox'], dtype=np.float32).reshape(-1, 4)
        center = (box[:, :2] + box[:, 2:]) / 2
        side = np.maximum(box[:, 2] - box[:, 0], box[:, 3] - box[:, 1])
        if np.any(side <= 0):
            raise ValueError(f'NormalizeKeypointsToBox: degenerate box {box.tolist()}')
        results['keypoints'] = (kpts - center[:, None]) / (side[:, None, None] / 2)
        results['keypoints_box_center'] = center
        results['keypoints_box_scale'] = side
        return results
