r"""SemiMultiPose's protocol: methods x training-set sizes x draws -> Table 1, AP curves.

    python tools/analysis/semimultipose/semimultipose_protocol.py --preset cpu --out outputs/protocol
    python tools/analysis/semimultipose/semimultipose_protocol.py --preset fly-cpu --out outputs/protocol_fly
    python tools/analysis/semimultipose/semimultipose_protocol.py --sizes train5 --draws 0 1 --iters 600 \
        --val-interval 200 --gpus 2 --out outputs/protocol_gpu

Each run is ``tools/train.py`` (``tools/dist_train.sh CONFIG GPUS`` with ``--gpus > 1``) on a
config of ``configs/semimultipose/`` with the split's files, evaluating on the config's
validation frames every ``--val-interval`` iterations (the paper's protocol chooses nothing: the
table reports the last iteration's validation AP; a random fly draw, which has no validation
frames, evaluates on its own held-out frames); runs go one after another. A run whose final checkpoint
exists is not repeated (the protocol can be stopped and started again; an interrupted run
resumes from its last checkpoint; a run asked for more iterations than it has resumes from its
last checkpoint and goes on, so a fine-tune study, whose learning rate is constant, can be
lengthened: copy its ``--out`` and rerun with a larger ``--iters``). Finally ``table1.md``,
``table1.csv``, ``paired.csv``, ``paired_curve.csv`` (every method minus DirectPose, paired by
draw, at each validated iteration) and ``curve_<size>.png`` (AP against iteration, mean +-
standard error over draws, and the paired differences beside it) are written.

Presets (all flags override a preset):

* ``cpu``: honeybees, Train5 and Train25, five draws each, three methods, 600 iterations, AP
  every 200 (30 runs of about 4 minutes on a 2-core machine);
* ``fly-cpu``: the fly clip, 5 labeled frames, draws 0-2, same schedule (9 runs);
* ``--dataset fly --sizes rand40``: the paper's fly protocol, 40 labeled, 40 unlabeled and 20
  held-out frames drawn at random over the whole clip per draw (``sleap2coco.py --name fly
  --random 40 40 20 --draws 5``); each draw is tested on its own 20 frames;
* ``gpu``: honeybees, Train5 / Train25 / Train135, the paper's 15k-iteration ResNet-50 configs,
  AP every 1000 iterations (pass ``--gpus N`` to train each run on N GPUs).

The fine-tune design (a departure from the paper's schedule, for short CPU runs):
``--init-config`` trains, per draw, one network on the draw's labeled frames (e.g. the DirectPose
CPU recipe, ``--init-iters`` iterations, its own schedule scaled to them) into
``<out>/init/<split>``; then every method starts from that checkpoint, with the same seed, at the
constant ``--finetune-lr``, with the fusion terms on from the first iteration, so the three arms
of a draw differ only by their losses and are compared paired by draw. ``--seeds 0 1 2`` repeats
the arms with further seeds (work dirs ``<method>/<split>-s<seed>``) to measure run-to-run noise::

    P='configs/semimultipose/{dataset}/{method}_mobilenetv2-fpn_cpu-30min_{dataset}-{size}.py'
    python tools/analysis/semimultipose/semimultipose_protocol.py --sizes train5 --draws 0 1 2 \
        --config "$P" --init-config "$P" --init-iters 600 --iters 200 --val-interval 100 \
        --finetune-lr 2e-4 --out outputs/finetune

(``--init-config`` fills ``{method}`` with ``directpose``.)

Sensitivity checks (departures from the paper): ``--beta`` and ``--unlabeled-batch`` change only
the SemiMultiPose arm, so a check trains only that arm: from the first study's starting
checkpoints (``--init``), into its own ``--out`` that links the first study's other arms
(finished runs are skipped), paired with them by draw::

    mkdir -p outputs/finetune_beta1 && for m in init directpose semimultipose-labeled; do
        ln -s ../finetune/$m outputs/finetune_beta1/$m; done
    python tools/analysis/semimultipose/semimultipose_protocol.py --sizes train5 --draws 0 1 2 \
        --config "$P" --init 'outputs/finetune/init/{split}/iter_600.pth' --iters 200 \
        --val-interval 100 --finetune-lr 2e-4 --beta 1.0 --out outputs/finetune_beta1 \
        --compare outputs/finetune

``--compare OUT`` adds each method minus the *same* method of another study on the same draws,
paired by draw at every validated iteration (``compare_curve.csv``): here SemiMultiPose at
beta 1 minus SemiMultiPose at the paper's 0.1 (the linked arms compare with themselves, 0).

``--cfg-options key=value ...`` is handed to ``tools/train.py`` for every method run (after the
protocol's own settings; not the ``--init-config`` runs), e.g. ``model.backbone.norm_eval=True``
to keep the starting network's BatchNorm statistics through the fine-tune.
``--init-cfg-options`` does the same for the ``--init-config`` runs, e.g.
``optim_wrapper.dtype=float32 optim_wrapper.channels_last=False model.channels_last=False`` on
both to rerun a study of the honeybee trio in float32 and contiguous memory format, as every
honeybee study before 2026-12-04 ran.

The splits come from ``tools/dataset_converters/honeybee2coco.py`` (honeybee) and
``tools/dataset_converters/sleap2coco.py --name fly --test-frames ... --pool-frames ...`` (fly).
"""
import argparse
import os
import os.path as osp
import runpy

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from mmengine.config import Config  # noqa: E402

from projects.core.experiments import read_curve  # noqa: E402
from projects.core.fileio import write_text  # noqa: E402
from projects.semimultipose.experiments import protocol  # noqa: E402

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


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--preset', choices=sorted(PRESETS))
    parser.add_argument('--dataset', choices=sorted(INPUT))
    parser.add_argument('--methods', nargs='+', choices=protocol.METHODS)
    parser.add_argument('--sizes', nargs='+',
                        choices=['train5', 'train25', 'train_full', 'rand40'],
                        help='rand40: the fly clip drawn at random (sleap2coco.py --random '
                        '40 40 20), each draw with its own held-out frames')
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
    parser.add_argument('--init-config', metavar='CONFIG_PATTERN',
                        help='fine-tune design: train this config (same placeholders as '
                        '--config) per split for --init-iters iterations into <out>/init/<split> '
                        'and start every method from it')
    parser.add_argument('--init-iters', type=int, help='iterations of the --init-config runs')
    parser.add_argument('--finetune-lr', type=float,
                        help='constant learning rate with --init / --init-config')
    parser.add_argument('--seeds', nargs='+', type=int, default=[0],
                        help='seeds of the method runs; the first one is the main table, the '
                        'others (work dirs <method>/<split>-s<seed>) the run-to-run noise')
    parser.add_argument('--beta', type=float,
                        help='sensitivity check: SemiMultiPose\'s L_fu weight (paper 0.1; a '
                        'departure from the paper); the other methods are unchanged')
    parser.add_argument('--unlabeled-batch', type=int,
                        help='sensitivity check: SemiMultiPose\'s unlabeled frames per batch '
                        'beside its labeled share (paper 1); the other methods are unchanged')
    parser.add_argument('--cfg-options', nargs='+', default=(), metavar='KEY=VALUE',
                        help='passed to tools/train.py for every method run (not the '
                        '--init-config runs), e.g. model.backbone.norm_eval=True')
    parser.add_argument('--init-cfg-options', nargs='+', default=(), metavar='KEY=VALUE',
                        help='passed to tools/train.py for the --init-config runs, e.g. '
                        'optim_wrapper.dtype=float32 optim_wrapper.channels_last=False')
    parser.add_argument('--compare', metavar='OUT',
                        help='another study\'s --out on the same draws (e.g. the first study of '
                        'a sensitivity check): report each method minus the same method there, '
                        'paired by draw at every validated iteration')
    parser.add_argument('--gpus', type=int, default=0, help='> 1: tools/dist_train.sh')
    parser.add_argument('--metric', default='coco/AP', help="e.g. 'sleap/AP'")
    parser.add_argument('--out', required=True)
    parser.add_argument('--report-only', action='store_true', help='collect, do not train')
    return parser, parser.parse_args(argv)


def main(argv=None):
    """The study: its runs in the order sizes, draws, seeds, methods (each resumed or skipped
    when done), then the report. One function, longer than most, so that the order of the runs,
    and what each one reads, can be followed from top to bottom."""
    # the study tools' shared helper, tools/analysis/_study_runs.py
    train_run = runpy.run_path(osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))),
                                           '_study_runs.py'))['train_run']
    parser, args = parse_args(argv)
    preset = PRESETS.get(args.preset, {})
    args.out = osp.join(ROOT, args.out)  # relative paths are relative to the repository
    from projects.core.cli import check_out_folder
    check_out_folder(parser, args.out)
    methods = args.methods or list(protocol.METHODS)
    sizes = args.sizes or preset.get('sizes') or ['train5']
    draws = args.draws if args.draws is not None else preset.get('draws', [0])
    iters = args.iters or preset.get('iters', 1000)
    val_interval = args.val_interval or preset.get('val_interval', iters)
    dataset = args.dataset or preset.get('dataset', 'honeybee')
    pattern = args.config or preset.get('config', CPU_CONFIG)
    labeled_batch = args.labeled_batch or preset.get('labeled_batch', 2)
    gpu = pattern == GPU_CONFIG

    if args.init and args.init_config:
        parser.error('--init and --init-config exclude each other')
    if args.init_config and not args.init_iters:
        parser.error('--init-config needs --init-iters')
    if args.init_cfg_options and not args.init_config:
        parser.error('--init-cfg-options needs --init-config')
    size_name = INPUT.get(dataset, {}).get('gpu' if gpu else 'cpu')

    def run(cfg_file: str, work: str, done_iters: int, cfg_options=(), **overrides) -> None:
        """Train one run into ``work`` unless its final checkpoint exists (resume if begun)."""
        done = osp.join(work, f'iter_{done_iters}.pth')
        if args.report_only or osp.exists(done):
            return
        # the run's own config: set by type (protocol.configure_run), kept beside its results
        run_cfg = protocol.configure_run(Config.fromfile(osp.join(ROOT, cfg_file)), **overrides)
        os.makedirs(work, exist_ok=True)
        run_file = osp.join(work, 'run_config.py')
        # written through the one writer; rewritten when an interrupted run is resumed
        write_text(run_cfg.pretty_text, run_file, [osp.join(ROOT, cfg_file)], args.out,
                   overwrite=True)
        # --cfg-options go to tools/train.py, which checks them for typos and merges them
        seconds = train_run(run_file, work, ROOT, done, gpus=args.gpus,
                            cfg_options=cfg_options, log_name='protocol.log')
        print(f'  {osp.relpath(work, args.out)}: {seconds:.0f} s', flush=True)

    ref_curves = None  # --compare: the same methods' curves in another study
    if args.compare is not None:
        args.compare = osp.join(ROOT, args.compare)
        if not osp.isdir(args.compare):
            parser.error(f'--compare {args.compare}: no such directory (a study\'s --out)')
        ref_curves = {}
    curves, seed_curves, init_curves = {}, {}, {}
    for size in sizes:
        for draw in (draws if size != 'train_full' else [0]):
            split = split_name(size, draw)
            # random draws hold out their own frames (<split>_test.json)
            test_split = f'{split}_test' if size.startswith('rand') else None
            init = args.init.format(split=split) if args.init else None
            if args.init_config:
                init_cfg = args.init_config.format(method='directpose', dataset=dataset,
                                                   size=size_name)
                init_work = osp.join(args.out, 'init', split)
                run(init_cfg, init_work, args.init_iters, method='directpose', split=split,
                    max_iters=args.init_iters, val_interval=args.init_iters,
                    labeled_batch=None, dataset=dataset, test_split=test_split,
                    cfg_options=args.init_cfg_options)
                init = osp.join(init_work, f'iter_{args.init_iters}.pth')
                init_curves[(size, draw)] = read_curve(init_work, args.metric)
            for seed in args.seeds:
                for method in methods:
                    suffix = '' if seed == args.seeds[0] else f'-s{seed}'
                    work = osp.join(args.out, method, split + suffix)
                    cfg = pattern.format(method=method, dataset=dataset, size=size_name)
                    run(cfg, work, iters, method=method, split=split, max_iters=iters,
                        val_interval=val_interval, labeled_batch=labeled_batch,
                        dataset=dataset, init_checkpoint=init, finetune_lr=args.finetune_lr,
                        seed=seed, test_split=test_split, beta=args.beta,
                        unlabeled_batch=args.unlabeled_batch, cfg_options=args.cfg_options)
                    curve = read_curve(work, args.metric)
                    if suffix:
                        seed_curves[(method, size, draw, seed)] = curve
                    else:
                        curves[(method, size, draw)] = curve
                        if ref_curves is not None:
                            ref_curves[(method, size, draw)] = read_curve(
                                osp.join(args.compare, method, split), args.metric)
    paths = protocol.write_report(args.out, curves, methods, sizes, key=args.metric,
                                  dataset=dataset, seed_curves=seed_curves,
                                  init_curves=init_curves, first_seed=args.seeds[0],
                                  reference_curves=ref_curves,
                                  reference_name=osp.relpath(args.compare, ROOT)
                                  if args.compare else '')
    print(open(paths['markdown']).read())
    for k, v in paths.items():
        print(f'{k:18s} {v}')


if __name__ == '__main__':
    main()
