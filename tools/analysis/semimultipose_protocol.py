"""SemiMultiPose's protocol on honeybees: methods x training-set sizes x draws -> Table 1, curves.

    python tools/analysis/semimultipose_protocol.py --preset cpu --out outputs/protocol
    python tools/analysis/semimultipose_protocol.py --sizes train5 --draws 0 1 --iters 600 \
        --val-interval 200 --gpus 2 --out outputs/protocol_gpu

Each run is ``tools/train.py`` (``tools/dist_train.sh CONFIG GPUS`` with ``--gpus > 1``) on a
config of ``configs/semimultipose/`` with the split's files, evaluating on the held-out frames
every ``--val-interval`` iterations; runs go one after another. A run whose final checkpoint
exists is not repeated (the protocol can be stopped and started again; an interrupted run
resumes from its last checkpoint). Finally ``table1.md``, ``table1.csv`` and
``curve_<size>.png`` (AP against iteration, mean +- standard error over draws) are written.

Presets: ``cpu`` = Train5 and Train25, five draws each, three methods, 600 iterations, AP every
200 (about 30 runs of 3-4 minutes on a 2-core machine); all flags override a preset.
"""
import argparse
import os
import os.path as osp
import subprocess
import sys
import time

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, ROOT)

from projects.semimultipose.evaluation import protocol  # noqa: E402

PRESETS = dict(cpu=dict(sizes=['train5', 'train25'], draws=[0, 1, 2, 3, 4], iters=600,
                        val_interval=200))
CONFIG = 'configs/semimultipose/{method}_mobilenetv2-fpn_cpu-demo_honeybee-640x384.py'


def split_name(size: str, draw: int) -> str:
    return size if size == 'train_full' else f'{size}-d{draw}'


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--preset', choices=sorted(PRESETS))
    parser.add_argument('--methods', nargs='+', choices=protocol.METHODS)
    parser.add_argument('--sizes', nargs='+', choices=['train5', 'train25', 'train_full'])
    parser.add_argument('--draws', nargs='+', type=int)
    parser.add_argument('--iters', type=int)
    parser.add_argument('--val-interval', type=int)
    parser.add_argument('--config', default=CONFIG, help='config pattern with {method}')
    parser.add_argument('--gpus', type=int, default=0, help='> 1: tools/dist_train.sh')
    parser.add_argument('--metric', default='coco/AP', help="e.g. 'sleap/AP'")
    parser.add_argument('--out', required=True)
    parser.add_argument('--report-only', action='store_true', help='collect, do not train')
    args = parser.parse_args(argv)
    preset = PRESETS.get(args.preset, {})
    methods = args.methods or list(protocol.METHODS)
    sizes = args.sizes or preset.get('sizes') or ['train5']
    draws = args.draws if args.draws is not None else preset.get('draws', [0])
    iters = args.iters or preset.get('iters', 1000)
    val_interval = args.val_interval or preset.get('val_interval', iters)

    curves = {}
    for size in sizes:
        for draw in (draws if size != 'train_full' else [0]):
            for method in methods:
                split = split_name(size, draw)
                work = osp.join(args.out, method, split)
                cfg = args.config.format(method=method)
                if not args.report_only and not osp.exists(osp.join(work, f'iter_{iters}.pth')):
                    opts = protocol.run_options(method, split, iters, val_interval)
                    if args.gpus > 1:
                        cmd = ['bash', 'tools/dist_train.sh', cfg, str(args.gpus)]
                    else:
                        cmd = [sys.executable, 'tools/train.py', cfg]
                    cmd += ['--work-dir', work, '--cfg-options', *opts]
                    if osp.exists(osp.join(work, 'last_checkpoint')):
                        cmd.append('--resume')
                    os.makedirs(work, exist_ok=True)
                    t0 = time.time()
                    print('+', ' '.join(cmd), flush=True)
                    with open(osp.join(work, 'protocol.log'), 'a') as log:
                        subprocess.run(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                       check=True)
                    print(f'  {method} {split}: {time.time() - t0:.0f} s', flush=True)
                curves[(method, size, draw)] = protocol.read_curve(osp.join(ROOT, work),
                                                                   args.metric)
    paths = protocol.write_report(args.out, curves, methods, sizes, key=args.metric)
    print(open(paths['markdown']).read())
    for k, v in paths.items():
        print(f'{k:14s} {v}')


if __name__ == '__main__':
    main()
