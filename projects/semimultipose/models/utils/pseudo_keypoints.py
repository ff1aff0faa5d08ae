"""Pseudo keypoints read from B2 and B3 (SemiMultiPose, Blau et al., section 3.3, eq. 8)."""
from typing import NamedTuple, Optional

import torch
from mmpose.codecs.utils import batch_heatmap_nms
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
        score (Tensor): ``(P,)`` float, the confidence ``v = sigmoid(box_heatmaps)(s)`` (no gradient).
    """
    batch: Tensor
    kpt: Tensor
    loc: Tensor
    xy: Tensor
    score: Tensor


def pseudo_keypoints(box_heatmaps: Tensor, offsets: Tensor, delta: float = 0.05,
                     offset_scale: float = 1.0,
                     peak_kernel: Optional[int] = None) -> PseudoKeypoints:
    """Select pseudo keypoints: eq. 8, ``y_{n,k} = (D_{n,k} + M)(s)`` with ``s`` and ``v``.

    In the paper's symbols B is ``box_heatmaps`` (B2) and D is ``offsets`` (B3). ``s`` are the
    locations where ``sigmoid(B_{n,k}) > delta`` (hard threshold, eq. 2 applied to B) and ``v``
    their confidences; both come from detached ``box_heatmaps``, so no gradient reaches B2
    through them. ``y`` is gathered from ``offsets`` with differentiable indexing, so the
    gradient of any loss on ``y`` reaches B3.

    Args:
        box_heatmaps (Tensor): ``(N, K, H, W)`` B2 logits.
        offsets (Tensor): ``(N, 2K, H, W)`` B3 offsets, channels ``(x_0, y_0, x_1, ...)``, in
            cells divided by ``offset_scale`` (the codec's convention).
        delta (float): threshold on sigmoid(box_heatmaps) (paper: 0.05).
        offset_scale (float): the codec's offset scale.
        peak_kernel (int, optional): when set (odd), keep only the locations where sigmoid(box_heatmaps)
            is also the maximum of its ``peak_kernel x peak_kernel`` neighbourhood (MMPose's
            ``batch_heatmap_nms``). Not in the paper (``None``: every location above delta).
            Why: with FCOS centre sampling (the codec's ``center_radius``), B2 is trained
            positive, and B3's offsets are trained, only on the cells near each animal's
            centre; delta = 0.05 also lets through the ring of weaker B2 cells around them,
            whose offsets were never trained (measured: 55-81 % of the pseudo keypoints in the
            CPU runs). B2's peak lies on the trained centre cells.

    Returns:
        PseudoKeypoints: the selected points, possibly none (``P = 0``).

    Raises:
        ValueError: if the shapes of ``box_heatmaps`` and ``offsets`` do not agree.
    """
    n, k, h, w = box_heatmaps.shape
    if offsets.shape != (n, 2 * k, h, w):
        raise ValueError(f'pseudo_keypoints: box_heatmaps are {tuple(box_heatmaps.shape)}, so '
                         f'offsets must be {(n, 2 * k, h, w)}, got {tuple(offsets.shape)}')
    conf = torch.sigmoid(box_heatmaps.detach())
    keep = conf > delta
    if peak_kernel is not None:
        keep &= batch_heatmap_nms(conf, peak_kernel) > 0
    b, kk, iy, ix = torch.nonzero(keep, as_tuple=True)
    d = offsets.view(n, k, 2, h, w)
    dx = d[b, kk, 0, iy, ix] * offset_scale
    dy = d[b, kk, 1, iy, ix] * offset_scale
    loc = torch.stack([ix, iy], dim=1).to(offsets.dtype)
    xy = loc + torch.stack([dx, dy], dim=1)
    return PseudoKeypoints(b, kk, loc, xy, conf[b, kk, iy, ix])


def render_pseudo_heatmaps(points: PseudoKeypoints, shape, sigma: float = 1.0,
                           radius: int = 2, mode: str = 'gaussian') -> Tensor:
    r"""Build the target map :math:`\tilde G` of eq. 9 from pseudo keypoints.

    Each pseudo keypoint ``j`` (image ``n``, type ``k``, position ``y_j`` in cells, confidence
    ``v_j``) contributes ``v_j * w(p - y_j)`` at cell ``p``; overlapping contributions are
    combined by their maximum. The result lies in [0, 1], is a function of ``y``
    (differentiable, so the gradient reaches B3 as eq. 8 intends) and of ``v`` (constant), and is
    the soft target of the score-weighted focal loss FocalLoss_v. The paper does not give the
    shape of :math:`\tilde G`; two are offered:

    * ``mode='window'``: G's shape (eq. 3: a ``(2r+1) x (2r+1)`` window of ones, ``r =
      radius``) valued ``v``, anti-aliased so that it moves smoothly with ``y``: ``w`` is the
      fraction of cell ``p`` covered by the square of side ``2r+1`` centred at ``y``,
      ``w = prod_axes clamp(r + 1 - |p - y|, 0, 1)``. For ``y`` on a cell centre this is exactly
      G's window valued ``v``; for ``y = c + 0.3`` (one axis, ``r = 1``) the cells
      ``c-1 .. c+2`` get ``0.7, 1, 1, 0.3``. A perfect B1 (``A`` equal to G) then agrees with
      :math:`\tilde G` of a perfect B2/B3, so ``L_fl`` does not pull against ``L_a``.
    * ``mode='gaussian'``: ``w = exp(-||p - y||^2 / (2 sigma^2))`` at the cells within
      ``radius`` of ``y``'s nearest cell (the former default; its 5x5 Gaussian differs from
      G's 3x3 window).

    Args:
        points (PseudoKeypoints): from :func:`pseudo_keypoints`.
        shape (tuple): ``(N, K, H, W)`` of the map.
        sigma (float): Gaussian width in cells (``'gaussian'`` only).
        radius (int): window half-width ``r`` (``'window'``) or the half-size of the cells
            written around each point (``'gaussian'``), in cells.
        mode (str): ``'window'`` or ``'gaussian'``.

    Returns:
        Tensor: ``(N, K, H, W)`` map :math:`\tilde G`.

    Raises:
        ValueError: an unknown ``mode``.
    """
    if mode not in ('window', 'gaussian'):
        raise ValueError(f"render_pseudo_heatmaps: mode must be 'window' or 'gaussian', got "
                         f'{mode!r}')
    n, k, h, w = shape
    xy = points.xy
    out = xy.new_zeros(n * k * h * w)
    if xy.shape[0] == 0:
        return out.view(n, k, h, w) + 0 * xy.sum()
    reach = radius + 1 if mode == 'window' else radius
    offs = torch.arange(-reach, reach + 1, device=xy.device)
    oy, ox = torch.meshgrid(offs, offs, indexing='ij')
    centre = torch.floor(xy.detach() + 0.5).long()  # (P, 2)
    cx = centre[:, 0, None] + ox.reshape(1, -1)  # (P, W2)
    cy = centre[:, 1, None] + oy.reshape(1, -1)
    valid = (cx >= 0) & (cx < w) & (cy >= 0) & (cy < h)
    dx = cx.to(xy.dtype) - xy[:, :1]
    dy = cy.to(xy.dtype) - xy[:, 1:]
    if mode == 'window':
        wgt = (radius + 1 - dx.abs()).clamp(0, 1) * (radius + 1 - dy.abs()).clamp(0, 1)
    else:
        wgt = torch.exp(-(dx ** 2 + dy ** 2) / (2 * sigma ** 2))
    val = points.score[:, None] * wgt
    flat = ((points.batch[:, None] * k + points.kpt[:, None]) * h + cy.clamp(0, h - 1)) * w + \
        cx.clamp(0, w - 1)
    out = out.scatter_reduce(0, flat[valid], val[valid], reduce='amax', include_self=True)
    return out.view(n, k, h, w)
