"""Focal loss of SemiMultiPose (Blau et al., eq. 4) and its score-weighted form (section 3.3)."""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmpose.registry import MODELS


def score_weighted_focal_loss(logits: torch.Tensor, target: torch.Tensor,
                              gamma: float = 2.0, kappa: float = 0.25) -> torch.Tensor:
    r"""Element-wise focal loss with a target in [0, 1].

    .. math::
        \mathrm{FocalLoss}_v(p, v) = -v\,\kappa\,(1-p)^\gamma \log p
                                     - (1-v)(1-\kappa)\,p^\gamma \log(1-p),
        \quad p = \sigma(x)

    For a binary target ``v \in \{0, 1\}`` this is eq. 4 of the paper (Lin et al. 2017); for a
    confidence ``v`` it is the score-weighted focal loss of section 3.3. ``log p`` and
    ``log(1 - p)`` are computed from the logits (``logsigmoid``), so extreme logits stay finite.

    Args:
        logits (Tensor): any shape, the pre-sigmoid map (A or B of the paper).
        target (Tensor): same shape, values in [0, 1] (G, U, or the soft target of eq. 9).
        gamma (float): focusing exponent.
        kappa (float): weight of the positive term.

    Returns:
        Tensor: element-wise loss, same shape as ``logits``.
    """
    p = torch.sigmoid(logits)
    log_p = F.logsigmoid(logits)
    log_1mp = F.logsigmoid(-logits)
    return -(target * kappa * (1 - p).pow(gamma) * log_p +
             (1 - target) * (1 - kappa) * p.pow(gamma) * log_1mp)


@MODELS.register_module()
class DirectPoseFocalLoss(nn.Module):
    """Focal loss on dense maps (paper eqs. 3-5), normalised by the number of positives.

    ``loss = loss_weight * sum(weight * FocalLoss_v(sigmoid(x), t)) / max(sum(t * weight), 1)``,
    summing over the batch, as RetinaNet/FCOS normalise (by the positive count).
    ``normalize='mean'`` divides by the number of elements instead.

    Args:
        gamma (float): focusing exponent (paper: 2).
        kappa (float): positive weight (paper: 0.25).
        normalize (str): ``'num_pos'`` or ``'mean'``.
        loss_weight (float): multiplier.

    Raises:
        ValueError: an unknown ``normalize``, or mismatched shapes in ``forward``.
    """

    def __init__(self, gamma: float = 2.0, kappa: float = 0.25, normalize: str = 'num_pos',
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if normalize not in ('num_pos', 'mean'):
            raise ValueError(f"normalize must be 'num_pos' or 'mean', got {normalize!r}")
        self.gamma, self.kappa = gamma, kappa
        self.normalize = normalize
        self.loss_weight = loss_weight

    def forward(self, logits: torch.Tensor, target: torch.Tensor,
                weight: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Args: logits and target ``(N, K, H, W)`` (any equal shapes); weight broadcastable.

        Returns:
            Tensor: scalar loss.
        """
        if logits.shape != target.shape:
            raise ValueError(f'{type(self).__name__}: logits {tuple(logits.shape)} and target '
                             f'{tuple(target.shape)} differ in shape')
        loss = score_weighted_focal_loss(logits, target, self.gamma, self.kappa)
        if weight is not None:
            loss = loss * weight
            target = target * weight
        if self.normalize == 'mean':
            denom = loss.new_tensor(float(loss.numel()))
        else:
            denom = target.sum().detach().clamp(min=1.0)
        return self.loss_weight * loss.sum() / denom
