import numpy as np
import pytest
import torch
from mmengine.structures import PixelData

from mmpose.registry import MODELS
from mmpose.structures import PoseDataSample

import projects.semimultipose  # noqa: F401
from projects.semimultipose.codecs import DirectPoseLabel

CODEC = dict(type='DirectPoseLabel', input_size=(64, 48), heatmap_size=(8, 6))


def build_estimator():
    model = MODELS.build(dict(
        type='SemiMultiPoseEstimator',
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


def test_only_unlabeled_with_beta_zero_is_an_error():
    model = build_estimator()
    with pytest.raises(ValueError, match='source_ratio'):
        model.loss(torch.randn(1, 3, 48, 64), [PoseDataSample(metainfo={})])
