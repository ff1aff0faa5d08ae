import numpy as np
import pytest
import torch
from mmengine.structures import PixelData

from mmpose.registry import MODELS
from mmpose.structures import PoseDataSample

import projects.semimultipose  # noqa: F401
from projects.semimultipose.codecs import DirectPoseLabel

CODEC = dict(type='DirectPoseLabel', input_size=(64, 48), heatmap_size=(8, 6))


def build_estimator(**options):
    model = MODELS.build(dict(
        type='SemiMultiPoseEstimator', **options,
        backbone=dict(type='MobileNetV2', widen_factor=0.25, out_indices=(2, 4, 6)),
        neck=dict(type='mmdet.FPN', in_channels=[8, 24, 80], out_channels=16, num_outs=3),
        head=dict(type='SemiMultiPoseHead', in_channels=16, num_keypoints=3, feat_channels=16,
                  num_convs=1, norm_cfg=dict(type='GN', num_groups=4), decoder=CODEC)))
    model.init_weights()
    return model


def labeled_sample(shift=0):
    codec = DirectPoseLabel(input_size=(64, 48), heatmap_size=(8, 6))
    enc = codec.encode(np.array([[[10., 10.], [20., 14.], [16., 24.]]]) + shift, np.ones((1, 3)))
    ds = PoseDataSample(metainfo=dict(input_size=(64, 48)))
    ds.gt_fields = PixelData(**{k: torch.from_numpy(v) for k, v in enc.items()})
    return ds


def test_fusion_terms_follow_alpha_and_beta():
    model = build_estimator()
    head = model.head
    inputs = torch.randn(3, 3, 48, 64)
    samples = [labeled_sample(), labeled_sample(8), PoseDataSample(metainfo={})]
    # DirectPose: no fusion term, unlabeled frame dropped
    losses = model.loss(inputs, samples)
    assert set(losses) == {'loss_kpt', 'loss_box', 'loss_offset'}
    # make some box confidences pass delta, so pseudo keypoints exist
    torch.nn.init.constant_(head.box_logits.bias, 0.0)
    head.alpha, head.beta = 0.01, 0.1
    losses = model.loss(inputs, samples)
    assert set(losses) == {'loss_kpt', 'loss_box', 'loss_offset', 'loss_fl', 'loss_fu'}
    assert losses['loss_fl'] > 0 and losses['loss_fu'] > 0
    # beta scales L_fu linearly
    with torch.no_grad():
        head.beta = 0.2
        again = model.loss(inputs, samples)
    assert again['loss_fu'].item() == pytest.approx(2 * losses['loss_fu'].item(), rel=1e-4)
    sum(losses.values()).backward()
    assert head.offsets.weight.grad.abs().sum() > 0


def test_channels_last_option_gives_the_same_maps_and_losses():
    """channels_last=True reformats the parameters in place at the first forward pass and runs
    every batch channels-last; the values equal the default layout's up to float rounding."""
    torch.manual_seed(0)
    plain = build_estimator()
    fast = build_estimator(channels_last=True)
    fast.load_state_dict(plain.state_dict())
    params = list(fast.parameters())  # what an optimizer holds
    conv = fast.backbone.conv1.conv.weight
    assert not conv.is_contiguous(memory_format=torch.channels_last)
    inputs = torch.randn(2, 3, 48, 64)
    plain.eval(), fast.eval()
    with torch.no_grad():
        want, got = plain._forward(inputs), fast._forward(inputs)
    assert conv.is_contiguous(memory_format=torch.channels_last)
    assert all(a is b for a, b in zip(params, fast.parameters()))
    for w, g in zip(want, got):
        torch.testing.assert_close(g, w, rtol=1e-4, atol=1e-5)
    # losses (training mode) agree too, and a model moved back is reformatted at its next call
    plain.train(), fast.train()
    fast.to(memory_format=torch.contiguous_format)
    samples = [labeled_sample(), labeled_sample(8)]
    want, got = plain.loss(inputs, samples), fast.loss(inputs, samples)
    assert conv.is_contiguous(memory_format=torch.channels_last)
    assert set(got) == set(want)
    for k in want:
        assert got[k].item() == pytest.approx(want[k].item(), rel=1e-4), k
    # the default leaves the layout alone
    with torch.no_grad():
        plain._forward(inputs)
    assert not plain.backbone.conv1.conv.weight.is_contiguous(memory_format=torch.channels_last)


def test_only_unlabeled_with_beta_zero_is_an_error():
    model = build_estimator()
    with pytest.raises(ValueError, match='source_ratio'):
        model.loss(torch.randn(1, 3, 48, 64), [PoseDataSample(metainfo={})])


def test_fusion_target_on_a_finer_b1_grid():
    """With B1 twice as fine as B2/B3, a pseudo keypoint at B2 cell (3, 2) + offset (0.25, 0)
    is rendered in B1 cells at (6.5, 4): the window (r = 1) covers columns 5..8 at
    0.5, 1, 1, 0.5 (anti-aliased) on rows 3..5."""
    head = MODELS.build(dict(
        type='SemiMultiPoseHead', in_channels=4, num_keypoints=1, feat_channels=4, num_convs=0,
        norm_cfg=None, fusion_shape='window',
        decoder=dict(type='DirectPoseLabel', input_size=(64, 48), heatmap_size=(8, 6),
                     keypoint_heatmap_scale=2),
        loss_fusion=dict(type='DirectPoseFocalLoss', gamma=0.0, kappa=0.5)))
    box = torch.full((1, 1, 6, 8), -20.)
    box[0, 0, 2, 3] = 20.  # v = 1 at (x, y) = (3, 2)
    offsets = torch.zeros(1, 2, 6, 8)
    offsets[0, 0, 2, 3] = 0.25
    seen = {}

    class Capture(torch.nn.Module):
        def forward(self, pred, target):
            seen['t'] = target
            return target.sum()

    head.loss_fusion = Capture()
    head.fusion_loss((torch.zeros(1, 1, 12, 16), box, offsets))
    t = seen['t'][0, 0]
    assert t.shape == (12, 16)
    np.testing.assert_allclose(t[4, 4:10].numpy(), [0, .5, 1, 1, .5, 0], atol=1e-5)
    np.testing.assert_allclose(t[2:7, 6].numpy(), [0, 1, 1, 1, 0], atol=1e-5)
