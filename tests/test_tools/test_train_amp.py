"""``tools/train.py --amp`` on a CPU-only machine (MMEngine's AmpOptimWrapper needs a GPU)."""
import os.path as osp
import sys

import pytest
import torch
from mmengine.config import Config

from .tiny_config import ROOT

HB = osp.join(ROOT, 'configs', 'semimultipose', 'honeybee')


def _apply_amp():
    sys.path.insert(0, osp.join(ROOT, 'tools'))
    try:
        from train import apply_amp
    finally:
        sys.path.pop(0)
    return apply_amp


def test_amp_on_cpu_builds_the_bfloat16_wrapper_and_on_gpu_mmengine_s():
    apply_amp = _apply_amp()
    demo = osp.join(HB, 'directpose_mobilenetv2-fpn_cpu-demo_honeybee-640x384.py')
    cfg = Config.fromfile(demo)
    assert cfg.optim_wrapper.get('type') is None  # MMEngine's OptimWrapper
    apply_amp(cfg, cuda=False)
    assert cfg.optim_wrapper.type == 'CPUAmpOptimWrapper'
    assert cfg.optim_wrapper.dtype == 'bfloat16' and 'loss_scale' not in cfg.optim_wrapper
    from mmpose.registry import OPTIM_WRAPPERS
    import projects.core  # noqa: F401
    net = torch.nn.Conv2d(3, 4, 3)
    opt = dict(cfg.optim_wrapper)
    opt['optimizer'] = torch.optim.AdamW(net.parameters(), lr=opt['optimizer']['lr'])
    wrapper = OPTIM_WRAPPERS.build(opt)
    with wrapper.optim_context(net):
        assert net(torch.randn(1, 3, 8, 8)).dtype == torch.bfloat16
    # on a GPU: MMEngine's float16 wrapper with dynamic loss scaling, as MMPose's train.py;
    # the recipe's CPU-only channels_last is dropped
    recipe = Config.fromfile(
        osp.join(HB, 'directpose_mobilenetv2-fpn_cpu-30min_honeybee-640x384.py'))
    assert recipe.optim_wrapper.channels_last is True
    apply_amp(recipe, cuda=True)
    assert recipe.optim_wrapper.type == 'AmpOptimWrapper'
    assert recipe.optim_wrapper.loss_scale == 'dynamic'
    assert 'channels_last' not in recipe.optim_wrapper


def test_amp_refuses_another_optimizer_wrapper():
    apply_amp = _apply_amp()
    cfg = Config(dict(optim_wrapper=dict(type='MyWrapper', optimizer=dict(type='SGD', lr=1))))
    with pytest.raises(ValueError, match='--amp does not support the optimizer wrapper MyWrapper'):
        apply_amp(cfg, cuda=False)
