"""Config typos are refused before a run starts."""
import os.path as osp

import pytest
from mmengine.config import Config

from projects.core.engine import ConfigKeyError, check_cfg_options, check_hook_args

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
DEMO = osp.join(ROOT, 'configs', 'semimultipose', 'honeybee',
                'directpose_mobilenetv2-fpn_cpu-demo_honeybee-640x384.py')


def test_cfg_options_with_unknown_top_level_key_are_refused():
    cfg = Config.fromfile(DEMO)
    with pytest.raises(ConfigKeyError, match="train_cfgg.max_iters: the config has no "
                                             "'train_cfgg'.*did you mean 'train_cfg'"):
        check_cfg_options(cfg, {'train_cfgg.max_iters': 2})
    # keys of the config, Runner arguments and PoseBridge's own keys pass
    check_cfg_options(cfg, {'train_cfg.max_iters': 2, 'randomness.seed': 1,
                            'load_from': 'x.pth', 'load_from_allow': ['head\\.'],
                            'model.head.decoder.refine_radius': 2.0})


def test_hook_argument_typos_are_refused_when_read():
    cfg = Config.fromfile(DEMO)
    check_hook_args(cfg)  # the shipped config is clean
    cfg.default_hooks.checkpoint.intervall = 5
    with pytest.raises(ConfigKeyError, match="default_hooks.checkpoint: CheckpointHook takes no "
                                             "argument 'intervall'.*did you mean 'interval'"):
        check_hook_args(cfg)
    cfg = Config.fromfile(DEMO)
    # CheckpointHook's extra keywords that Runner.save_checkpoint takes are fine
    cfg.default_hooks.checkpoint.meta = None
    cfg.custom_hooks[0].priority = 'LOW'
    check_hook_args(cfg)
    cfg.custom_hooks[0].alpah = 1.0
    with pytest.raises(ConfigKeyError, match=r"custom_hooks\[0\] \(SemiMultiPoseHook\): .*"
                                             "'alpah'.*did you mean 'alpha'"):
        check_hook_args(cfg)
