r"""PoseBridge against SLEAP over several seeds: one table (each system's mean +- SE and the
paired difference) and one plot, from the result files of ``sleap_side_by_side.py``.

    python tools/analysis/semimultipose/sleap_report.py s0.json s1.json s2.json \
        --out outputs/sleap_report [--overwrite]

Each result file is one seed of ``sleap_side_by_side.py`` (same config, split, budget and SLEAP
network; a mix is refused, naming the field that differs); pairs are made by seed. Rows:
coco/AP, coco/AP .75, sleap/AP, the median pixel error of each keypoint (frame pixels; lower
is better), frames per second at batch 1 and batched, and the wall-clock minutes and peak
resident memory (GiB) of each system's training process. Each system's column is the mean
+- standard error over the seeds (sample SD / sqrt(n); one seed: its value alone, no SE); the
last column is the paired difference PoseBridge - SLEAP, its mean +- SE and the number of
seeds where it is positive.
Writes ``table.md``, ``table.csv`` and ``sleap_side_by_side.png`` (the per-seed values of
both systems, joined by seed) into ``--out``.
"""
import argparse
import json
import os.path as osp

# (label, key in the result's 'posebridge' / 'sleap' dict, format)
SCORE_ROWS = [('coco/AP', 'coco/AP', '{:.3f}'), ('coco/AP .75', 'coco/AP .75', '{:.3f}'),
              ('sleap/AP', 'sleap/AP', '{:.3f}'), ('median px, all keypoints', 'px/median',
                                                   '{:.1f}')]
SPEED_ROWS = [('frames/s, batch 1', 'fps', '{:.2f}'),
              ('frames/s, batch {batch}', 'fps_batched', '{:.2f}')]
# (label, key in '<system>_train', scale, format)
TRAIN_ROWS = [('training minutes', 'seconds', 1 / 60, '{:.1f}'),
              ('training peak memory / GiB', 'peak_rss_gib', 1.0, '{:.2f}')]
SAME = ('config', 'split', 'budget_minutes', 'unet', 'scored_ann', 'threads', 'batch_size')


def load_results(paths):
    """The result files, sorted by seed.

    Raises:
        ValueError: a file without the fields of a ``sleap_side_by_side.py`` result, two files
            of one seed, or files that differ in one of :data:`SAME` (each named).
    """
    results = []
    for path in paths:
        with open(path) as f:
            r = json.load(f)
        for key in ('seed', 'posebridge', 'sleap') + SAME:
            if key not in r:
                raise ValueError(f'{path}: no field {key!r}; expected a result file of '
                                 'sleap_side_by_side.py')
        results.append((path, r))
    results.sort(key=lambda pr: pr[1]['seed'])
    for (p0, r0), (p1, r1) in zip(results, results[1:]):
        if r0['seed'] == r1['seed']:
            raise ValueError(f'{p0} and {p1}: both seed {r0["seed"]}; one file per seed')
    for key in SAME:
        values = {json.dumps(r[key], sort_keys=True) for _, r in results}
        if len(values) > 1:
            raise ValueError(f'field {key!r} differs between the result files '
                             f'({", ".join(sorted(values))}): pair like with like')
    return results


def rows_of(results):
    """``[(label, format, {seed: PoseBridge value}, {seed: SLEAP value})]`` for every row; a
    value missing from a file (e.g. no training record with ``--checkpoint``) is left out."""
    first = results[0][1]
    keypoints = sorted(k[len('px/'):-len('_median')] for k in first['posebridge']
                       if k.startswith('px/') and k.endswith('_median') and k != 'px/median')
    score_rows = SCORE_ROWS + [(f'median px, {k}', f'px/{k}_median', '{:.1f}')
                               for k in keypoints]
    out = []
    for label, key, fmt in score_rows + SPEED_ROWS:
        values = [{r['seed']: r[system][key] for _, r in results
                   if r[system].get(key) is not None} for system in ('posebridge', 'sleap')]
        out.append((label.format(batch=first['batch_size']), fmt, *values))
    for label, key, scale, fmt in TRAIN_ROWS:
        values = [{r['seed']: r[f'{system}_train'][key] * scale for _, r in results
                   if r.get(f'{system}_train')} for system in ('posebridge', 'sleap')]
        out.append((label, fmt, *values))
    return out


def table(results):
    """Header and rows of the table (strings): each system's mean +- SE over the seeds, and the
    paired difference PoseBridge - SLEAP with its SE and the count of positive differences."""
    from projects.core.experiments import mean_se, paired_stats
    header = ['', 'PoseBridge', 'SLEAP', 'PoseBridge - SLEAP (paired)', 'seeds']
    rows = []
    for label, fmt, pb, sl in rows_of(results):
        cells = [label]
        for values in (pb, sl):
            m, se = mean_se(list(values.values())) if values else (None, None)
            cells.append(None if m is None else fmt.format(m) if len(values) == 1 else
                         f'{fmt.format(m)} +- {fmt.format(se)}')
        st = paired_stats(sl, pb)
        cells.append(None if st is None else
                     f'{fmt.format(st.mean)} ({st.wins}/1 > 0)' if st.n == 1 else
                     f'{fmt.format(st.mean)} +- {fmt.format(st.se)} ({st.wins}/{st.n} > 0)')
        cells.append(len(set(pb) | set(sl)))
        rows.append(cells)
    return header, rows


def plot(results, path, sources, out, overwrite):
    """The per-seed values of both systems for six rows, one panel each (seeds joined by grey
    lines, means as black bars), written through :mod:`projects.core.fileio`."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    from projects.core.fileio import save_figure
    wanted = ['coco/AP', 'sleap/AP', 'median px, all keypoints', 'frames/s, batch 1',
              'training minutes', 'training peak memory / GiB']
    rows = {label: (pb, sl) for label, _, pb, sl in rows_of(results)}
    fig, axes = plt.subplots(1, len(wanted), figsize=(2.3 * len(wanted), 2.8))
    for ax, label in zip(axes, wanted):
        pb, sl = rows.get(label, ({}, {}))
        for seed in sorted(set(pb) & set(sl)):
            ax.plot([0, 1], [pb[seed], sl[seed]], color='0.6', lw=0.8, zorder=1)
        for x, values, color in ((0, pb, 'tab:blue'), (1, sl, 'tab:orange')):
            if values:
                v = list(values.values())
                ax.scatter([x] * len(v), v, color=color, s=18, zorder=2)
                ax.hlines(sum(v) / len(v), x - 0.2, x + 0.2, color='k', lw=1.5, zorder=3)
        ax.set_xticks([0, 1], ['PoseBridge', 'SLEAP'], fontsize=8)
        ax.set_xlim(-0.5, 1.5)
        ax.set_title(label, fontsize=8)
        ax.tick_params(axis='y', labelsize=7)
    fig.suptitle(f'{results[0][1]["split"]} frames, {len(results)} seeds, '
                 f'{results[0][1]["budget_minutes"]:g}-minute budget', fontsize=9)
    fig.tight_layout()
    save_figure(fig, path, sources, root=out, overwrite=overwrite, dpi=110)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('results', nargs='+', help='result JSON of sleap_side_by_side.py, '
                        'one per seed')
    parser.add_argument('--out', required=True,
                        help='output folder: table.md, table.csv, sleap_side_by_side.png')
    parser.add_argument('--overwrite', action='store_true',
                        help='replace existing output files whose content differs')
    args = parser.parse_args(argv)
    from projects.core.cli import check_outputs
    from projects.core.experiments import write_table
    names = ('table.md', 'table.csv', 'sleap_side_by_side.png')
    check_outputs(parser, [osp.join(args.out, n) for n in names], args.results, args.out,
                  args.overwrite)
    try:
        results = load_results(args.results)
    except (OSError, ValueError) as e:
        parser.error(str(e))
    header, rows = table(results)
    r0 = results[0][1]
    unet = ', '.join(f'{k} {v}' for k, v in r0['unet'].items())
    note = (f'{r0["split"]} frames ({osp.basename(r0["scored_ann"])}), seeds '
            f'{", ".join(str(r["seed"]) for _, r in results)}; budget {r0["budget_minutes"]:g} '
            f'minutes, {r0["threads"]} threads; SLEAP UNet {unet}')
    paths = write_table(args.out, 'table', header, rows, note=note, sources=args.results,
                        overwrite=args.overwrite)
    plot(results, osp.join(args.out, names[2]), args.results, args.out, args.overwrite)
    print(open(paths['markdown']).read())
    print(f'written: {args.out}')


if __name__ == '__main__':
    main()
