"""The paper's whole-image setting as an MMPose transform."""
import numpy as np
from mmcv.transforms import BaseTransform

from mmpose.registry import TRANSFORMS


@TRANSFORMS.register_module()
class WholeImageBBox(BaseTransform):
    """Replace each instance's box by the whole image, ``[0, 0, w, h]`` (pixels, xyxy).

    Scott et al. 2024 (section 2.1) feed each MPII image whole, resized to a width of 640 with
    its aspect kept. In MMPose's top-down pipeline that is ``LoadImage``, this transform,
    ``GetBBoxCenterScale(padding=1.0)`` and ``TopdownAffine(input_size=(640, H))``: the affine
    keeps the aspect ratio (it enlarges the box to the input's aspect), so the image is scaled
    to fit ``640 x H`` and padded. Predictions are mapped back to the original pixels as usual.

    MMPose's ``MpiiDataset`` gives each sample MPII's person box as ``bbox_center`` /
    ``bbox_scale`` too, and ``GetBBoxCenterScale`` prefers those over ``bbox``: they are removed,
    so that the whole image, not the person, is what the next transforms see.

    Required keys: ``img_shape`` (after ``LoadImage``), ``bbox`` ``(N, 4)``.
    Modified keys: ``bbox``. Removed keys: ``bbox_center``, ``bbox_scale``.
    """

    def transform(self, results: dict) -> dict:
        h, w = results['img_shape'][:2]
        n = len(results['bbox']) if results.get('bbox') is not None else 1
        results['bbox'] = np.tile(np.array([[0, 0, w, h]], dtype=np.float32), (n, 1))
        results.pop('bbox_center', None)
        results.pop('bbox_scale', None)
        return results
