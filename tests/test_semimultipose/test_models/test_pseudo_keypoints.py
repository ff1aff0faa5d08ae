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
    target = render_pseudo_heatmaps(pts, (1, 3, 12, 16), sigma=1.0)
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
    g = render_pseudo_heatmaps(pts, (1, 2, 4, 6), sigma=1.0, radius=1)
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
