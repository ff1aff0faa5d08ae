import math

import pytest
import torch

from projects.semimultipose.models.losses import (DirectPoseFocalLoss,
                                                   score_weighted_focal_loss)


def test_focal_by_hand_binary():
    # logit 0 -> p = 0.5. y = 1: -0.25 * 0.5^2 * log(0.5); y = 0: -0.75 * 0.5^2 * log(0.5)
    x = torch.zeros(2)
    t = torch.tensor([1., 0.])
    loss = score_weighted_focal_loss(x, t, gamma=2, kappa=0.25)
    assert loss[0].item() == pytest.approx(-0.25 * 0.25 * math.log(0.5))
    assert loss[1].item() == pytest.approx(-0.75 * 0.25 * math.log(0.5))


def test_focal_soft_target_by_hand():
    # p = sigmoid(ln 3) = 0.75, v = 0.4:
    # -0.4*0.25*(0.25)^2*ln(0.75) - 0.6*0.75*(0.75)^2*ln(0.25)
    x = torch.tensor([math.log(3.0)])
    v = torch.tensor([0.4])
    expected = (-0.4 * 0.25 * 0.25 ** 2 * math.log(0.75) -
                0.6 * 0.75 * 0.75 ** 2 * math.log(0.25))
    assert score_weighted_focal_loss(x, v).item() == pytest.approx(expected, rel=1e-6)


def test_focal_matches_mmdet_for_binary_targets():
    from mmdet.models.losses.focal_loss import py_sigmoid_focal_loss
    g = torch.Generator().manual_seed(0)
    x = torch.randn(2, 5, 7, 9, generator=g) * 3
    t = (torch.rand(2, 5, 7, 9, generator=g) > 0.8).float()
    ours = score_weighted_focal_loss(x, t, gamma=2.0, kappa=0.25).sum()
    ref = py_sigmoid_focal_loss(x, t, gamma=2.0, alpha=0.25, reduction='sum')
    assert ours.item() == pytest.approx(ref.item(), rel=1e-5)


def test_focal_extreme_logits_finite():
    x = torch.tensor([-200., 200.], requires_grad=True)
    loss = score_weighted_focal_loss(x, torch.tensor([1., 0.])).sum()
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(x.grad).all()


def test_module_normalises_by_positives():
    x = torch.zeros(1, 1, 2, 2)
    t = torch.tensor([[[[1., 0.], [0., 1.]]]])
    per = score_weighted_focal_loss(x, t).sum().item()
    loss = DirectPoseFocalLoss(loss_weight=2.0)(x, t)
    assert loss.item() == pytest.approx(2.0 * per / 2)
    mean = DirectPoseFocalLoss(normalize='mean')(x, t)
    assert mean.item() == pytest.approx(per / 4)
    with pytest.raises(ValueError, match='differ in shape'):
        DirectPoseFocalLoss()(x, t[..., :1])


def test_masked_mse_is_eq6():
    from mmdet.models.losses import MSELoss
    d = torch.tensor([[[[1., 2.], [3., 4.]]]])
    p = torch.tensor([[[[0., 0.], [0., 0.]]]])
    u = torch.tensor([[[[1., 0.], [0., 1.]]]])
    loss = MSELoss()(d, p, weight=u, avg_factor=u.sum())
    assert loss.item() == pytest.approx((1 + 16) / 2)
