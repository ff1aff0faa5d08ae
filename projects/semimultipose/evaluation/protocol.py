"""SemiMultiPose's experimental protocol (Blau et al., section 5): runs, curves, Table 1."""
import csv
import os
import os.path as osp
from typing import Dict, List, Sequence, Tuple

from projects.core.evaluation.curves import mean_se, read_curve  # noqa: F401 (public here)

METHODS = ('directpose', 'semimultipose-labeled', 'semimultipose')
LABELS = {'directpose': 'DirectPose', 'semimultipose-labeled': 'SemiMultiPose-labeled',
          'semimultipose': 'SemiMultiPose'}
#: the paper switches L_fl on at 2k and L_fu at 5k of 15k iterations
FL_FRACTION, FU_FRACTION = 2 / 15, 5 / 15
#: iterations of linear warm-up before the demo configs' cosine decay
DEMO_WARMUP = 50


#: ``--cfg-options`` key of the unlabeled set's annotation file in each dataset's SemiMultiPose
#: config (the fly configs' second stream is a ConcatDataset: the clip's frames, then a video)
UNLABELED_KEYS = dict(
    honeybee='train_dataloader.dataset.datasets.1.ann_file',
    fly='train_dataloader.dataset.datasets.1.datasets.0.ann_file')


def run_options(method: str, split: str, max_iters: int, val_interval: int,
                labeled_batch: int = 2, dataset: str = 'honeybee') -> List[str]:
    """``--cfg-options`` of one run: its split's files, schedule and batch.

    The split's files are ``annotations/<dataset>_<split>.json`` and
    ``annotations/<dataset>_<split>_unlabeled.json``, as the converters write them.

    All methods see ``labeled_batch`` labeled frames per iteration; SemiMultiPose adds the
    unlabeled share of its config's sampler. The fusion terms start at 2/15 and 5/15 of
    ``max_iters`` (the paper's 2k and 5k of 15k); the second learning-rate scheduler (the
    demo configs' cosine decay) ends at ``max_iters``.

    Raises:
        ValueError: an unknown method or dataset.
    """
    if method not in METHODS:
        raise ValueError(f'unknown method {method!r}; choose from {METHODS}')
    if dataset not in UNLABELED_KEYS:
        raise ValueError(f'unknown dataset {dataset!r}; choose from {sorted(UNLABELED_KEYS)}')
    ann = f'annotations/{dataset}_{split}.json'
    unl = f'annotations/{dataset}_{split}_unlabeled.json'
    opts = [f'train_cfg.max_iters={max_iters}', f'train_cfg.val_interval={val_interval}',
            f'default_hooks.checkpoint.interval={max_iters}',
            # the demo configs' cosine decay (after a 50-iteration warm-up) ends with training
            f'param_scheduler.1.end={max(max_iters, DEMO_WARMUP + 1)}']
    if method == 'semimultipose':
        opts += [f'train_dataloader.dataset.datasets.0.ann_file={ann}',
                 f'{UNLABELED_KEYS[dataset]}={unl}']
    else:
        opts += [f'train_dataloader.dataset.ann_file={ann}',
                 f'train_dataloader.batch_size={labeled_batch}']
    if method != 'directpose':
        opts += [f'custom_hooks.0.fl_start={round(FL_FRACTION * max_iters)}']
    if method == 'semimultipose':
        opts += [f'custom_hooks.0.fu_start={round(FU_FRACTION * max_iters)}']
    return opts


def table1(final: Dict[Tuple[str, str], List[float]], methods: Sequence[str],
           splits: Sequence[str]) -> Tuple[str, List[List[str]]]:
    """Table 1 (AP per method and training-set size, mean +- SE over draws).

    Args:
        final: ``(method, split) -> [AP of each draw]``.

    Returns:
        tuple: Markdown text and CSV rows (``method, split, n_draws, mean, se``).
    """
    head = '| Method | ' + ' | '.join(f'AP-{s}' for s in splits) + ' |'
    lines = [head, '|' + '---|' * (len(splits) + 1)]
    rows = [['method', 'split', 'n_draws', 'mean', 'se']]
    for m in methods:
        cells = []
        for s in splits:
            vals = final.get((m, s), [])
            if vals:
                mu, se = mean_se(vals)
                cells.append(f'{mu:.3f} +- {se:.3f} (n={len(vals)})')
                rows.append([m, s, str(len(vals)), f'{mu:.6f}', f'{se:.6f}'])
            else:
                cells.append('-')
        lines.append(f'| {LABELS.get(m, m)} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines) + '\n', rows


def write_report(out_dir: str, curves: Dict[Tuple[str, str, int], List[Tuple[int, float]]],
                 methods: Sequence[str], splits: Sequence[str], key: str = 'coco/AP',
                 dataset: str = 'honeybee') -> dict:
    """Write ``table1.md``, ``table1.csv`` and one ``curve_<split>.png`` per split.

    Args:
        curves: ``(method, split, draw) -> [(iteration, AP)]``.

    Returns:
        dict: the paths written.
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    os.makedirs(out_dir, exist_ok=True)
    final: Dict[Tuple[str, str], List[float]] = {}
    for (m, s, _), pts in curves.items():
        if pts:
            final.setdefault((m, s), []).append(pts[-1][1])
    md, rows = table1(final, methods, splits)
    paths = dict(markdown=osp.join(out_dir, 'table1.md'), csv=osp.join(out_dir, 'table1.csv'))
    with open(paths['markdown'], 'w') as f:
        f.write(f'Held-out {key} at the end of training, mean +- standard error over draws.\n\n')
        f.write(md)
    with open(paths['csv'], 'w', newline='') as f:
        csv.writer(f).writerows(rows)
    for s in splits:
        fig, ax = plt.subplots(figsize=(5, 3.5))
        for m in methods:
            runs = [dict(pts) for (mm, ss, _), pts in curves.items() if mm == m and ss == s]
            steps = sorted(set.intersection(*[set(r) for r in runs])) if runs else []
            if not steps:
                continue
            stats = [mean_se([r[t] for r in runs]) for t in steps]
            mu = [a for a, _ in stats]
            se = [b for _, b in stats]
            ax.plot(steps, mu, marker='o', label=LABELS.get(m, m))
            ax.fill_between(steps, [a - b for a, b in zip(mu, se)],
                            [a + b for a, b in zip(mu, se)], alpha=0.2)
        ax.set_xlabel('iteration')
        ax.set_ylabel(f'test {key}')
        ax.set_title(f'{dataset} {s}')
        ax.legend()
        fig.tight_layout()
        paths[f'curve_{s}'] = osp.join(out_dir, f'curve_{s}.png')
        fig.savefig(paths[f'curve_{s}'], dpi=120)
        plt.close(fig)
    return paths
