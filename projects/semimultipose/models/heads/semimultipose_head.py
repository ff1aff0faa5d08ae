"""SemiMultiPose head: DirectPose plus the fusion losses of section 3.3 (eqs. 8-10)."""
from typing import Dict, Sequence, Tuple

from torch import Tensor

from mmpose.registry import MODELS
from mmpose.utils.typing import ConfigType

from ..utils import pseudo_keypoints, render_pseudo_heatmaps
from .directpose_head import DirectPoseHead


@MODELS.register_module()
class SemiMultiPoseHead(DirectPoseHead):
    r"""DirectPose's head with SemiMultiPose's fusion of B1 and B3 (Blau et al., section 3.3).

    The fusion loss (eq. 9) is ``L_f = FocalLoss_v(sigmoid(A), G~)``: pseudo keypoints
    ``y = (D + M)(s)`` are read where ``sigmoid(B) > delta`` with confidences ``v`` (eq. 8, see
    :func:`~projects.semimultipose.models.utils.pseudo_keypoints`), rendered into the soft target
    ``G~`` (:func:`~projects.semimultipose.models.utils.render_pseudo_heatmaps`), and B1's logits
    A are pulled towards it with the score-weighted focal loss. Its gradient reaches B1 through A
    and B3 through ``y``; none reaches B2 (``s`` and ``v`` are detached).

    Training minimises eq. 10, ``L_a + L_b + L_d + alpha * L_fl + beta * L_fu``: ``L_fl`` is the
    fusion loss on labeled frames (in :meth:`loss`, through :meth:`labeled_extra_losses`),
    ``L_fu`` on unlabeled frames (in
    :meth:`unlabeled_loss`). ``alpha`` and ``beta`` are attributes, 0 until the
    :class:`~projects.semimultipose.engine.SemiMultiPoseHook` switches them on.

    Args:
        delta (float): threshold on sigmoid(B) for pseudo keypoints (paper: 0.05).
        fusion_sigma (float): width of the Gaussian of G~, in cells.
        fusion_radius (int): half-size of the window rendered per pseudo keypoint, in cells.
        loss_fusion (dict): the score-weighted focal loss (gamma = 2, kappa = 0.25).
        **kwargs: the arguments of :class:`DirectPoseHead`.
    """

    def __init__(self, delta: float = 0.05, fusion_sigma: float = 1.0, fusion_radius: int = 2,
                 loss_fusion: ConfigType = dict(type='DirectPoseFocalLoss'), **kwargs) -> None:
        super().__init__(**kwargs)
        self.delta = delta
        self.fusion_sigma = fusion_sigma
        self.fusion_radius = fusion_radius
        self.loss_fusion = MODELS.build(loss_fusion)
        self.alpha = 0.0
        self.beta = 0.0

    @property
    def offset_scale(self) -> float:
        return self.decoder.offset_scale if self.decoder is not None else 1.0

    def fusion_loss(self, outputs: Tuple[Tensor, Tensor, Tensor]) -> Tensor:
        """Eq. 9 for outputs ``(A, B, D)`` of :meth:`forward`; a scalar."""
        heatmaps, box_heatmaps, offsets = outputs
        points = pseudo_keypoints(box_heatmaps, offsets, self.delta, self.offset_scale)
        target = render_pseudo_heatmaps(points, heatmaps.shape, self.fusion_sigma,
                                        self.fusion_radius)
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
