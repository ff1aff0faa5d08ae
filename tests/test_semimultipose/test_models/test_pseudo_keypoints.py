import math

import numpy as np
import pytest
import torch

from projects.semimultipose.codecs import DirectPoseLabel
from projects.semimultipose.models.utils import pseudo_keypoints, render_pseudo_heatmaps


def perfect_outputs():
    codec = DirectPoseLabel(input_size=(64, 48), heatmap_size=(16, 12))
    kpts = np.array([[[10., 10.], [20., 14.], [16., 24.]],
                     [[44., 30.], [52., 36.], [40., 40.]]], np.float32)
    vis = np.ones((2, 3))
    vis[1, 2] = 0
    enc = codec.encode(kpts, vis)
    u = torch.from_numpy(enc['box_heatmaps'])[None]
    logits = torch.where(u > 0, torch.tensor(8.0), torch.tensor(-8.0))
    offsets = torch.from_numpy(enc['offsets'])[None].clone().requires_grad_(True)
    return codec, kpts, vis, logits, offsets


def test_perfect_b2_b3_give_the_true_keypoints():
    codec, kpts, vis, logits, offsets = perfect_outputs()
    pts = pseudo_keypoints(logits, offsets, delta=0.05)
    stride = torch.tensor(codec.stride)
    found = set()
    for b, k, xy, v in zip(pts.batch, pts.kpt, pts.xy, pts.score):
        true = torch.from_numpy(kpts[:, int(k)]) / stride  # (N, 2) in cells
        d = (true - xy.detach()).norm(dim=1)
        n = int(d.argmin())
        assert d[n] < 1e-4 and vis[n, int(k)] > 0
        assert v.item() == pytest.approx(torch.sigmoid(torch.tensor(8.0)).item())
        found.add((n, int(k)))
    # every labeled keypoint of every instance is among the pseudo keypoints, no other
    assert found == {(n, k) for n in range(2) for k in range(3) if vis[n, k] > 0}


def test_gradients_reach_b3_through_positions_not_b2():
    _, _, _, logits, offsets = perfect_outputs()
    logits = logits.clone().requires_grad_(True)
    pts = pseudo_keypoints(logits, offsets, delta=0.05)
    assert not pts.score.requires_grad and not pts.loc.requires_grad
    target = render_pseudo_heatmaps(pts, (1, 3, 12, 16), mode='window', radius=1)
    (target * torch.rand_like(target)).sum().backward()
    assert offsets.grad is not None and offsets.grad.abs().sum() > 0
    assert logits.grad is None
    # the gradient of y wrt D is the identity (times offset_scale): d y / d D = 1
    offsets.grad = None
    pts = pseudo_keypoints(logits, offsets, delta=0.05, offset_scale=2.0)
    pts.xy[0, 0].backward()
    assert offsets.grad.abs().sum().item() == pytest.approx(2.0)


def test_render_by_hand():
    from projects.semimultipose.models.utils import PseudoKeypoints
    pts = PseudoKeypoints(batch=torch.tensor([0, 0]), kpt=torch.tensor([1, 1]),
                          loc=torch.zeros(2, 2), xy=torch.tensor([[2.0, 1.0], [2.4, 1.0]]),
                          score=torch.tensor([0.5, 0.2]))
    g = render_pseudo_heatmaps(pts, (1, 2, 4, 6), sigma=1.0, radius=1, mode='gaussian')
    assert g[0, 0].abs().sum() == 0
    # cell (x=2, y=1): max(0.5 * 1, 0.2 * exp(-0.16 / 2))
    assert g[0, 1, 1, 2].item() == pytest.approx(0.5)
    # cell (x=3, y=1): max(0.5 * exp(-1/2), 0.2 * exp(-0.36 / 2))
    assert g[0, 1, 1, 3].item() == pytest.approx(max(0.5 * math.exp(-0.5),
                                                     0.2 * math.exp(-0.18)))
    # cell (x=1, y=0): 0.5 * exp(-(1 + 1) / 2); outside radius 1 around (2, 1): zero
    assert g[0, 1, 0, 1].item() == pytest.approx(0.5 * math.exp(-1.0))
    assert g[0, 1, 3, 2].item() == 0


def test_shape_mismatch_raises():
    with pytest.raises(ValueError, match='must be'):
        pseudo_keypoints(torch.zeros(1, 3, 4, 4), torch.zeros(1, 5, 4, 4))


def test_window_target_by_hand():
    """G~ in G's shape: the cell fraction covered by a 3 x 3-cell square at y, times v."""
    from projects.semimultipose.models.utils import PseudoKeypoints
    xy = torch.tensor([[3.0, 2.0], [3.3, 2.0]], requires_grad=True)
    pts = PseudoKeypoints(batch=torch.tensor([0, 1]), kpt=torch.tensor([0, 0]),
                          loc=torch.zeros(2, 2), xy=xy, score=torch.tensor([0.9, 0.5]))
    g = render_pseudo_heatmaps(pts, (2, 1, 5, 7), radius=1, mode='window')
    # on a cell centre: exactly G's 3x3 window of ones, valued v = 0.9
    expect0 = torch.zeros(5, 7)
    expect0[1:4, 2:5] = 0.9
    assert torch.allclose(g[0, 0], expect0)
    # x = 3.3: columns 2..5 covered 0.7, 1, 1, 0.3; rows 1..3 fully; times v = 0.5
    expect1 = torch.zeros(5, 7)
    expect1[1:4, 2:6] = 0.5 * torch.tensor([0.7, 1.0, 1.0, 0.3])
    assert torch.allclose(g[1, 0], expect1, atol=1e-6)
    # differentiable in y: moving right shifts mass from column 2 to column 5
    g[1, 0, 2, 5].backward()
    assert xy.grad[1, 0].item() == pytest.approx(0.5) and xy.grad[1, 1].item() == 0


def test_perfect_model_fusion_agrees_with_g():
    """With G~ in G's shape, a perfect B1/B2/B3 gives G~ = v * G: no pull against L_a."""
    codec = DirectPoseLabel(input_size=(64, 48), heatmap_size=(16, 12), keypoint_radius=1,
                            center_radius=1)
    kpts = np.array([[[8., 8.], [20., 12.]], [[44., 32.], [52., 36.]]], np.float32)
    enc = codec.encode(kpts)
    u = torch.from_numpy(enc['box_heatmaps'])[None]
    logits = torch.where(u > 0, torch.tensor(8.0), torch.tensor(-8.0))
    pts = pseudo_keypoints(logits, torch.from_numpy(enc['offsets'])[None])
    g_tilde = render_pseudo_heatmaps(pts, (1, 2, 12, 16), radius=1, mode='window')
    v = torch.sigmoid(torch.tensor(8.0))
    assert torch.allclose(g_tilde[0], v * torch.from_numpy(enc['heatmaps']), atol=1e-6)


def test_perfect_model_gaussian_fusion_agrees_with_mmpose_g():
    """The CPU recipe's G (MMPose's unbiased Gaussian, sigma 1 cell, at sub-cell positions) and
    its G~ (fusion_shape='gaussian', sigma 1, drawn within 3 cells): for a perfect B2/B3, G~ is
    v * G up to the Gaussian's tail beyond 3.5 cells, exp(-3.5^2 / 2) = 0.0022."""
    codec = DirectPoseLabel(input_size=(64, 48), heatmap_size=(16, 12), keypoint_radius=1,
                            center_radius=1, heatmap_sigma=1.0)
    kpts = np.array([[[9., 10.], [21.5, 13.]], [[43., 30.5], [50., 37.]]], np.float32)
    enc = codec.encode(kpts)
    g = torch.from_numpy(enc['heatmaps'])
    assert 0.5 < g.max() < 1  # sub-cell positions: no cell holds the peak value 1
    u = torch.from_numpy(enc['box_heatmaps'])[None]
    logits = torch.where(u > 0, torch.tensor(8.0), torch.tensor(-8.0))
    pts = pseudo_keypoints(logits, torch.from_numpy(enc['offsets'])[None])
    g_tilde = render_pseudo_heatmaps(pts, (1, 2, 12, 16), sigma=1.0, radius=3, mode='gaussian')
    v = torch.sigmoid(torch.tensor(8.0))
    err = (g_tilde[0] - v * g).abs().max()
    assert err < math.exp(-3.5 ** 2 / 2) + 1e-6


def test_peak_kernel_keeps_only_b2_maxima():
    """Pseudo keypoints restricted to B2's local maxima: the ring above delta is dropped."""
    logits = torch.full((1, 1, 7, 7), -8.0)
    logits[0, 0, 2:5, 2:5] = -2.0      # ring: sigmoid = 0.12 > delta
    logits[0, 0, 3, 3] = 3.0           # centre
    offsets = torch.zeros(1, 2, 7, 7)
    every = pseudo_keypoints(logits, offsets, delta=0.05)
    assert len(every.batch) == 9
    peak = pseudo_keypoints(logits, offsets, delta=0.05, peak_kernel=3)
    assert len(peak.batch) == 1 and peak.loc[0].tolist() == [3.0, 3.0]
    # a second animal far away keeps its own peak
    logits[0, 0, 0, 6] = 1.0
    assert len(pseudo_keypoints(logits, offsets, delta=0.05, peak_kernel=3).batch) == 2


def test_fusion_loss_guard_without_pseudo_keypoints():
    from projects.semimultipose.models.heads import SemiMultiPoseHead
    head = SemiMultiPoseHead(in_channels=8, num_keypoints=2, feat_channels=16, num_convs=1,
                             norm_cfg=dict(type='GN', num_groups=4),
                             decoder=dict(type='DirectPoseLabel', input_size=(32, 32),
                                          heatmap_size=(8, 8)))
    assert head.fusion_radius == 1 and head.fusion_shape == 'window'
    a = torch.zeros(1, 2, 8, 8, requires_grad=True)
    b = torch.full((1, 2, 8, 8), -10.0)  # sigmoid(B) < delta everywhere: no pseudo keypoint
    d = torch.zeros(1, 4, 8, 8, requires_grad=True)
    loss = head.fusion_loss((a, b, d))
    assert loss.item() == 0.0
    loss.backward()
    assert a.grad.abs().sum() == 0 and d.grad.abs().sum() == 0
    # one confident cell: a real, positive loss whose gradient reaches A
    b[0, 0, 4, 4] = 5.0
    a.grad = None
    loss = head.fusion_loss((a, b, d))
    loss.backward()
    assert loss.item() > 0 and a.grad.abs().sum() > 0
