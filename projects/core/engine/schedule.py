"""Training length by iterations or by a time budget (``tools/train.py --iters / --budget``).

A config's schedule is tied to its iteration count in several places: the loop's
``max_iters``, the validation and checkpoint intervals, the end of a learning-rate decay
(``CosineAnnealingLR`` ... ``end``) and the start iterations of ``SemiMultiPoseHook``'s loss
terms. :func:`set_max_iters` moves all of them together, so that a shorter or longer run keeps
the schedule's shape (without it, a run cut to fewer iterations stops its cosine decay early;
a longer one trains its last iterations at the final learning rate).

:func:`measure_seconds_per_iter` times a few training iterations of the config in a throwaway
run; :func:`iters_for_budget` turns a budget in minutes into iterations from that speed.
"""
import copy
import math
import os.path as osp
import statistics
import tempfile
import time
from typing import Dict

from mmengine.config import Config


def _scale(value, old: int, new: int):
    return max(1, int(round(value * new / old)))


def set_max_iters(cfg: Config, iters: int) -> Dict[str, object]:
    """Train ``cfg`` for ``iters`` iterations, moving what depends on the count, in place.

    * ``train_cfg.max_iters`` = ``iters``; ``train_cfg.val_interval`` and
      ``default_hooks.checkpoint.interval`` scaled by ``iters / max_iters`` (a run validated
      and saved once at its end still is);
    * every ``param_scheduler`` entry counted in iterations that ends at the old
      ``max_iters`` (or later) ends at ``iters``; one that ends earlier (a warm-up) is kept,
      unless it would end after ``iters``;
    * ``SemiMultiPoseHook``'s ``fl_start`` / ``fu_start`` scaled by ``iters / max_iters``.

    Args:
        cfg (Config): a config with an iteration-based ``train_cfg``.
        iters (int): the new number of training iterations.

    Returns:
        dict: each changed key (dotted path) -> ``(old, new)``.

    Raises:
        ValueError: ``iters`` < 1, or the config trains by epochs.
    """
    if iters < 1:
        raise ValueError(f'iterations must be >= 1, got {iters}')
    tc = cfg.get('train_cfg') or {}
    old = tc.get('max_iters')
    if old is None or tc.get('by_epoch', False) or 'max_epochs' in tc:
        raise ValueError('--iters/--budget need an iteration-based train_cfg (max_iters); '
                         f'this config has {dict(tc)}')
    changed = {'train_cfg.max_iters': (old, iters)}
    cfg.train_cfg.max_iters = iters
    if tc.get('val_interval'):
        new = min(iters, _scale(tc['val_interval'], old, iters))
        changed['train_cfg.val_interval'] = (tc['val_interval'], new)
        cfg.train_cfg.val_interval = new
    ckpt = (cfg.get('default_hooks') or {}).get('checkpoint')
    if ckpt and ckpt.get('interval') and ckpt.get('by_epoch', False) is False:
        new = min(iters, _scale(ckpt['interval'], old, iters))
        changed['default_hooks.checkpoint.interval'] = (ckpt['interval'], new)
        ckpt.interval = new
    for i, sched in enumerate(cfg.get('param_scheduler') or []):
        if sched.get('by_epoch', True) is not False or sched.get('end') is None:
            continue
        end = sched['end']
        if end >= old or end > iters:
            new = max(iters, sched.get('begin', 0) + 1) if end >= old else iters
            changed[f'param_scheduler.{i}.end'] = (end, new)
            sched.end = new
    for i, hook in enumerate(cfg.get('custom_hooks') or []):
        if hook.get('type') != 'SemiMultiPoseHook':
            continue
        for key in ('fl_start', 'fu_start'):
            if hook.get(key) is not None:
                new = int(round(hook[key] * iters / old))
                changed[f'custom_hooks.{i}.{key}'] = (hook[key], new)
                hook[key] = new
    return changed


def measure_seconds_per_iter(cfg: Config, iters: int = 12, skip: int = 4) -> float:
    """Median seconds of a training iteration of ``cfg`` on this machine, now.

    Runs ``iters`` iterations of a copy of ``cfg`` in a temporary work dir (no validation,
    no checkpoint, no load or resume; the model is built and initialised as training would)
    and returns the median time between the ends of iterations ``skip`` .. ``iters`` (the
    first ones include the data loaders' start).

    Raises:
        ValueError: ``iters <= skip + 1``.
    """
    from mmengine.hooks import Hook
    from mmengine.runner import Runner
    if iters <= skip + 1:
        raise ValueError(f'iters ({iters}) must exceed skip + 1 ({skip + 1})')
    probe = copy.deepcopy(cfg)
    set_max_iters(probe, iters)
    probe.train_cfg.val_interval = iters + 1
    probe.val_cfg = probe.val_dataloader = probe.val_evaluator = None
    probe.default_hooks.checkpoint = dict(type='CheckpointHook', interval=iters + 1,
                                          save_last=False)
    probe.load_from, probe.resume = None, False
    probe.visualizer = dict(type='PoseLocalVisualizer', vis_backends=[])
    stamps = []

    class Stamp(Hook):
        def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
            stamps.append(time.perf_counter())

    with tempfile.TemporaryDirectory(prefix='posebridge_speed_') as tmp:
        probe.work_dir = osp.join(tmp, 'work')
        probe.experiment_name = 'speed_probe'
        runner = Runner.from_cfg(probe)
        runner.register_hook(Stamp(), 'LOWEST')
        runner.train()
        # release data-loader workers before the real run starts
        del runner
    steps = [b - a for a, b in zip(stamps[skip:], stamps[skip + 1:])]
    return float(statistics.median(steps))


def iters_for_budget(minutes: float, seconds_per_iter: float, margin: float = 0.05,
                     round_to: int = 10) -> int:
    """Iterations that fit ``minutes`` at ``seconds_per_iter``, less a ``margin`` fraction
    (validation, checkpoints, the data loaders' start), rounded down to ``round_to``.

    Raises:
        ValueError: non-positive inputs.
    """
    if minutes <= 0 or seconds_per_iter <= 0:
        raise ValueError(f'budget {minutes} min and {seconds_per_iter} s/iteration must be > 0')
    n = minutes * 60.0 * (1.0 - margin) / seconds_per_iter
    return max(round_to, int(math.floor(n / round_to)) * round_to)


__all__ = ['set_max_iters', 'measure_seconds_per_iter', 'iters_for_budget']
