import numpy as np
import pytest
import torch
from mmengine.structures import PixelData

from mmpose.registry import MODELS
from mmpose.structures import PoseDataSample

import projects.semimultipose  # noqa: F401
from projects.semimultipose.codecs import DirectPoseLabel


def build_head(use_alignment=False):
    codec = dict(type='DirectPoseLabel', input_size=(64, 48), heatmap_size=(16, 12))
    head = MODELS.build(dict(type='DirectPoseHead', in_channels=8, num_keypoints=3,
                             feat_channels=16, num_convs=1, use_alignment=use_alignment,
                             norm_cfg=dict(type='GN', num_groups=4), decoder=codec))
    head.init_weights()
    return head


def samples_with_targets(n=2):
    codec = DirectPoseLabel(input_size=(64, 48), heatmap_size=(16, 12))
    out = []
    for i in range(n):
        kpts = np.array([[[10., 10.], [20., 14.], [16., 24.]]]) + 4 * i
        enc = codec.encode(kpts, np.ones((1, 3)))
        ds = PoseDataSample(metainfo=dict(input_size=(64, 48)))
        ds.gt_fields = PixelData(**{k: torch.from_numpy(v) for k, v in enc.items()})
        out.append(ds)
    return out


@pytest.mark.parametrize('use_alignment', [False, True])
def test_forward_shapes_and_loss_backward(use_alignment):
    head = build_head(use_alignment)
    feats = (torch.randn(2, 8, 12, 16),)
    a, b, d = head(feats)
    assert a.shape == (2, 3, 12, 16) and b.shape == (2, 3, 12, 16) and d.shape == (2, 6, 12, 16)
    # RetinaNet prior: sigmoid of the initial logits is about 0.01
    assert torch.sigmoid(head.keypoint_logits.bias).mean().item() == pytest.approx(0.01)
    losses = head.loss(feats, samples_with_targets())
    assert set(losses) == {'loss_kpt', 'loss_box', 'loss_offset'}
    sum(losses.values()).backward()
    for name, p in head.named_parameters():
        assert p.grad is not None, name


def test_loss_rejects_grid_mismatch():
    head = build_head()
    with pytest.raises(ValueError, match='grids differ'):
        head.loss((torch.randn(2, 8, 6, 8),), samples_with_targets())


def test_predict_decodes_in_input_pixels():
    head = build_head()
    # make B2/B3 output exactly the encoded targets: zero the towers' effect by patching forward
    samples = samples_with_targets(1)
    u = samples[0].gt_fields.box_heatmaps[None]
    p = samples[0].gt_fields.offsets[None]
    logits = torch.where(u > 0, torch.tensor(10.), torch.tensor(-10.))
    head.forward = lambda feats: (logits, logits, p)
    preds = head.predict((torch.zeros(1, 8, 12, 16),), samples, test_cfg={})
    assert len(preds) == 1 and len(preds[0]) == 1
    np.testing.assert_allclose(preds[0].keypoints[0], [[10, 10], [20, 14], [16, 24]], atol=1e-4)
    assert preds[0].bbox_scores[0] == pytest.approx(torch.sigmoid(torch.tensor(10.)).item(),
                                                    rel=1e-5)
    np.testing.assert_allclose(preds[0].bboxes[0], [10, 10, 20, 24], atol=1e-4)
    with pytest.raises(NotImplementedError):
        head.predict((torch.zeros(1, 8, 12, 16),), samples, test_cfg=dict(flip_test=True))
