"""Quick start: honeybee data -> train the 30-minute CPU recipe -> OKS AP on held-out frames.

Called by ``tools/quickstart.sh`` (which first sets up the environment). Steps:

1. convert the published honeybee files (``--data``, default ``../shared/data/honeybee``; when
   that folder is missing they are downloaded from github.com/piperod/beepose and checked
   against recorded sha256 sums) into ``data/honeybee``;
2. ``tools/train.py`` on the CPU recipe (2400 iterations in bfloat16 mixed precision:
   22-28 minutes on the 2-core machine measured, see docs/studies/cpu_recipe.md; ``--iters``
   shortens or lengthens it; training frames only);
3. ``tools/test.py`` on the 30 held-out frames, with ``--show-dir`` images;
4. ``<out>/results.json``: the metrics, the commands, the training time and peak memory.

An earlier run's ``metrics.json`` or ``results.json`` in ``--out`` is refused before training
unless ``--overwrite``.
"""
import argparse
import json
import os.path as osp
import resource
import subprocess
import sys
import time

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIG = 'configs/semimultipose/honeybee/directpose_mobilenetv2-fpn_cpu-30min_honeybee-640x384.py'


def run(cmd):
    print('+', ' '.join(cmd), flush=True)
    t0 = time.time()
    subprocess.run(cmd, cwd=ROOT, check=True)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return time.time() - t0, peak_kib / 1024 ** 2


def iters_options(config, iters):
    """``--cfg-options`` that shorten or lengthen ``config``'s training to ``iters``
    iterations: ``train_cfg.max_iters`` and ``val_interval``, and the end of every
    ``CosineAnnealingLR`` in ``param_scheduler`` (found by type, not by position), so that the
    decay still ends with the training as the recipe's does (without it, ``--iters 1200``
    stopped the cosine decay early, e.g. two thirds of the way at a learning rate of 5e-4).

    Args:
        config (str): the config file, relative to the repository root or absolute.
        iters (int): the number of training iterations.

    Returns:
        list[str]: ``key=value`` strings for ``tools/train.py --cfg-options``.
    """
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(ROOT, config), import_custom_modules=False)
    opts = [f'train_cfg.max_iters={iters}', f'train_cfg.val_interval={iters}']
    for i, sched in enumerate(cfg.get('param_scheduler') or []):
        if sched.get('type') == 'CosineAnnealingLR':
            opts.append(f'param_scheduler.{i}.end={max(iters, sched.get("begin", 0) + 1)}')
    return opts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--data', default=osp.join(ROOT, '..', 'shared', 'data', 'honeybee'))
    parser.add_argument('--out', default='outputs/quickstart')
    parser.add_argument('--config', default=CONFIG)
    parser.add_argument('--iters', type=int, help='override the number of training iterations')
    parser.add_argument('--overwrite', action='store_true',
                        help='replace the results of an earlier run in --out')
    args = parser.parse_args(argv)
    from projects.core.cli import check_outputs
    out = osp.join(ROOT, args.out)
    # an earlier run's results are refused before minutes of training, not after
    check_outputs(parser, [osp.join(out, 'metrics.json'), osp.join(out, 'results.json')],
                  [args.config], out, args.overwrite)

    py = sys.executable
    conv = [py, 'tools/dataset_converters/honeybee2coco.py', '--out', 'data/honeybee']
    if osp.isdir(args.data):
        conv += [args.data]
    else:
        print(f'{args.data} not found: downloading the published honeybee files')
        conv += ['--download', 'data/beepose_raw']
    run(conv)

    work_dir = osp.join(args.out, 'work_dir')
    train = [py, 'tools/train.py', args.config, '--work-dir', work_dir]
    if args.iters:
        train += ['--cfg-options'] + iters_options(args.config, args.iters)
    train_s, train_peak = run(train)
    ckpt = open(osp.join(ROOT, work_dir, 'last_checkpoint')).read().strip()
    metrics_file = osp.join(args.out, 'metrics.json')
    test = [py, 'tools/test.py', args.config, ckpt, '--work-dir', work_dir,
            '--out', metrics_file, '--show-dir', osp.abspath(osp.join(ROOT, args.out, 'vis'))]
    test += ['--overwrite'] if args.overwrite else []
    test_s, peak = run(test)
    metrics = json.load(open(osp.join(ROOT, metrics_file)))
    results = dict(config=args.config, checkpoint=ckpt, metrics=metrics,
                   train_seconds=round(train_s, 1), test_seconds=round(test_s, 1),
                   peak_memory_gib=round(peak, 2), train_peak_memory_gib=round(train_peak, 2),
                   commands=[' '.join(c) for c in (conv, train, test)],
                   held_out='data/honeybee/annotations/honeybee_test.json (30 frames)',
                   prediction_images=osp.join(args.out, 'vis'))
    from projects.core.fileio import write_json
    write_json(results, osp.join(out, 'results.json'), [args.config, args.data], out,
               overwrite=args.overwrite, indent=2)
    print(json.dumps(results, indent=2))
    print(f"\nHeld-out OKS AP (dataset sigmas): {metrics.get('coco/AP', float('nan')):.3f}   "
          f"(SemiMultiPose's single-sigma OKS): {metrics.get('sleap/AP', float('nan')):.3f}")


if __name__ == '__main__':
    main()
