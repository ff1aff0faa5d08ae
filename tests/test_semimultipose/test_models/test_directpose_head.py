import numpy as np
import pytest
import torch
from mmengine.structures import PixelData

from mmpose.registry import MODELS
from mmpose.structures import PoseDataSample

import projects.semimultipose  # noqa: F401
from projects.semimultipose.codecs import DirectPoseLabel



def unpack(packed, f):
    """Unpack a space-to-depth B1 target as the head does (torch's pixel_shuffle)."""
    return torch.nn.functional.pixel_shuffle(torch.as_tensor(packed)[None], f)[0].numpy()


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


def test_outputs_and_losses_are_float32_under_bfloat16_autocast():
    """CPUAmpOptimWrapper's autocast runs the head's convolutions in bfloat16; the head returns
    float32 maps, so its losses are float32 and equal float32's to bfloat16 rounding."""
    head = build_head()
    feats = (torch.randn(2, 8, 12, 16),)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        assert head.offsets(head.offset_tower(feats[0])).dtype == torch.bfloat16
        outputs = head(feats)
        losses = head.loss(feats, samples_with_targets())
    assert all(o.dtype == torch.float32 for o in outputs)
    reference = head.loss(feats, samples_with_targets())
    for k, v in losses.items():
        assert v.dtype == torch.float32
        assert v.item() == pytest.approx(reference[k].item(), rel=3e-2), k


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
        head.predict((torch.zeros(1, 8, 12, 16),), samples, test_cfg=dict(multiscale_test=True))
    # flip test: both passes give the same maps here, so the flipped pass's instance, mapped
    # back (x -> 63 - x, types 1 and 2 swapped), sits at 63 - x with types swapped; its OKS to
    # the first is below 0.5 (they are far apart), so the instance keeps its own keypoints
    samples[0].set_metainfo(dict(flip_indices=[0, 2, 1]))
    flipped = head.predict([(torch.zeros(1, 8, 12, 16),)] * 2, samples,
                           test_cfg=dict(flip_test=True))
    np.testing.assert_allclose(flipped[0].keypoints, preds[0].keypoints, atol=1e-4)
    # heatmap rescoring alone (no refinement) makes predict read B1: A's logits 0 everywhere
    # give sigmoid 0.5 at every keypoint, so the instance score is 0.5
    head.decoder = DirectPoseLabel(input_size=(64, 48), heatmap_size=(16, 12), rescore='heatmap')
    head.forward = lambda feats: (torch.zeros_like(logits), logits, p)
    preds = head.predict((torch.zeros(1, 8, 12, 16),), samples, test_cfg={})
    np.testing.assert_allclose(preds[0].keypoints[0], [[10, 10], [20, 14], [16, 24]], atol=1e-4)
    np.testing.assert_allclose(preds[0].bbox_scores, [0.5], atol=1e-6)
    np.testing.assert_allclose(preds[0].keypoint_scores, [[0.5, 0.5, 0.5]], atol=1e-6)
    # output_heatmaps returns sigmoid(A) per image, with and without a codec that reads B1:
    # A = logits (+-10) gives sigmoid(10) on the box cells, sigmoid(-10) elsewhere
    head.forward = lambda feats: (logits, logits, p)
    for codec in (DirectPoseLabel(input_size=(64, 48), heatmap_size=(16, 12)), head.decoder):
        head.decoder = codec
        preds, fields = head.predict((torch.zeros(1, 8, 12, 16),), samples,
                                     test_cfg=dict(output_heatmaps=True))
        assert len(preds) == 1 and len(fields) == 1
        np.testing.assert_allclose(fields[0].heatmaps.numpy(),
                                   np.where(u[0].numpy() > 0, 1 / (1 + np.exp(-10.)),
                                            1 / (1 + np.exp(10.))), rtol=1e-6)


def test_finer_b1_grid_by_pixel_shuffle():
    """The codec's keypoint_heatmap_scale f = 2: B1 gives K maps on the (2H, 2W) grid from
    f^2 K channels through PixelShuffle (channel 4k + 2i + j -> map k, row 2y + i, column
    2x + j), trains against the finer G and predicts through it."""
    codec = dict(type='DirectPoseLabel', input_size=(64, 48), heatmap_size=(16, 12),
                 heatmap_sigma=1.0, keypoint_heatmap_scale=2, refine_radius=2.0)
    head = MODELS.build(dict(type='DirectPoseHead', in_channels=8, num_keypoints=3,
                             feat_channels=16, num_convs=1,
                             norm_cfg=dict(type='GN', num_groups=4), decoder=codec))
    head.init_weights()
    assert head.keypoint_logits.out_channels == 12
    assert head.per_keypoint_layers['keypoint_logits'] == (0, 4)
    assert type(head).per_keypoint_layers['keypoint_logits'] == (0, 1)  # class untouched
    feats = (torch.randn(2, 8, 12, 16),)
    a, b, d = head(feats)
    assert a.shape == (2, 3, 24, 32) and b.shape == (2, 3, 12, 16) and d.shape == (2, 6, 12, 16)
    raw = head.keypoint_logits(head.keypoint_tower(feats[0]))
    # keypoint 1, sub-pixel (i, j) = (1, 0) is channel 4 + 2 = 6: row 2y + 1, column 2x
    torch.testing.assert_close(a[:, 1, 2 * 5 + 1, 2 * 7], raw[:, 6, 5, 7])
    enc_codec = DirectPoseLabel(**{k: v for k, v in codec.items() if k != 'type'})
    samples = []
    for i in range(2):
        enc = enc_codec.encode(np.array([[[10., 10.], [20., 14.], [16., 24.]]]) + 4 * i)
        ds = PoseDataSample(metainfo=dict(input_size=(64, 48)))
        ds.gt_fields = PixelData(**{k: torch.from_numpy(v) for k, v in enc.items()})
        samples.append(ds)
    losses = head.loss(feats, samples)
    sum(losses.values()).backward()
    assert head.keypoint_logits.weight.grad.abs().sum() > 0
    # the packed target unpacks as the head's output does: a perfect A gives the least L_a
    g = torch.stack([torch.from_numpy(unpack(s.gt_fields.heatmaps.numpy(), 2))
                     for s in samples])
    logit = torch.logit(g.clamp(1e-4, 1 - 1e-4))
    perfect = head.supervised_losses((logit, b, d), tuple(
        head.stack_targets(samples, k) for k in ('heatmaps', 'box_heatmaps', 'offsets')))
    shifted = head.supervised_losses((logit.roll(1, -1), b, d), tuple(
        head.stack_targets(samples, k) for k in ('heatmaps', 'box_heatmaps', 'offsets')))
    assert perfect['loss_kpt'] < shifted['loss_kpt']
    preds = head.predict(feats, samples[:1] * 2, test_cfg={})
    assert len(preds) == 2


def test_fuse_flipped_by_hand():
    """The flipped pass's instance, mapped back with flip_indices [0, 2, 1] on a 64-pixel-wide
    input, averages into the first pass's instance weighted by keypoint scores; an unmatched
    first-pass instance keeps its values, an unmatched flipped one adds nothing."""
    from projects.semimultipose.codecs.utils import fuse_flipped
    kpts = np.array([[[10, 10], [20, 14], [16, 24]], [[50, 40], [52, 44], [48, 44]]], np.float32)
    kscores = np.array([[1.0, 0.5, 1.0], [0.9, 0.9, 0.9]], np.float32)
    scores = np.array([1.0, 0.9], np.float32)
    # flipped coordinates of [[12, 10], [22, 14], [16, 26]] with types 1 and 2 swapped, and a
    # second flipped instance far from every first-pass one
    fk = np.array([[[51, 10], [47, 26], [41, 14]], [[5, 5], [6, 6], [7, 7]]], np.float32)
    fks = np.array([[1.0, 0.25, 1.0], [1.0, 1.0, 1.0]], np.float32)
    fs = np.array([0.5, 0.8], np.float32)
    k, ks, s = fuse_flipped((kpts, kscores, scores), (fk, fks, fs), [0, 2, 1], 64,
                            nms_stddev=1.0, min_area=16.0)
    # type 0: (10 + 12) / 2; type 1: (0.5 * 20 + 1 * 22) / 1.5; type 2: (24 + 0.25 * 26) / 1.25
    np.testing.assert_allclose(k[0], [[11, 10], [21.333333, 14], [16, 24.4]], atol=1e-4)
    np.testing.assert_allclose(ks[0], [1.0, 0.75, 0.625], atol=1e-6)
    assert s[0] == pytest.approx(0.75)
    np.testing.assert_array_equal(k[1], kpts[1])
    assert s[1] == pytest.approx(0.9) and len(k) == 2
