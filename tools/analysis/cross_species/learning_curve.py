r"""Learning curves: a metric against the number of labeled images, with and without transfer.

    python tools/analysis/cross_species/learning_curve.py --out outputs/lc_bee \
        scratch=configs/semimultipose/honeybee/directpose_mobilenetv2-fpn_cpu-demo_honeybee-640x384.py \
        fly-transfer=configs/semimultipose/honeybee/directpose_mobilenetv2-fpn_cpu-demo-fly-transfer_honeybee-640x384.py \
        --pool data/honeybee/annotations/honeybee_train_full.json --sizes 5 --seeds 0 1 2 \
        --metric coco/AP --cfg-options train_cfg.max_iters=600 train_cfg.val_interval=600

For every variant, size N and seed s, N images are drawn from ``--pool`` (a COCO file, or
MMPose's MPII format such as ``mpii_train.json``) with
``random.Random(s)`` (the same images for every variant), written to
``<out>/splits/N<N>-s<s>.json`` and trained with ``tools/train.py CONFIG --cfg-options
<--ann-key>=<that file> ...`` (``tools/dist_train.sh`` with ``--gpus N > 1``); the metric is
the last validation value of each run. A finished run (its ``done`` marker exists) is not
repeated; an interrupted one resumes. Runs go seed by seed with every variant inside, so an
interrupted study leaves complete pairs. Writes ``learning_curve.md``, ``learning_curve.csv``
(mean +- standard error over seeds, and every other variant minus the first paired by seed, with
the number of seeds where it is ahead) and ``learning_curve.png``.
"""
import argparse
import json
import os
import os.path as osp
import runpy
import random

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from projects.core.datasets.converters.splits import subset  # noqa: E402
from projects.core.fileio import save_figure, write_json  # noqa: E402
from projects.core.experiments import (mean_se, mean_se_cell, paired_stats,  # noqa: E402
                                       read_curve, write_table)


def draw(pool_file: str, n: int, seed: int, out: str) -> str:
    """Write the subset of ``n`` images of ``pool_file`` drawn with ``seed``; return its path.

    The pool is a COCO file (``images`` / ``annotations``) or MMPose's MPII format (a list of
    person entries with ``image``, as ``mpii_train.json``; Scott et al. learn from MPII). Images
    are drawn, never persons: every person of a drawn image is kept, and the subset is written
    in the pool's own format.

    Raises:
        ValueError: ``n`` exceeds the images of the pool, or the file is neither format.
    """
    with open(pool_file) as f:
        pool = json.load(f)
    if isinstance(pool, list):  # MMPose's MPII format
        from projects.cross_species.datasets.mpii_subset import load_mpii
        pool = load_mpii(pool_file)
        names = sorted({a['image'] for a in pool})
    elif isinstance(pool, dict) and 'images' in pool:
        names = sorted(im['file_name'] for im in pool['images'])
    else:
        raise ValueError(f'{pool_file}: expected a COCO file (a dict with "images") or MMPose\'s '
                         f'MPII format (a list of person entries), got {type(pool).__name__}')
    if n > len(names):
        raise ValueError(f'{pool_file}: {len(names)} images, {n} requested')
    picked = sorted(random.Random(seed).sample(names, n))
    path = osp.join(out, 'splits', f'N{n}-s{seed}.json')
    if not osp.exists(path):
        if isinstance(pool, list):
            keep = set(picked)
            write_json([a for a in pool if a['image'] in keep], path, [pool_file])
        else:
            write_json(subset(pool, picked), path, [pool_file])
    return path


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('variants', nargs='+', help='NAME=CONFIG; the first is the reference')
    parser.add_argument('--pool', required=True,
                        help='COCO file, or MMPose MPII file, to draw labeled images from')
    parser.add_argument('--sizes', type=int, nargs='+', required=True)
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--ann-key', default='train_dataloader.dataset.ann_file')
    parser.add_argument('--metric', default='coco/AP')
    parser.add_argument('--gpus', type=int, default=0)
    parser.add_argument('--cfg-options', nargs='*', default=[], help='passed to every run')
    parser.add_argument('--out', required=True)
    parser.add_argument('--report-only', action='store_true')
    return parser, parser.parse_args(argv)


def main(argv=None):
    # the study tools' shared helper, tools/analysis/_study_runs.py
    train_run = runpy.run_path(osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))),
                                           '_study_runs.py'))['train_run']
    parser, args = parse_args(argv)
    from projects.core.cli import check_out_folder, parse_named
    from projects.core.fileio import write_bytes
    variants = parse_named(args.variants, parser, 'CONFIG')
    check_out_folder(parser, args.out, [cfg for _, cfg in variants] + [args.pool])

    finals = {}  # (variant, n) -> {seed: final metric}
    # seeds outermost, variants innermost: an interrupted run leaves complete pairs behind
    for n in args.sizes:
        for seed in args.seeds:
            for name, cfg in variants:
                work = osp.join(args.out, name, f'N{n}-s{seed}')
                done = osp.join(work, 'done')
                if not args.report_only and not osp.exists(done):
                    ann = osp.abspath(draw(args.pool, n, seed, args.out))
                    seconds = train_run(cfg, work, ROOT, done, gpus=args.gpus,
                                        cfg_options=[f'{args.ann_key}={ann}',
                                                     f'randomness.seed={seed}',
                                                     *args.cfg_options],
                                        log_name='learning_curve.log')
                    write_bytes(done, b'', root=args.out)  # the run is complete
                    print(f'  {name} N={n} seed={seed}: {seconds:.0f} s', flush=True)
                curve = read_curve(osp.join(ROOT, work), args.metric)  # work may be absolute
                if curve:
                    finals.setdefault((name, n), {})[seed] = curve[-1][1]

    os.makedirs(args.out, exist_ok=True)
    rows = [['variant', 'n_labeled', 'n_seeds', 'mean', 'se', 'values']]
    table = []
    for name, _ in variants:
        table.append([name] + [mean_se_cell(list(finals.get((name, n), {}).values()))
                               for n in args.sizes])
        for n in args.sizes:
            vals = list(finals.get((name, n), {}).values())
            if vals:
                m, se = mean_se(vals)
                rows.append([name, n, len(vals), f'{m:.6f}', f'{se:.6f}',
                             ' '.join(f'{v:.4f}' for v in vals)])
    # paired by seed (same labeled images, same seed) against the first variant
    ref = variants[0][0]
    for name, _ in variants[1:]:
        cells = []
        for n in args.sizes:
            st = paired_stats(finals.get((ref, n), {}), finals.get((name, n), {}))
            if st is None:
                cells.append('-')
                continue
            cells.append(mean_se_cell(st.diffs, signed=True, wins=st.wins))
            rows.append([f'{name} - {ref}', n, st.n, f'{st.mean:.6f}', f'{st.se:.6f}',
                         ' '.join(f'{d:.4f}' for d in st.diffs)])
        table.append([f'{name} - {ref} (paired)'] + cells)
    paths = write_table(args.out, 'learning_curve', ['variant'] + [f'N={n}' for n in args.sizes], table,
                csv_rows=rows,
                note=f'{args.metric} at the end of training, mean +- standard error over seeds.')

    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(4.5, 3.5))
    for name, _ in variants:
        pts = [(n, *mean_se(list(finals[(name, n)].values()))) for n in args.sizes
               if finals.get((name, n))]
        if pts:
            ax.errorbar([p[0] for p in pts], [p[1] for p in pts], yerr=[p[2] for p in pts],
                        marker='o', capsize=3, label=name)
    ax.set_xlabel('labeled images')
    ax.set_ylabel(args.metric)
    if len(args.sizes) > 1:
        ax.set_xscale('log')
    ax.legend()
    fig.tight_layout()
    # a study's report is rewritten at each run, as write_table rewrites its tables
    save_figure(fig, osp.join(args.out, 'learning_curve.png'), root=args.out, overwrite=True,
                dpi=120)
    plt.close(fig)
    print(open(paths['markdown']).read())


if __name__ == '__main__':
    main()
