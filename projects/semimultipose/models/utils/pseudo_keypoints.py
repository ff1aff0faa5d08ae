"""Pseudo keypoints read from B2 and B3 (SemiMultiPose, Blau et al., section 3.3, eq. 8)."""
from typing import NamedTuple

import torch
from torch import Tensor


class PseudoKeypoints(NamedTuple):
    """Pseudo keypoints of a batch, one row per selected location and keypoint type.

    Attributes:
        batch (Tensor): ``(P,)`` long, image index ``n``.
        kpt (Tensor): ``(P,)`` long, keypoint type ``k``.
        loc (Tensor): ``(P, 2)`` float, the selected grid location ``s`` as ``(x, y)`` cells
            (no gradient).
        xy (Tensor): ``(P, 2)`` float, ``y = (D + M)(s)`` in heatmap cells; differentiable with
            respect to the offsets D.
        score (Tensor): ``(P,)`` float, the confidence ``v = sigmoid(B)(s)`` (no gradient).
    """
    batch: Tensor
    kpt: Tensor
    loc: Tensor
    xy: Tensor
    score: Tensor


def pseudo_keypoints(box_logits: Tensor, offsets: Tensor, delta: float = 0.05,
                     offset_scale: float = 1.0) -> PseudoKeypoints:
    """Select pseudo keypoints: eq. 8, ``y_{n,k} = (D_{n,k} + M)(s)`` with ``s`` and ``v``.

    ``s`` are the locations where ``sigmoid(B_{n,k}) > delta`` (hard threshold, eq. 2 applied to
    B) and ``v`` their confidences; both come from a detached B, so no gradient reaches B2
    through them. ``y`` is gathered from D with differentiable indexing, so the gradient of any
    loss on ``y`` reaches B3.

    Args:
        box_logits (Tensor): ``(N, K, H, W)`` B2 logits.
        offsets (Tensor): ``(N, 2K, H, W)`` B3 offsets, channels ``(x_0, y_0, x_1, ...)``, in
            cells divided by ``offset_scale`` (the codec's convention).
        delta (float): threshold on sigmoid(B) (paper: 0.05).
        offset_scale (float): the codec's offset scale.

    Returns:
        PseudoKeypoints: the selected points, possibly none (``P = 0``).

    Raises:
        ValueError: if the shapes of B and D do not agree.
    """
    n, k, h, w = box_logits.shape
    if offsets.shape != (n, 2 * k, h, w):
        raise ValueError(f'pseudo_keypoints: B is {tuple(box_logits.shape)}, so D must be '
                         f'{(n, 2 * k, h, w)}, got {tuple(offsets.shape)}')
    conf = torch.sigmoid(box_logits.detach())
    b, kk, iy, ix = torch.nonzero(conf > delta, as_tuple=True)
    d = offsets.view(n, k, 2, h, w)
    dx = d[b, kk, 0, iy, ix] * offset_scale
    dy = d[b, kk, 1, iy, ix] * offset_scale
    loc = torch.stack([ix, iy], dim=1).to(offsets.dtype)
    xy = loc + torch.stack([dx, dy], dim=1)
    return PseudoKeypoints(b, kk, loc, xy, conf[b, kk, iy, ix])


def render_pseudo_heatmaps(points: PseudoKeypoints, shape, sigma: float = 1.0,
                           radius: int = 2) -> Tensor:
    r"""Build the target map :math:`\tilde G` of eq. 9 from pseudo keypoints.

    Each pseudo keypoint ``j`` (image ``n``, type ``k``, position ``y_j``, confidence ``v_j``)
    contributes ``v_j * exp(-||p - y_j||^2 / (2 sigma^2))`` at the cells ``p`` within ``radius``
    cells of its nearest cell; overlapping contributions are combined by their maximum. The
    result lies in [0, 1], is a function of ``y`` (differentiable) and of ``v`` (constant), and
    is the soft target of the score-weighted focal loss FocalLoss_v. A Gaussian of width
    ``sigma`` is the smooth counterpart of G's square window (the paper does not specify the
    shape of :math:`\tilde G`).

    Args:
        points (PseudoKeypoints): from :func:`pseudo_keypoints`.
        shape (tuple): ``(N, K, H, W)`` of the map.
        sigma (float): Gaussian width in cells.
        radius (int): half-size of the window written around each point, in cells.

    Returns:
        Tensor: ``(N, K, H, W)`` map :math:`\tilde G`.
    """
    n, k, h, w = shape
    xy = points.xy
    out = xy.new_zeros(n * k * h * w)
    if xy.shape[0] == 0:
        return out.view(n, k, h, w) + 0 * xy.sum()
    offs = torch.arange(-radius, radius + 1, device=xy.device)
    oy, ox = torch.meshgrid(offs, offs, indexing='ij')
    centre = torch.floor(xy.detach() + 0.5).long()  # (P, 2)
    cx = centre[:, 0, None] + ox.reshape(1, -1)  # (P, W2)
    cy = centre[:, 1, None] + oy.reshape(1, -1)
    valid = (cx >= 0) & (cx < w) & (cy >= 0) & (cy < h)
    d2 = (cx.to(xy.dtype) - xy[:, :1]) ** 2 + (cy.to(xy.dtype) - xy[:, 1:]) ** 2
    val = points.score[:, None] * torch.exp(-d2 / (2 * sigma ** 2))
    flat = ((points.batch[:, None] * k + points.kpt[:, None]) * h + cy.clamp(0, h - 1)) * w + \
        cx.clamp(0, w - 1)
    out = out.scatter_reduce(0, flat[valid], val[valid], reduce='amax', include_self=True)
    return out.view(n, k, h, w)
