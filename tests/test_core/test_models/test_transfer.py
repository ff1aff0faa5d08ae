"""Transfer initialisation: copied filters equal the source's, new ones stay fresh, frozen
parameters get no gradient."""
import copy

import pytest
import torch
from mmengine.optim import build_optim_wrapper

from mmpose.registry import MODELS

import projects.semimultipose  # noqa: F401  (DirectPoseHead)
from projects.core.keypoints import build_mapping, keypoint_names
from projects.core.models import per_keypoint_layers, transfer_state_dict


def simplebaseline(k, seed, frozen_stages=-1):
    torch.manual_seed(seed)
    m = MODELS.build(dict(
        type='TopdownPoseEstimator',
        backbone=dict(type='ResNet', depth=18, frozen_stages=frozen_stages, norm_eval=True),
        head=dict(type='HeatmapHead', in_channels=512, out_channels=k,
                  deconv_out_channels=(32, 32), deconv_kernel_sizes=(4, 4),
                  loss=dict(type='KeypointMSELoss', use_target_weight=True))))
    m.init_weights()
    return m


@pytest.fixture(scope='module')
def macaque_and_human():
    return simplebaseline(17, 0).state_dict(), simplebaseline(16, 1)


def test_reinit_head_keeps_backbone_only(macaque_and_human):
    src, tgt = macaque_and_human
    fresh = tgt.state_dict()
    layers = per_keypoint_layers(tgt.head)
    new, rep = transfer_state_dict(src, fresh, 'reinit_head', layers)
    assert torch.equal(new['backbone.conv1.weight'], src['backbone.conv1.weight'])
    assert torch.equal(new['head.deconv_layers.0.weight'], fresh['head.deconv_layers.0.weight'])
    assert not torch.equal(new['head.deconv_layers.0.weight'], src['head.deconv_layers.0.weight'])
    assert torch.equal(new['head.final_layer.weight'], fresh['head.final_layer.weight'])
    assert all(n.startswith('head.') for n in rep['fresh'])
    assert 'head.final_layer.weight' in rep['unused']


def test_reinit_final_keeps_deconvolution_layers(macaque_and_human):
    src, tgt = macaque_and_human
    fresh = tgt.state_dict()
    new, rep = transfer_state_dict(src, fresh, 'reinit_final', per_keypoint_layers(tgt.head))
    assert torch.equal(new['head.deconv_layers.0.weight'], src['head.deconv_layers.0.weight'])
    assert torch.equal(new['head.final_layer.weight'], fresh['head.final_layer.weight'])
    assert rep['fresh'] == ['head.final_layer.weight', 'head.final_layer.bias']


def test_copy_mapped_copies_filters_of_mapped_keypoints(macaque_and_human):
    src, tgt = macaque_and_human
    fresh = tgt.state_dict()
    m = build_mapping('macaque_to_mpii')
    new, rep = transfer_state_dict(src, fresh, 'copy_mapped', per_keypoint_layers(tgt.head), m)
    mpii, macaque = keypoint_names('mpii'), keypoint_names('macaque')
    w, b = new['head.final_layer.weight'], new['head.final_layer.bias']
    for t, name in enumerate(mpii):
        if name in macaque:  # one-to-one: the source's filter
            s = macaque.index(name)
            assert torch.equal(w[t], src['head.final_layer.weight'][s])
            assert torch.equal(b[t], src['head.final_layer.bias'][s])
        else:  # pelvis, thorax (derived), upper_neck, head_top (none): fresh, unlike any source
            assert torch.equal(w[t], fresh['head.final_layer.weight'][t])
            assert not any(torch.equal(w[t], f) for f in src['head.final_layer.weight'])
    assert len({(t, s) for _, t, s in rep['channels']}) == 12
    # the inputs are untouched
    assert torch.equal(tgt.state_dict()['head.final_layer.weight'],
                       fresh['head.final_layer.weight'])


def test_copy_mapped_directpose_head_fly_to_honeybee():
    def build(k, seed):
        torch.manual_seed(seed)
        m = MODELS.build(dict(
            type='BottomupPoseEstimator',
            backbone=dict(type='MobileNetV2', widen_factor=0.25, out_indices=(2, 4, 6)),
            neck=dict(type='mmdet.FPN', in_channels=[8, 24, 80], out_channels=16, num_outs=3),
            head=dict(type='DirectPoseHead', in_channels=16, num_keypoints=k, feat_channels=16,
                      num_convs=1, norm_cfg=dict(type='GN', num_groups=4),
                      use_alignment=True, decoder=None)))
        m.init_weights()
        return m
    src = build(13, 0).state_dict()
    tgt = build(5, 1)
    fresh = tgt.state_dict()
    m = build_mapping('fly_to_honeybee')  # Tail<-abdomen(2), Head<-head(0), Thorax<-thorax(1)
    new, _ = transfer_state_dict(src, fresh, 'copy_mapped', per_keypoint_layers(tgt.head), m)
    for t, s in {0: 2, 1: 0, 2: 1}.items():
        for layer in ('keypoint_logits', 'box_logits'):
            assert torch.equal(new[f'head.{layer}.weight'][t], src[f'head.{layer}.weight'][s])
        # B3: (x, y) channels 2k, 2k + 1
        for layer in ('offsets.coarse', 'offsets.refine'):
            assert torch.equal(new[f'head.{layer}.weight'][2 * t:2 * t + 2],
                               src[f'head.{layer}.weight'][2 * s:2 * s + 2])
        assert torch.equal(new['head.offsets.to_sampling.weight'][:, 2 * t:2 * t + 2],
                           src['head.offsets.to_sampling.weight'][:, 2 * s:2 * s + 2])
    for t in (3, 4):  # RAnt, LAnt: no counterpart in flies
        assert torch.equal(new['head.keypoint_logits.weight'][t],
                           fresh['head.keypoint_logits.weight'][t])
    # the towers (same shapes) come from the fly network
    assert torch.equal(new['head.keypoint_tower.0.conv.weight'],
                       src['head.keypoint_tower.0.conv.weight'])


def test_errors():
    with pytest.raises(ValueError, match='unknown transfer mode'):
        transfer_state_dict({}, {}, 'keep_all', {})
    with pytest.raises(ValueError, match='needs a keypoint mapping'):
        transfer_state_dict({}, {}, 'copy_mapped', {})


def test_frozen_stages_and_lr_multipliers():
    model = simplebaseline(16, 0, frozen_stages=1)
    model.train()
    x = torch.randn(2, 3, 64, 64)
    model.head(model.extract_feat(x)).sum().backward()
    assert model.backbone.conv1.weight.grad is None  # stem frozen
    assert model.backbone.layer1[0].conv1.weight.grad is None  # stage 1 frozen
    assert model.backbone.layer2[0].conv1.weight.grad is not None
    assert model.head.final_layer.weight.grad is not None
    assert not model.backbone.bn1.training  # frozen batch-norm statistics (norm_eval)
    # per-module learning-rate multipliers, expressed in config (MMEngine's paramwise_cfg)
    optim = build_optim_wrapper(copy.deepcopy(model), dict(
        optimizer=dict(type='SGD', lr=0.1),
        paramwise_cfg=dict(custom_keys={'backbone': dict(lr_mult=0.1)})))
    assert sorted({round(g['lr'], 6) for g in optim.optimizer.param_groups}) == [0.01, 0.1]


def test_mmpose_0x_checkpoint_names_are_mapped_and_silence_is_an_error(macaque_and_human,
                                                                       tmp_path):
    """MMPose 0.x top-down checkpoints (e.g. the MacaquePose ResNet-50 of its model zoo) name
    the head ``keypoint_head.*``: read through load_source_state_dict they transfer like 1.x
    ones; handed over raw, a transfer that would copy no head layer raises."""
    from projects.core.models.transfer import load_source_state_dict
    src, tgt = macaque_and_human
    old = {('keypoint_head.' + k[len('head.'):] if k.startswith('head.') else k): v
           for k, v in src.items()}
    assert 'keypoint_head.final_layer.weight' in old
    path = tmp_path / 'mmpose0x.pth'
    torch.save(dict(state_dict=old, meta=dict(mmpose_version='0.29.0')), path)
    fresh = tgt.state_dict()
    layers = per_keypoint_layers(tgt.head)
    m = build_mapping('macaque_to_mpii')
    for mode in ('reinit_final', 'copy_mapped'):
        with pytest.raises(ValueError, match="copied none of the head's intermediate"):
            transfer_state_dict(old, fresh, mode, layers, m)
    loaded = load_source_state_dict(str(path))
    assert set(loaded) == set(src)
    new, rep = transfer_state_dict(loaded, fresh, 'copy_mapped', layers, m)
    assert torch.equal(new['head.deconv_layers.0.weight'], src['head.deconv_layers.0.weight'])
    s, t = keypoint_names('macaque').index('left_knee'), keypoint_names('mpii').index('left_knee')
    assert torch.equal(new['head.final_layer.weight'][t], src['head.final_layer.weight'][s])
    # nothing at all in common: an error, not a silently fresh network
    with pytest.raises(ValueError, match='copied no tensor'):
        transfer_state_dict({'x.weight': torch.zeros(1)}, fresh, 'reinit_head', layers)
    # copy_mapped whose head channels cannot be read (only the backbone matches)
    no_final = {k: v for k, v in src.items() if 'final_layer' not in k}
    with pytest.raises(ValueError, match='no keypoint channel'):
        transfer_state_dict(no_final, fresh, 'copy_mapped', layers, m)
