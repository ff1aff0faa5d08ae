r"""Table 1, Figure 1 (ROC curves) and Figure 2 (confidence histograms) of Scott et al. 2024
from the threshold-sweep results of several models.

    python tools/analysis/cross_species/transfer_report.py --out outputs/transfer_report \
        Baseline=outputs/baseline.sweep.json Benchmark=outputs/benchmark.sweep.json \
        Transfer=outputs/transfer.sweep.json [--overwrite]

Each ``*.sweep.json`` is written by ``ThresholdSweepMetric(outfile_prefix=...)`` during
``tools/test.py`` (e.g. ``--cfg-options test_evaluator.0.outfile_prefix=outputs/transfer``).
Writes ``table1.md``, ``table1.csv``, ``roc.png`` and ``confidence_hist.png`` into ``--out``.
"""
import argparse
import json
import os.path as osp


ROWS = [('AUC', 'AUC', '{:.3f}'), ('F1 Score', 'F1', '{:.3f}'),
        ('Precision', 'precision', '{:.3f}'), ('Recall', 'recall', '{:.3f}'),
        ('RMSE x (px)', 'RMSE_x', '{:.2f}'), ('RMSE y (px)', 'RMSE_y', '{:.2f}'),
        ('RMSE (px)', 'RMSE', '{:.2f}'), ('Threshold at best F1', 'threshold', '{:.2f}'),
        ('Correct predictions at best F1', 'n_correct', '{:d}'),
        ('Correct predictions (any confidence)', 'n_correct_all', '{:d}'),
        ('Keypoints present', 'n_present', '{:d}'),
        ('PCKh@0.5 (unweighted mean)', 'PCKh', '{:.3f}'),
        ('PCKh@0.5 (MPII mean)', 'PCKh_mpii', '{:.3f}')]


def load(path):
    """A ``*.sweep.json`` file; raises ValueError naming the file and a missing field."""
    with open(path) as f:
        d = json.load(f)
    for key in ('metrics', 'roc', 'conf', 'correct'):
        if key not in d:
            raise ValueError(f'{path}: field "{key}" missing; expected a file written by '
                             'ThresholdSweepMetric(outfile_prefix=...)')
    return d


def confidence_bins(results, num: int = 20):
    """``num + 1`` histogram edges over [0, 1] widened to every confidence of every model
    (MMPose's heatmap maxima are not bounded to [0, 1]), so no value falls outside a bin."""
    import numpy as np
    allc = np.concatenate([np.asarray(r['conf'], float).ravel() for _, r in results] + [[0, 1]])
    return np.linspace(min(0.0, allc.min()), max(1.0, allc.max()), num + 1)


def write_report(results, out, sources=(), overwrite=True):
    """``results``: ``[(name, sweep dict)]``; ``sources``: the files they were read from (never
    written over). Returns the paths written."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    import numpy as np

    from projects.core.experiments import write_table
    from projects.core.fileio import save_figure
    names = [n for n, _ in results]
    table, rows = [], [['metric'] + names]
    for label, key, fmt in ROWS:
        vals = [r['metrics'].get(key) for _, r in results]
        table.append([label] + [None if v is None or (isinstance(v, float) and v != v)
                                else fmt.format(v) for v in vals])
        rows.append([key] + ['' if v is None else str(v) for v in vals])
    paths = write_table(out, 'table1', ['Metric'] + names, table, csv_rows=rows,
                        sources=sources, overwrite=overwrite)
    paths.update(roc=osp.join(out, 'roc.png'), hist=osp.join(out, 'confidence_hist.png'))

    fig, ax = plt.subplots(figsize=(4.5, 4))
    for name, r in results:
        ax.plot(r['roc']['fpr'], r['roc']['tpr'], label=f'{name} (AUC {r["metrics"]["AUC"]:.2f})')
    ax.plot([0, 1], [0, 1], 'k:', lw=0.8)
    ax.set_xlabel('false positive rate (incorrect predictions kept)')
    ax.set_ylabel('true positive rate (correct predictions kept)')
    ax.legend(fontsize=8)
    fig.tight_layout()
    save_figure(fig, paths['roc'], sources, root=out, overwrite=overwrite, dpi=120)
    plt.close(fig)

    fig, axes = plt.subplots(1, len(results), figsize=(3.5 * len(results), 3), squeeze=False)
    bins = confidence_bins(results)
    for ax, (name, r) in zip(axes[0], results):
        conf, ok = np.asarray(r['conf']), np.asarray(r['correct'], bool)
        ax.hist([conf[ok], conf[~ok]], bins=bins, label=['correct', 'incorrect'], stacked=True)
        ax.set_title(name)
        ax.set_xlabel('confidence')
    axes[0][0].set_ylabel('keypoints')
    axes[0][0].legend(fontsize=8)
    fig.tight_layout()
    save_figure(fig, paths['hist'], sources, root=out, overwrite=overwrite, dpi=120)
    plt.close(fig)
    return paths


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('results', nargs='+', help='NAME=path/to/prefix.sweep.json')
    parser.add_argument('--out', required=True,
                        help='output folder: table1.md, table1.csv, roc.png, confidence_hist.png')
    parser.add_argument('--overwrite', action='store_true',
                        help='replace existing output files whose content differs')
    args = parser.parse_args(argv)
    from projects.core.cli import check_outputs, parse_named
    named = parse_named(args.results, parser, 'path.sweep.json')
    sources = [path for _, path in named]
    check_outputs(parser, [osp.join(args.out, n) for n in ('table1.md', 'table1.csv', 'roc.png',
                                                           'confidence_hist.png')],
                  sources, args.out, args.overwrite)
    results = [(name, load(path)) for name, path in named]
    paths = write_report(results, args.out, sources, args.overwrite)
    print(open(paths['markdown']).read())
    for k, v in paths.items():
        print(f'{k:9s} {v}')


if __name__ == '__main__':
    main()
