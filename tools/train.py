"""Train a PoseBridge model: MMPose's tools/train.py interface (MMEngine Runner).

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]] [--amp]
                          [--iters N | --budget MINUTES] [--cfg-options k=v]
    bash tools/dist_train.sh CONFIG NGPUS   # torchrun; gloo on CPU, nccl on GPUs

``--iters N`` trains N iterations and moves everything tied to the count with it (the end of
the learning-rate decay, the validation and checkpoint intervals, SemiMultiPose's loss starts;
``projects.core.engine.schedule.set_max_iters``). ``--budget MINUTES`` first times 12
iterations of the config on this machine, then trains as many iterations as fit the budget
(written to ``<work_dir>/budget.json``; ``--resume`` reads them back, so a resumed run ends
where the first would have).
"""
import argparse
import os
import os.path as osp


from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

from projects.core.engine.config_check import (check_cfg_options,  # noqa: E402
                                               check_hook_args)


def parse_args():
    parser = argparse.ArgumentParser(description='Train a pose model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume', nargs='?', type=str, const='auto',
        help='resume from this checkpoint, or (no value) from the latest one in the work dir')
    parser.add_argument('--amp', action='store_true', help='automatic mixed precision')
    length = parser.add_mutually_exclusive_group()
    length.add_argument('--iters', type=int, help='train this many iterations (the schedule '
                        'moves with them)')
    length.add_argument('--budget', type=float, metavar='MINUTES',
                        help='train as many iterations as fit this many minutes here')
    parser.add_argument('--no-validate', action='store_true',
                        help='do not evaluate checkpoints during training')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the learning rate by the actual batch size')
    parser.add_argument('--show-dir', help='directory for validation visualisations')
    parser.add_argument('--show', action='store_true', help='display predictions')
    parser.add_argument('--interval', type=int, default=1, help='visualise every n samples')
    parser.add_argument('--wait-time', type=float, default=1, help='display time (s)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, key=value')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def apply_amp(cfg, cuda=None):
    """``--amp``: mixed precision for the config's ``optim_wrapper``, in place.

    On a GPU, MMEngine's ``AmpOptimWrapper`` with dynamic loss scaling (float16), as MMPose's
    ``tools/train.py`` does; on a machine without CUDA, where ``AmpOptimWrapper`` refuses to
    start, PoseBridge's ``CPUAmpOptimWrapper`` (bfloat16 autocast; a config's own
    ``channels_last`` is kept).

    Args:
        cfg (Config): the training config.
        cuda (bool, optional): whether CUDA is used; default ``torch.cuda.is_available()``.

    Raises:
        ValueError: the config's optimizer wrapper is another type (e.g. a custom one).
    """
    if cuda is None:
        import torch
        cuda = torch.cuda.is_available()
    current = cfg.optim_wrapper.get('type', 'OptimWrapper')
    if current not in ('OptimWrapper', 'AmpOptimWrapper', 'CPUAmpOptimWrapper'):
        raise ValueError(f'--amp does not support the optimizer wrapper {current} '
                         '(OptimWrapper, AmpOptimWrapper or CPUAmpOptimWrapper)')
    if cuda:
        cfg.optim_wrapper.pop('channels_last', None)
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    else:
        cfg.optim_wrapper.pop('loss_scale', None)
        cfg.optim_wrapper.type = 'CPUAmpOptimWrapper'
        cfg.optim_wrapper.dtype = 'bfloat16'  # also over a config's dtype='float32'


def merge_args(cfg, args):
    """Merge command-line arguments into the config (as MMPose's tools/train.py does)."""
    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(args.config))[0])
    if args.amp:
        apply_amp(cfg)
    if args.resume == 'auto':
        # the newest checkpoint that loads (a truncated newest one is skipped with a warning)
        from projects.core.checkpoint import find_resume_checkpoint
        cfg.load_from = find_resume_checkpoint(cfg.work_dir)
        cfg.resume = cfg.load_from is not None
    elif args.resume is not None:
        from projects.core.checkpoint import check_loadable
        check_loadable(args.resume)
        cfg.resume = True
        cfg.load_from = args.resume
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    if args.show or args.show_dir is not None:
        if 'visualization' not in cfg.default_hooks:
            raise KeyError('--show/--show-dir need default_hooks.visualization '
                           '(PoseVisualizationHook) in the config')
        cfg.default_hooks.visualization.enable = True
        cfg.default_hooks.visualization.show = args.show
        if args.show:
            cfg.default_hooks.visualization.wait_time = args.wait_time
        cfg.default_hooks.visualization.out_dir = args.show_dir
        cfg.default_hooks.visualization.interval = args.interval
    if args.cfg_options is not None:
        check_cfg_options(cfg, args.cfg_options)  # a typo is refused before anything runs
        cfg.merge_from_dict(args.cfg_options)
    check_hook_args(cfg)
    if getattr(args, 'iters', None) is not None:
        from projects.core.engine.schedule import set_max_iters
        set_max_iters(cfg, args.iters)
    return cfg


def apply_budget(cfg, args):
    """``--budget MINUTES``: iterations from this machine's measured speed (see the module
    docstring), recorded in ``<work_dir>/budget.json`` and read back on ``--resume``."""
    from projects.core.engine.schedule import (iters_for_budget, measure_seconds_per_iter,
                                               set_max_iters)
    from projects.core.fileio import read_json, write_json
    record = osp.join(cfg.work_dir, 'budget.json')
    if cfg.get('resume') and osp.isfile(record):
        plan = read_json(record, 'budget record')
        print(f'--budget: resuming the run planned in {record}: {plan["iters"]} iterations')
    else:
        if args.launcher != 'none':
            raise SystemExit('--budget times the config in one process; with a launcher, pass '
                             '--iters (e.g. from a --budget run\'s budget.json)')
        seconds = measure_seconds_per_iter(cfg)
        plan = dict(budget_minutes=args.budget, seconds_per_iter=seconds,
                    iters=iters_for_budget(args.budget, seconds))
        write_json(plan, record, [args.config], cfg.work_dir, overwrite=True, indent=1)
        print(f'--budget {args.budget:g} min: {seconds:.3f} s per iteration measured here -> '
              f'{plan["iters"]} iterations')
    set_max_iters(cfg, int(plan['iters']))


def main():
    args = parse_args()
    cfg = merge_args(Config.fromfile(args.config), args)
    if args.budget is not None:
        apply_budget(cfg, args)
    if 'preprocess_cfg' in cfg:
        cfg.model.setdefault('data_preprocessor', cfg.get('preprocess_cfg', {}))
    from projects.core.engine import setup_cpu_distributed
    setup_cpu_distributed(cfg)
    if cfg.get('load_from') and not cfg.get('resume'):
        # a published MMPose 0.x checkpoint (keypoint_head.*) is loaded through a 1.x copy
        from projects.core.checkpoint import mmpose1x_checkpoint
        cfg.load_from = mmpose1x_checkpoint(cfg.load_from, cfg.work_dir)
    runner = Runner.from_cfg(cfg)
    if cfg.get('load_from'):
        # MMEngine loads non-strictly: refuse a checkpoint of another model before training;
        # a resumed run must fit exactly (a transfer's allowed keys are a load_from matter)
        from projects.core.checkpoint import check_checkpoint_fits
        check_checkpoint_fits(runner.model, cfg.load_from,
                              () if cfg.get('resume') else cfg.get('load_from_allow', ()))
    runner.train()


if __name__ == '__main__':
    main()
