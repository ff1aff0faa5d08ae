"""Evaluate a PoseBridge checkpoint: MMPose's tools/test.py interface.

    python tools/test.py CONFIG CHECKPOINT [--split test|val] [--work-dir DIR] [--out metrics.json]
                         [--dump preds.pkl] [--show-dir DIR] [--overwrite] [--cfg-options k=v]

``--split val`` scores the validation frames (the config's ``val_dataloader`` and
``val_evaluator``) instead of the test frames: settings (decoding, thresholds, checkpoints) are
chosen there, and the test frames are scored once per reported model.

``--out`` and ``--dump`` are checked before anything runs: neither may be the config or the
checkpoint, a link, or an existing file (unless ``--overwrite``, which replaces it atomically).
"""
import argparse
import os
import os.path as osp


import numpy as np  # noqa: E402
from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.hooks import Hook  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

from projects.core.engine.config_check import (check_cfg_options,  # noqa: E402
                                               check_hook_args)


def parse_args():
    parser = argparse.ArgumentParser(description='Evaluate a pose model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--split', choices=['test', 'val'], default='test',
                        help='score the test frames (default) or the validation frames, on '
                        'which settings are chosen')
    parser.add_argument('--work-dir', help='the directory to save evaluation results')
    parser.add_argument('--out', help='write the metrics to this JSON file')
    parser.add_argument('--dump', help='dump predictions to a pickle file')
    parser.add_argument('--show-dir', help='save images of predictions and ground truth here')
    parser.add_argument('--overwrite', action='store_true',
                        help='replace an existing --out / --dump file')
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


def merge_args(cfg, args):
    cfg.launcher = args.launcher
    if getattr(args, 'split', 'test') == 'val':
        for key in ('val_dataloader', 'val_evaluator'):
            if not cfg.get(key):
                raise KeyError(f'--split val needs {key} in {args.config}')
        cfg.test_dataloader = cfg.val_dataloader
        cfg.test_evaluator = cfg.val_evaluator
    cfg.load_from = args.checkpoint
    # testing never resumes a training: the config MMEngine dumps into the work dir of a
    # resumed run says ``resume = True``, which would read the checkpoint's training state
    # (``message_hub``), absent from a weights-only checkpoint
    cfg.resume = False
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(args.config))[0])
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
    if args.dump is not None:
        if not args.dump.endswith(('.pkl', '.pickle')):
            raise ValueError('--dump must be a .pkl file')
        dump_metric = dict(type='DumpPredictions', out_file_path=args.dump,
                           sources=[args.config, args.checkpoint], overwrite=args.overwrite)
        if isinstance(cfg.test_evaluator, (list, tuple)):
            cfg.test_evaluator = [*cfg.test_evaluator, dump_metric]
        else:
            cfg.test_evaluator = [cfg.test_evaluator, dump_metric]
    if args.cfg_options is not None:
        check_cfg_options(cfg, args.cfg_options)  # a typo is refused before anything runs
        cfg.merge_from_dict(args.cfg_options)
    check_hook_args(cfg)
    return cfg


def check_outputs(args):
    """Refuse ``--out`` / ``--dump`` before anything runs (see the module docstring)."""
    from projects.core.fileio import UnsafeOutputError, check_output
    outs = [p for p in (args.out, args.dump) if p is not None]
    if len(outs) == 2 and osp.realpath(outs[0]) == osp.realpath(outs[1]):
        raise SystemExit(f'--out and --dump are the same file {args.out}')
    for path in outs:
        try:
            check_output(path, None, [args.config, args.checkpoint], None, args.overwrite)
        except UnsafeOutputError as e:
            raise SystemExit(f'test.py: {e}') from None


def main():
    args = parse_args()
    check_outputs(args)
    cfg = merge_args(Config.fromfile(args.config), args)
    from projects.core.engine import setup_cpu_distributed
    setup_cpu_distributed(cfg)
    # a published MMPose 0.x checkpoint (keypoint_head.*) is loaded through a 1.x copy
    from projects.core.checkpoint import check_checkpoint_fits, mmpose1x_checkpoint
    try:  # a missing, truncated or empty checkpoint: the error names it
        cfg.load_from = mmpose1x_checkpoint(args.checkpoint, cfg.work_dir)
    except (FileNotFoundError, RuntimeError) as e:
        raise SystemExit(f'test.py: {e}') from None
    runner = Runner.from_cfg(cfg)
    # MMEngine loads non-strictly: refuse a checkpoint of another model before testing
    check_checkpoint_fits(runner.model, cfg.load_from, cfg.get('load_from_allow', ()))
    if args.out:
        from projects.core.fileio import write_json

        class SaveMetricHook(Hook):

            def after_test_epoch(self, _, metrics=None):
                if metrics is not None:
                    # a metric without a value (NaN) is written as null (JSON has no NaN)
                    write_json({k: float(v) if np.isfinite(float(v)) else None
                                for k, v in metrics.items()}, args.out,
                               [args.config, args.checkpoint], None, args.overwrite, indent=2)

        runner.register_hook(SaveMetricHook(), 'LOWEST')
    runner.test()


if __name__ == '__main__':
    main()
