"""SemiMultiPose head: DirectPose plus the fusion losses of section 3.3 (eqs. 8-10)."""
from typing import Dict, Optional, Sequence, Tuple

from torch import Tensor

from mmpose.registry import MODELS
from mmpose.utils.typing import ConfigType

from ..utils import pseudo_keypoints, render_pseudo_heatmaps
from .directpose_head import DirectPoseHead


@MODELS.register_module()
class SemiMultiPoseHead(DirectPoseHead):
    r"""DirectPose's head with SemiMultiPose's fusion of B1 and B3 (Blau et al., section 3.3).

    The fusion loss (eq. 9) is ``L_f = FocalLoss_v(sigmoid(heatmaps), G~)``: pseudo keypoints
    ``y = (D + M)(s)`` are read where ``sigmoid(box_heatmaps) > delta`` with confidences ``v`` (eq. 8, see
    :func:`~projects.semimultipose.models.utils.pseudo_keypoints`), rendered into the soft target
    ``G~`` (:func:`~projects.semimultipose.models.utils.render_pseudo_heatmaps`), and B1's logits
    ``heatmaps`` (A in the paper; B is ``box_heatmaps``, D is ``offsets``) are pulled towards it
    with the score-weighted focal loss. Its gradient reaches B1 through ``heatmaps`` and B3
    through ``y``; none reaches B2 (``s`` and ``v`` are detached).

    Training minimises eq. 10, ``L_a + L_b + L_d + alpha * L_fl + beta * L_fu``: ``L_fl`` is the
    fusion loss on labeled frames (in :meth:`loss`, through :meth:`labeled_extra_losses`),
    ``L_fu`` on unlabeled frames (in
    :meth:`unlabeled_loss`). ``alpha`` and ``beta`` are attributes, 0 until the
    :class:`~projects.semimultipose.engine.SemiMultiPoseHook` switches them on.

    When a batch yields no pseudo keypoint, G~ is all zeros and ``L_f`` would push every cell
    of ``heatmaps`` towards 0 with the positive-count normaliser clamped at 1 (about 100 times the
    gradient of ``L_a``); the fusion loss is then 0 (a guard; the paper does not say).

    Args:
        delta (float): threshold on sigmoid(box_heatmaps) for pseudo keypoints (paper: 0.05).
        fusion_shape (str): shape of G~, ``'window'`` (G's window valued v, the default) or
            ``'gaussian'`` (see :func:`render_pseudo_heatmaps`).
        fusion_sigma (float): width of the Gaussian of G~, in cells (``'gaussian'``).
        fusion_radius (int, optional): window half-width (``'window'``; default: the codec's
            ``keypoint_radius``, so G~ has G's size) or rendered half-size (``'gaussian'``;
            default 2), in cells.
        pseudo_peak_kernel (int, optional): keep only pseudo keypoints at local maxima of B2
            (see :func:`pseudo_keypoints`); ``None``: the paper's rule.
        loss_fusion (dict): the score-weighted focal loss (gamma = 2, kappa = 0.25).
        **kwargs: the arguments of :class:`DirectPoseHead`.
    """

    def __init__(self, delta: float = 0.05, fusion_shape: str = 'window',
                 fusion_sigma: float = 1.0, fusion_radius: Optional[int] = None,
                 pseudo_peak_kernel: Optional[int] = None,
                 loss_fusion: ConfigType = dict(type='DirectPoseFocalLoss'), **kwargs) -> None:
        super().__init__(**kwargs)
        if fusion_shape not in ('window', 'gaussian'):
            raise ValueError(f"fusion_shape must be 'window' or 'gaussian', got {fusion_shape!r}")
        self.delta = delta
        self.fusion_shape = fusion_shape
        self.fusion_sigma = fusion_sigma
        if fusion_radius is None:
            fusion_radius = getattr(self.decoder, 'keypoint_radius', 1) \
                if fusion_shape == 'window' else 2
        self.fusion_radius = fusion_radius
        self.pseudo_peak_kernel = pseudo_peak_kernel
        self.loss_fusion = MODELS.build(loss_fusion)
        self.alpha = 0.0
        self.beta = 0.0

    @property
    def offset_scale(self) -> float:
        return self.decoder.offset_scale if self.decoder is not None else 1.0

    def fusion_loss(self, outputs: Tuple[Tensor, Tensor, Tensor]) -> Tensor:
        """Eq. 9 for outputs ``(heatmaps, box_heatmaps, offsets)`` of :meth:`forward`; a
        scalar. When ``heatmaps`` are on a grid ``f`` times finer than the other two (the
        codec's ``keypoint_heatmap_scale``), the pseudo keypoints are scaled to its cells (cell
        coordinates are input pixels / stride), and ``fusion_sigma`` and ``fusion_radius`` are
        in those cells."""
        heatmaps, box_heatmaps, offsets = outputs
        points = pseudo_keypoints(box_heatmaps, offsets, self.delta, self.offset_scale,
                                  self.pseudo_peak_kernel)
        if points.xy.shape[0] == 0:  # no target at all: no signal (see the class docstring)
            return heatmaps.sum() * 0.0 + offsets.sum() * 0.0
        f = self.keypoint_heatmap_scale
        if f != 1:  # B1 on a finer grid (the codec's keypoint_heatmap_scale): B1 cells
            points = points._replace(loc=points.loc * f, xy=points.xy * f)
        target = render_pseudo_heatmaps(points, heatmaps.shape, self.fusion_sigma,
                                        self.fusion_radius, self.fusion_shape)
        return self.loss_fusion(heatmaps, target)

    def labeled_extra_losses(self, outputs: Tuple[Tensor, Tensor, Tensor]) -> Dict[str, Tensor]:
        """``alpha * L_fl`` on labeled frames when ``alpha > 0`` (added to eq. 7 by ``loss``)."""
        if self.alpha <= 0:
            return {}
        return dict(loss_fl=self.alpha * self.fusion_loss(outputs))

    def unlabeled_loss(self, feats: Sequence[Tensor]) -> Dict[str, Tensor]:
        """``beta * L_fu`` on unlabeled frames (empty when ``beta == 0``)."""
        if self.beta <= 0:
            return {}
        return dict(loss_fu=self.beta * self.fusion_loss(self.forward(feats)))
