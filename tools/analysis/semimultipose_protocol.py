"""SemiMultiPose's protocol: methods x training-set sizes x draws -> Table 1, AP curves.

    python tools/analysis/semimultipose_protocol.py --preset cpu --out outputs/protocol
    python tools/analysis/semimultipose_protocol.py --preset fly-cpu --out outputs/protocol_fly
    python tools/analysis/semimultipose_protocol.py --sizes train5 --draws 0 1 --iters 600 \
        --val-interval 200 --gpus 2 --out outputs/protocol_gpu

Each run is ``tools/train.py`` (``tools/dist_train.sh CONFIG GPUS`` with ``--gpus > 1``) on a
config of ``configs/semimultipose/`` with the split's files, evaluating on the held-out frames
every ``--val-interval`` iterations; runs go one after another. A run whose final checkpoint
exists is not repeated (the protocol can be stopped and started again; an interrupted run
resumes from its last checkpoint). Finally ``table1.md``, ``table1.csv`` and
``curve_<size>.png`` (AP against iteration, mean +- standard error over draws) are written.

Presets (all flags override a preset):

* ``cpu``: honeybees, Train5 and Train25, five draws each, three methods, 600 iterations, AP
  every 200 (30 runs of about 4 minutes on a 2-core machine);
* ``fly-cpu``: the fly clip, 5 labeled frames, draws 0-2, same schedule (9 runs);
* ``gpu``: honeybees, Train5 / Train25 / Train135, the paper's 15k-iteration ResNet-50 configs,
  AP every 1000 iterations (pass ``--gpus N`` to train each run on N GPUs).

The splits come from ``tools/dataset_converters/honeybee2coco.py`` (honeybee) and
``tools/dataset_converters/sleap2coco.py --name fly --test-frames ... --pool-frames ...`` (fly).
"""
import argparse
import os
import os.path as osp
import subprocess
import sys
import time

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, ROOT)

from mmengine.config import Config  # noqa: E402

from projects.semimultipose.evaluation import protocol  # noqa: E402

CPU_CONFIG = 'configs/semimultipose/{dataset}/{method}_mobilenetv2-fpn_cpu-demo_{dataset}-{size}.py'
GPU_CONFIG = 'configs/semimultipose/{dataset}/{method}_resnet50-fpn_15k_{dataset}-{size}.py'
INPUT = dict(honeybee=dict(cpu='640x384', gpu='1280x736'), fly=dict(cpu='512x512', gpu='1024x1024'))
PRESETS = {
    'cpu': dict(dataset='honeybee', sizes=['train5', 'train25'], draws=[0, 1, 2, 3, 4],
                iters=600, val_interval=200, config=CPU_CONFIG, labeled_batch=2),
    'fly-cpu': dict(dataset='fly', sizes=['train5'], draws=[0, 1, 2], iters=600,
                    val_interval=200, config=CPU_CONFIG, labeled_batch=2),
    'gpu': dict(dataset='honeybee', sizes=['train5', 'train25', 'train_full'],
                draws=[0, 1, 2, 3, 4], iters=15000, val_interval=1000, config=GPU_CONFIG,
                labeled_batch=3),
}


def split_name(size: str, draw: int) -> str:
    return size if size == 'train_full' else f'{size}-d{draw}'


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--preset', choices=sorted(PRESETS))
    parser.add_argument('--dataset', choices=sorted(INPUT))
    parser.add_argument('--methods', nargs='+', choices=protocol.METHODS)
    parser.add_argument('--sizes', nargs='+', choices=['train5', 'train25', 'train_full'])
    parser.add_argument('--draws', nargs='+', type=int)
    parser.add_argument('--iters', type=int)
    parser.add_argument('--val-interval', type=int)
    parser.add_argument('--config', help='config pattern with {method} (and {dataset}, {size})')
    parser.add_argument('--labeled-batch', type=int,
                        help='labeled frames per batch of the labeled-only methods')
    parser.add_argument('--init', metavar='CKPT_PATTERN',
                        help='fine-tune design: every method starts from this checkpoint '
                        '({split} is replaced by the run\'s split), at --finetune-lr, with the '
                        'fusion terms on from the start (a departure from the paper)')
    parser.add_argument('--finetune-lr', type=float, help='constant learning rate with --init')
    parser.add_argument('--gpus', type=int, default=0, help='> 1: tools/dist_train.sh')
    parser.add_argument('--metric', default='coco/AP', help="e.g. 'sleap/AP'")
    parser.add_argument('--out', required=True)
    parser.add_argument('--report-only', action='store_true', help='collect, do not train')
    args = parser.parse_args(argv)
    preset = PRESETS.get(args.preset, {})
    args.out = osp.join(ROOT, args.out)  # relative paths are relative to the repository
    methods = args.methods or list(protocol.METHODS)
    sizes = args.sizes or preset.get('sizes') or ['train5']
    draws = args.draws if args.draws is not None else preset.get('draws', [0])
    iters = args.iters or preset.get('iters', 1000)
    val_interval = args.val_interval or preset.get('val_interval', iters)
    dataset = args.dataset or preset.get('dataset', 'honeybee')
    pattern = args.config or preset.get('config', CPU_CONFIG)
    labeled_batch = args.labeled_batch or preset.get('labeled_batch', 2)
    gpu = pattern == GPU_CONFIG

    curves = {}
    for size in sizes:
        for draw in (draws if size != 'train_full' else [0]):
            for method in methods:
                split = split_name(size, draw)
                work = osp.join(args.out, method, split)
                cfg = pattern.format(method=method, dataset=dataset,
                                     size=INPUT.get(dataset, {}).get('gpu' if gpu else 'cpu'))
                if not args.report_only and not osp.exists(osp.join(work, f'iter_{iters}.pth')):
                    # the run's own config: the method's config with this run's split and
                    # schedule, set by type (protocol.configure_run), written beside its results
                    run_cfg = protocol.configure_run(
                        Config.fromfile(osp.join(ROOT, cfg)), method, split, iters,
                        val_interval, labeled_batch=labeled_batch, dataset=dataset,
                        init_checkpoint=args.init.format(split=split) if args.init else None,
                        finetune_lr=args.finetune_lr)
                    os.makedirs(work, exist_ok=True)
                    cfg_file = osp.join(work, 'run_config.py')
                    run_cfg.dump(cfg_file)
                    if args.gpus > 1:
                        cmd = ['bash', 'tools/dist_train.sh', cfg_file, str(args.gpus)]
                    else:
                        cmd = [sys.executable, 'tools/train.py', cfg_file]
                    cmd += ['--work-dir', work]
                    if osp.exists(osp.join(work, 'last_checkpoint')):
                        cmd.append('--resume')
                    t0 = time.time()
                    print('+', ' '.join(cmd), flush=True)
                    with open(osp.join(work, 'protocol.log'), 'a') as log:
                        subprocess.run(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                       check=True)
                    print(f'  {method} {split}: {time.time() - t0:.0f} s', flush=True)
                curves[(method, size, draw)] = protocol.read_curve(work, args.metric)
    paths = protocol.write_report(args.out, curves, methods, sizes, key=args.metric,
                                  dataset=dataset)
    print(open(paths['markdown']).read())
    for k, v in paths.items():
        print(f'{k:14s} {v}')


if __name__ == '__main__':
    main()
