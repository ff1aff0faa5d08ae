"""Config typos are refused before a run starts."""
import inspect
import os.path as osp
import re

import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from projects.core.engine import ConfigKeyError, check_cfg_options, check_hook_args
from projects.core.engine.config_check import EXTRA_TOP_LEVEL

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


RECIPE = osp.join(ROOT, 'configs', 'semimultipose', 'honeybee',
                  'directpose_mobilenetv2-fpn_cpu-30min_honeybee-640x384.py')


@pytest.mark.parametrize('key,match', [
    # a config-file variable: the model and the pipeline were built from it at parsing
    ('codec.refine_radius', "'codec' is a variable of the config file"),
    ('input_size', "'input_size' is a variable of the config file"),
    # misspellings in open dicts (no type to check against)
    ('model.test_cfg.flip_testt', "model.test_cfg has no 'flip_testt'; did you mean "
                                  "'flip_test'"),
    ('env_cfg.cudnn_benchmarkk', "did you mean 'cudnn_benchmark'"),
    # an argument the registered type does not take (MMPose's codec, MMPose's backbone,
    # MMEngine's GroupNorm through the 'GN' alias)
    ('model.head.decoder.max_candidate', r"model.head.decoder \(DirectPoseLabel\) has no "
                                         "'max_candidate'.*did you mean 'max_candidates'"),
    ('model.backbone.widen_factorr', r"\(MobileNetV2\).*did you mean 'widen_factor'"),
    ('model.head.norm_cfg.num_groupss', "did you mean 'num_groups'"),
    # list elements by index
    ('test_evaluator.5.prefix', "test_evaluator is a list of 3; '5' is not an index"),
    ('model.head.num_keypoints.x', 'is a value'),
])
def test_nested_cfg_options_nothing_reads_are_refused(key, match):
    cfg = Config.fromfile(RECIPE)
    with pytest.raises(ConfigKeyError, match=match):
        check_cfg_options(cfg, {key: 1})


def test_nested_cfg_options_that_are_read_pass():
    cfg = Config.fromfile(RECIPE)
    check_cfg_options(cfg, {
        'model.head.decoder.dark_kernel': 5,  # a codec argument the config leaves at default
        'model.channels_last': False, 'model.backbone.norm_eval': True,
        'optim_wrapper.dtype': 'float32', 'test_evaluator.0.outfile_prefix': 'x',
        'train_dataloader.dataset.pipeline.3.encoder.heatmap_sigma': 1.0,
        'model.test_cfg.shift_heatmap': True,  # a new key, not a misspelling: allowed
        'env_cfg.cudnn_benchmark': True, 'val_evaluator.1.oks_stddev': 0.5,
        'data_mode': 'bottomup'})


def test_keys_mmengine_reads_outside_runner_arguments_pass():
    """``--cfg-options compile=True`` (``torch.compile`` of ``train_step``) was refused although
    MMEngine's ``Runner`` reads it; the keys it reads with ``self.cfg.get`` are taken from its
    source, so that a newer MMEngine's new key shows up here."""
    read = set(re.findall(r"self\.cfg\.get\(\s*'(\w+)'", inspect.getsource(Runner)))
    assert {'compile', 'activation_checkpointing', 'efficient_conv_bn_eval',
            'sync_bn'} <= read
    signature = set(inspect.signature(Runner.__init__).parameters)
    assert read - signature <= EXTRA_TOP_LEVEL
    cfg = Config.fromfile(DEMO)
    check_cfg_options(cfg, {'compile': True, 'activation_checkpointing': ['backbone'],
                            'efficient_conv_bn_eval': ['backbone'], 'sync_bn': 'torch'})


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
