"""--iters / --budget: the schedule moves with the iteration count."""
import os.path as osp

import pytest
from mmengine.config import Config

from projects.core.engine.schedule import iters_for_budget, set_max_iters
from tests.conftest import ROOT

RECIPE = osp.join(ROOT, 'configs', 'semimultipose', 'honeybee',
                  'semimultipose_mobilenetv2-fpn_cpu-30min_honeybee-640x384.py')


def test_set_max_iters_moves_the_whole_schedule_by_hand():
    cfg = Config.fromfile(RECIPE)
    # the recipe: 2400 iterations, validated every 400, saved every 800, warm-up to 50,
    # cosine to 2400, L_fl from 320, L_fu from 800; intervals scale with the run
    assert cfg.train_cfg.max_iters == 2400 and cfg.default_hooks.checkpoint.interval == 800
    assert cfg.train_cfg.val_interval == 400
    changed = set_max_iters(cfg, 1200)
    assert cfg.train_cfg.max_iters == 1200 and cfg.train_cfg.val_interval == 200
    assert cfg.default_hooks.checkpoint.interval == 400
    assert [s.end for s in cfg.param_scheduler] == [50, 1200]
    hook = [h for h in cfg.custom_hooks if h.type == 'SemiMultiPoseHook'][0]
    assert (hook.fl_start, hook.fu_start) == (160, 400)
    assert changed['param_scheduler.1.end'] == (2400, 1200)
    assert 'param_scheduler.0.end' not in changed
    # shorter than the warm-up: the warm-up ends with the run, the cosine just after it
    cfg = Config.fromfile(RECIPE)
    set_max_iters(cfg, 20)
    assert [s.end for s in cfg.param_scheduler] == [20, 51]
    # 400 / 2400 x 20 = 3.3 -> 3; 800 / 2400 x 20 = 6.7 -> 7
    assert cfg.train_cfg.val_interval == 3 and cfg.default_hooks.checkpoint.interval == 7
    with pytest.raises(ValueError, match='>= 1'):
        set_max_iters(cfg, 0)


def test_iters_for_budget_by_hand():
    # 30 minutes at 0.6 s an iteration, 5 % kept for validation and start-up:
    # 1800 * 0.95 / 0.6 = 2850
    assert iters_for_budget(30, 0.6) == 2850
    assert iters_for_budget(1, 7.0) == 10  # 60 * 0.95 / 7 = 8.14 -> at least one step of 10
    assert iters_for_budget(10, 0.7, round_to=100) == 800  # 814 -> 800
    with pytest.raises(ValueError):
        iters_for_budget(0, 1.0)
