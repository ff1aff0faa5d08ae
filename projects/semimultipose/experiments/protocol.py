"""SemiMultiPose's experimental protocol (Blau et al., section 5): runs, curves, Table 1."""
import csv
import io
import math
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

from projects.core.experiments import markdown_table, mean_se, mean_se_cell, paired_stats
from projects.core.fileio import save_figure, write_text

METHODS = ('directpose', 'semimultipose-labeled', 'semimultipose')
LABELS = {'init': 'Starting checkpoint (fine-tune design)', 'directpose': 'DirectPose',
          'semimultipose-labeled': 'SemiMultiPose-labeled', 'semimultipose': 'SemiMultiPose'}
#: the paper switches L_fl on at 2k and L_fu at 5k of 15k iterations
FL_FRACTION, FU_FRACTION = 2 / 15, 5 / 15


def _leaf_datasets(node) -> List[dict]:
    """The dataset dicts under ``node`` that hold no further ``datasets`` (depth first)."""
    if isinstance(node, dict) and 'datasets' in node:
        return [leaf for child in node['datasets'] for leaf in _leaf_datasets(child)]
    return [node] if isinstance(node, dict) else []


def _named(items, type_name: str, where: str) -> list:
    found = [x for x in (items or []) if isinstance(x, dict) and x.get('type') == type_name]
    if not found:
        raise ValueError(f'the config has no {type_name} in {where}')
    return found


def configure_run(cfg, method: str, split: str, max_iters: int, val_interval: int,
                  labeled_batch: Optional[int] = 2, dataset: str = 'honeybee',
                  init_checkpoint: Optional[str] = None, finetune_lr: Optional[float] = None,
                  seed: Optional[int] = None, test_split: Optional[str] = None,
                  beta: Optional[float] = None, unlabeled_batch: Optional[int] = None):
    """Set one run's split files, schedule and batch in a loaded config, finding every piece
    by its type, never by its position in a list.

    * the labeled training set (every training dataset that is not an
      ``UnlabeledFrameDataset``) reads ``annotations/<dataset>_<split>.json``;
    * for SemiMultiPose, the ``UnlabeledFrameDataset`` that reads an annotation file (not a
      video) reads ``annotations/<dataset>_<split>_unlabeled.json``;
    * ``train_cfg.max_iters`` / ``val_interval``, the checkpoint interval, and the end of the
      ``CosineAnnealingLR`` scheduler (the demo configs' decay) follow ``max_iters``;
    * the ``SemiMultiPoseHook`` switches the fusion terms on at 2/15 and 5/15 of ``max_iters``
      (the paper's 2k and 5k of 15k);
    * the labeled-only methods see ``labeled_batch`` frames per batch (``None``: the
      config's own batch);
    * with ``test_split`` (splits whose held-out frames change with the draw, e.g. the fly
      clip's random 40 / 40 / 20 draws), the validation and test sets and every evaluator's
      ``ann_file`` read ``annotations/<dataset>_<test_split>.json``;
    * sensitivity checks (departures from the paper, SemiMultiPose only; the other methods
      are left as they are, so their runs can be shared): ``beta`` replaces the weight of
      L_fu in eq. 10 (paper: 0.1), ``unlabeled_batch`` the number of unlabeled frames per
      batch (the ``MultiSourceSampler``'s ``source_ratio`` becomes ``[labeled, unlabeled]``
      with the config's labeled share, and the batch their sum; paper: 2 labeled + 1
      unlabeled).

    The fine-tune design (``init_checkpoint``; a departure from the paper's schedule, for
    short CPU runs): every method starts from the same trained DirectPose checkpoint
    (``load_from``), trains at the constant learning rate ``finetune_lr`` (no warm-up, no
    decay), and the fusion terms are on from the first iteration. In the paper L_fu starts at
    5k of 15k, where the learning rate drops 100-fold: a 10k-iteration fine-tune of a trained
    network; this reproduces that situation without the first 5k iterations.

    Args:
        cfg (mmengine.Config): the method's config, modified in place.
        init_checkpoint (str, optional): the checkpoint every method starts from.
        finetune_lr (float, optional): the constant learning rate of the fine-tune (needed
            with ``init_checkpoint``).
        seed (int, optional): ``randomness.seed`` of the run (``None``: the config's).
        test_split (str, optional): the held-out split of this run (``None``: the config's).
        beta (float, optional): SemiMultiPose's L_fu weight (``None``: the config's).
        unlabeled_batch (int, optional): SemiMultiPose's unlabeled frames per batch
            (``None``: the config's).

    Returns:
        mmengine.Config: ``cfg``.

    Raises:
        ValueError: an unknown method, the config lacks a piece named above,
            ``init_checkpoint`` without ``finetune_lr``, a negative ``beta`` or an
            ``unlabeled_batch`` below 1.
    """
    if method not in METHODS:
        raise ValueError(f'unknown method {method!r}; choose from {METHODS}')
    if beta is not None and beta < 0:
        raise ValueError(f'beta must be >= 0, got {beta}')
    if unlabeled_batch is not None and unlabeled_batch < 1:
        raise ValueError(f'unlabeled_batch must be >= 1, got {unlabeled_batch}')
    if init_checkpoint is not None and not finetune_lr:
        raise ValueError('a fine-tune from init_checkpoint needs finetune_lr')
    ann = f'annotations/{dataset}_{split}.json'
    unl = f'annotations/{dataset}_{split}_unlabeled.json'
    cfg.train_cfg.max_iters = max_iters
    cfg.train_cfg.val_interval = val_interval
    cfg.default_hooks.checkpoint.interval = max_iters
    for sched in _named(cfg.param_scheduler, 'CosineAnnealingLR', 'param_scheduler'):
        sched.end = max(max_iters, sched.get('begin', 0) + 1)
    leaves = _leaf_datasets(cfg.train_dataloader.dataset)
    labeled = [d for d in leaves if d.get('type') != 'UnlabeledFrameDataset']
    if not labeled:
        raise ValueError('the config has no labeled training dataset')
    for d in labeled:
        d.ann_file = ann
    unlabeled = [d for d in leaves
                 if d.get('type') == 'UnlabeledFrameDataset' and d.get('ann_file')]
    if method == 'semimultipose':
        if not unlabeled:
            raise ValueError('the SemiMultiPose config has no UnlabeledFrameDataset with an '
                             'ann_file in train_dataloader')
        unlabeled[0].ann_file = unl
        if unlabeled_batch is not None:
            loader = cfg.train_dataloader
            sampler = loader.get('sampler') or {}
            if 'source_ratio' not in sampler:
                raise ValueError('unlabeled_batch needs a MultiSourceSampler with a '
                                 'source_ratio in train_dataloader.sampler')
            n_lab = sampler.source_ratio[0]
            sampler.source_ratio = [n_lab, unlabeled_batch]
            sampler.batch_size = loader.batch_size = n_lab + unlabeled_batch
    elif labeled_batch is not None:
        cfg.train_dataloader.batch_size = labeled_batch
    if method != 'directpose':
        for hook in _named(cfg.custom_hooks, 'SemiMultiPoseHook', 'custom_hooks'):
            hook.fl_start = 0 if init_checkpoint else round(FL_FRACTION * max_iters)
            if method == 'semimultipose':
                hook.fu_start = 0 if init_checkpoint else round(FU_FRACTION * max_iters)
                if beta is not None:
                    hook.beta = beta
    if test_split is not None:
        test_ann = f'annotations/{dataset}_{test_split}.json'
        for loader in ('val_dataloader', 'test_dataloader'):
            if cfg.get(loader) is None:
                raise ValueError(f'the config has no {loader} to read {test_ann}')
            cfg[loader].dataset.ann_file = test_ann
            root = cfg[loader].dataset.get('data_root', '')
        for key in ('val_evaluator', 'test_evaluator'):
            evaluators = cfg.get(key) or []
            for ev in (evaluators if isinstance(evaluators, list) else [evaluators]):
                if 'ann_file' in ev:
                    ev.ann_file = osp.join(root, test_ann)
    if seed is not None:
        cfg.randomness = dict(cfg.get('randomness') or {}, seed=seed)
    if init_checkpoint is not None:
        cfg.load_from = init_checkpoint
        cfg.optim_wrapper.optimizer.lr = finetune_lr
        cfg.param_scheduler = [dict(type='ConstantLR', factor=1.0, by_epoch=False, begin=0,
                                    end=max_iters)]
    return cfg


def _csv_text(rows) -> str:
    """``rows`` as CSV text (the csv module's dialect)."""
    buf = io.StringIO(newline='')
    csv.writer(buf).writerows(rows)
    return buf.getvalue()


def table1(final: Dict[Tuple[str, str], List[float]], methods: Sequence[str],
           splits: Sequence[str]) -> Tuple[str, List[List[str]]]:
    """Table 1 (AP per method and training-set size, mean +- SE over draws).

    Args:
        final: ``(method, split) -> [AP of each draw]``.

    Returns:
        tuple: Markdown text and CSV rows (``method, split, n_draws, mean, se``).
    """
    rows = [['method', 'split', 'n_draws', 'mean', 'se']]
    table = []
    for m in methods:
        table.append([LABELS.get(m, m)] + [mean_se_cell(final.get((m, s), [])) for s in splits])
        for s in splits:
            vals = final.get((m, s), [])
            if vals:
                mu, se = mean_se(vals)
                rows.append([m, s, str(len(vals)), f'{mu:.6f}', f'{se:.6f}'])
    return markdown_table(['Method'] + [f'AP-{s}' for s in splits], table), rows


def paired_differences(final: Dict[Tuple[str, str, int], float], methods: Sequence[str],
                       splits: Sequence[str], baseline: str = 'directpose'
                       ) -> Tuple[str, List[List[str]]]:
    """Each method minus the baseline, paired by draw: mean +- SE of the per-draw differences.

    The arms of one draw share their labeled frames (and, in the fine-tune design, their
    starting checkpoint and seed), so the difference ``AP(method, draw) - AP(baseline, draw)``
    removes the draw-to-draw variation that the unpaired table 1 keeps. Only draws where both
    runs finished are paired.

    Args:
        final: ``(method, split, draw) -> AP`` at the end of training.
        methods: the methods to compare (the baseline's own row is skipped).
        splits: training-set sizes (columns).
        baseline: the method subtracted.

    Returns:
        tuple: Markdown text and CSV rows (``method, split, n_pairs, mean_diff, se_diff``).
    """
    rows = [['method', 'split', 'n_pairs', 'mean_diff', 'se_diff']]
    table = []
    for m in methods:
        if m == baseline:
            continue
        cells = []
        for s in splits:
            ref = {d: v for (mm, ss, d), v in final.items() if mm == baseline and ss == s}
            oth = {d: v for (mm, ss, d), v in final.items() if mm == m and ss == s}
            st = paired_stats(ref, oth)
            cells.append('-' if st is None else mean_se_cell(st.diffs, signed=True))
            if st is not None:
                rows.append([m, s, str(st.n), f'{st.mean:.6f}', f'{st.se:.6f}'])
        table.append([LABELS.get(m, m)] + cells)
    header = [f'Method - {LABELS.get(baseline, baseline)}'] + [f'dAP-{s}' for s in splits]
    return markdown_table(header, table), rows


def paired_curve(curves: Dict[Tuple[str, str, int], List[Tuple[int, float]]],
                 methods: Sequence[str], splits: Sequence[str], baseline: str = 'directpose',
                 reference: Optional[Dict[Tuple[str, str, int], List[Tuple[int, float]]]] = None,
                 reference_name: str = 'the reference study') -> Tuple[str, List[List[str]]]:
    """Each method minus the baseline, paired by draw, at every validated iteration.

    The end-of-training difference (:func:`paired_differences`) hides how it got there: in the
    fine-tune design, switching L_fu on can first cost and then gain. At each iteration that
    both runs of a draw validated, ``AP(method, draw) - AP(baseline, draw)``; mean +- SE over
    the draws and how many of them are above zero.

    With ``reference`` (the curves of another study, e.g. the same arms with the BatchNorm
    statistics updated, or SemiMultiPose at the paper's beta), each method is compared with the
    *same* method there instead of with the baseline: two studies that share their draws,
    starting checkpoints and seeds differ only by the setting they were run with.

    Args:
        curves: ``(method, split, draw) -> [(iteration, AP)]``.
        methods: the methods to compare (the baseline's own row is skipped unless
            ``reference`` is given).
        splits: training-set sizes.
        baseline: the method subtracted.
        reference: ``(method, split, draw) -> [(iteration, AP)]`` of another study; when given,
            ``AP(method, draw) - AP_reference(method, draw)`` is reported.
        reference_name: how the Markdown header names the other study.

    Returns:
        tuple: Markdown text (one row per method, split and iteration) and CSV rows
        (``method, split, iteration, n_pairs, n_positive, mean_diff, se_diff``).
    """
    rows = [['method', 'split', 'iteration', 'n_pairs', 'n_positive', 'mean_diff', 'se_diff']]
    table = []
    for s in splits:
        for m in methods:
            if reference is None and m == baseline:
                continue
            # subtract the baseline of this study, or the same method of the reference study
            source, name = (curves, baseline) if reference is None else (reference, m)
            ref = {d: dict(pts) for (mm, ss, d), pts in source.items() if mm == name and ss == s}
            oth = {d: dict(pts) for (mm, ss, d), pts in curves.items() if mm == m and ss == s}
            steps = sorted({t for d in set(ref) & set(oth) for t in set(ref[d]) & set(oth[d])})
            for t in steps:
                st = paired_stats({d: r[t] for d, r in ref.items() if t in r},
                                  {d: o[t] for d, o in oth.items() if t in o})
                if st is None:
                    continue
                table.append([LABELS.get(m, m), s, t,
                              mean_se_cell(st.diffs, signed=True, wins=st.wins)])
                rows.append([m, s, str(t), str(st.n), str(st.wins), f'{st.mean:.6f}',
                             f'{st.se:.6f}'])
    minus = (f'the same method in {reference_name}' if reference is not None
             else LABELS.get(baseline, baseline))
    header = [f'Method - {minus}', 'split', 'iteration', 'dAP, mean +- SE (draws above 0)']
    return markdown_table(header, table), rows


def seed_noise(final: Dict[Tuple[str, str, int, int], float], methods: Sequence[str],
               baseline: str = 'directpose') -> str:
    """Run-to-run noise: one draw trained with several seeds.

    Args:
        final: ``(method, split, draw, seed) -> AP`` at the end of training.

    Returns:
        str: a Markdown table with, per method and (split, draw) that has at least two seeds,
        the APs of the seeds, their mean +- standard deviation, and the difference to the
        baseline run of the same seed (mean +- SE over seeds).
    """
    table = []
    groups = sorted({(s, d) for (_, s, d, _) in final})
    for s, d in groups:
        for m in methods:
            seeds = sorted(k for (mm, ss, dd, k) in final if (mm, ss, dd) == (m, s, d))
            if len(seeds) < 2:
                continue
            vals = [final[(m, s, d, k)] for k in seeds]
            mu, se = mean_se(vals)
            ref = {k: final[(baseline, s, d, k)] for k in seeds if (baseline, s, d, k) in final}
            st = paired_stats(ref, dict(zip(seeds, vals))) if m != baseline else None
            table.append([LABELS.get(m, m), f'{s}-d{d}', len(seeds),
                          ', '.join(f'{v:.3f}' for v in vals),
                          f'{mu:.3f} +- {se * math.sqrt(len(vals)):.3f}',
                          '-' if st is None else mean_se_cell(st.diffs, signed=True)])
    return markdown_table(['Method', 'split', 'seeds', 'AP per seed', 'mean +- SD',
                           'minus baseline, mean +- SE'], table)


def write_report(out_dir: str, curves: Dict[Tuple[str, str, int], List[Tuple[int, float]]],
                 methods: Sequence[str], splits: Sequence[str], key: str = 'coco/AP',
                 dataset: str = 'honeybee',
                 seed_curves: Optional[Dict[Tuple[str, str, int, int],
                                            List[Tuple[int, float]]]] = None,
                 init_curves: Optional[Dict[Tuple[str, int], List[Tuple[int, float]]]] = None,
                 first_seed: int = 0,
                 reference_curves: Optional[Dict[Tuple[str, str, int],
                                                 List[Tuple[int, float]]]] = None,
                 reference_name: str = 'the reference study') -> dict:
    """Write ``table1.md`` (table 1, paired differences at the end and at every validated
    iteration, seed noise), ``table1.csv``, ``paired.csv``, ``paired_curve.csv`` and one
    ``curve_<split>.png`` per split (AP against iteration, mean +- SE over draws; beside it
    each method minus DirectPose, paired by draw).

    Args:
        curves: ``(method, split, draw) -> [(iteration, AP)]`` (the first seed of each run).
        seed_curves: ``(method, split, draw, seed) -> [(iteration, AP)]``, repeats of a draw
            with further seeds (the seed-noise table; the first seed, ``first_seed``, is taken
            from ``curves``).
        init_curves: ``(split, draw) -> [(iteration, AP)]`` of the checkpoint every arm of the
            fine-tune design starts from (its final AP is reported as a row).
        reference_curves: ``(method, split, draw) -> [(iteration, AP)]`` of another study run
            on the same draws (e.g. a sensitivity check's first study): each method minus the
            same method there, paired by draw at every iteration both validated, is added to
            ``table1.md`` and written to ``compare_curve.csv`` (:func:`paired_curve`).
        reference_name: how ``table1.md`` names that study (e.g. its ``--out``).

    Returns:
        dict: the paths written.
    """
    os.makedirs(out_dir, exist_ok=True)
    final: Dict[Tuple[str, str], List[float]] = {}
    for (m, s, _), pts in curves.items():
        if pts:
            final.setdefault((m, s), []).append(pts[-1][1])
    if init_curves:
        for (s, _), pts in sorted(init_curves.items()):
            if pts:
                final.setdefault(('init', s), []).append(pts[-1][1])
    labels = (['init'] if init_curves else []) + list(methods)
    md, rows = table1(final, labels, splits)
    by_draw = {k: pts[-1][1] for k, pts in curves.items() if pts}
    pmd, prows = paired_differences(by_draw, methods, splits)
    cmd, crows = paired_curve(curves, methods, splits)
    paths = dict(markdown=osp.join(out_dir, 'table1.md'), csv=osp.join(out_dir, 'table1.csv'),
                 paired_csv=osp.join(out_dir, 'paired.csv'),
                 paired_curve_csv=osp.join(out_dir, 'paired_curve.csv'))
    # the report is rewritten at each run: every file replaced atomically through
    # projects.core.fileio (never through a link nor outside out_dir)
    md_parts = [f'Held-out {key} at the end of training, mean +- standard error over draws.\n\n',
                md, '\nPaired by draw (same labeled frames; in the fine-tune design also the '
                'same starting checkpoint and seed): mean +- SE of the per-draw differences.\n\n',
                pmd]
    if len(crows) > 1:
        md_parts += ['\nThe same, at every iteration where both runs of a draw were validated.'
                     '\n\n', cmd]
    if reference_curves is not None:
        rmd, rrows = paired_curve(curves, methods, splits, reference=reference_curves,
                                  reference_name=reference_name)
        paths['compare_curve_csv'] = osp.join(out_dir, 'compare_curve.csv')
        write_text(_csv_text(rrows), paths['compare_curve_csv'], root=out_dir, overwrite=True)
        md_parts += [f'\nAgainst {reference_name}: each method minus the same method there, '
                     'paired by draw, at every iteration both runs validated.\n\n', rmd]
    if seed_curves:
        per_seed = {(m, s, d, first_seed): v for (m, s, d), v in by_draw.items()}
        per_seed.update({k: pts[-1][1] for k, pts in seed_curves.items() if pts})
        md_parts += [f'\nRun-to-run noise (one draw, several seeds; seed {first_seed} is the '
                     'run above).\n\n', seed_noise(per_seed, methods)]
    write_text(''.join(md_parts), paths['markdown'], root=out_dir, overwrite=True)
    for name, table in (('csv', rows), ('paired_csv', prows), ('paired_curve_csv', crows)):
        write_text(_csv_text(table), paths[name], root=out_dir, overwrite=True)
    for s in splits:
        paths[f'curve_{s}'] = osp.join(out_dir, f'curve_{s}.png')
        _plot_split(curves, crows, final, methods, s, key, dataset, paths[f'curve_{s}'],
                    out_dir)
    return paths


def _band(ax, steps, mu, se, color: str, label: str) -> None:
    """Plot ``mu`` against ``steps`` with a shaded ``mu +- se`` band on the axes ``ax``."""
    ax.plot(steps, mu, marker='o', color=color, label=label)
    ax.fill_between(steps, [a - b for a, b in zip(mu, se)], [a + b for a, b in zip(mu, se)],
                    color=color, alpha=0.2)


def _plot_split(curves, crows, final, methods: Sequence[str], s: str, key: str, dataset: str,
                path: str, out_dir: str) -> None:
    """``curve_<split>.png`` of :func:`write_report`: left, ``key`` against iteration per
    method (mean +- SE over draws; the fine-tune design's starting AP dashed); right, each
    method minus DirectPose paired by draw (rows of :func:`paired_curve`, ``crows``)."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    colors = {m: f'C{i}' for i, m in enumerate(methods)}  # one colour per method, both panels
    fig, (ax, dax) = plt.subplots(1, 2, figsize=(10, 3.5))
    for m in methods:
        runs = [dict(pts) for (mm, ss, _), pts in curves.items() if mm == m and ss == s]
        steps = sorted(set.intersection(*[set(r) for r in runs])) if runs else []
        if not steps:
            continue
        stats = [mean_se([r[t] for r in runs]) for t in steps]
        _band(ax, steps, [a for a, _ in stats], [b for _, b in stats], colors[m],
              LABELS.get(m, m))
    starts = [v for (m, ss), vals in final.items() if m == 'init' and ss == s for v in vals]
    if starts:  # the fine-tune design: every arm starts from this AP
        ax.axhline(sum(starts) / len(starts), color='grey', linestyle='--', linewidth=0.8,
                   label=LABELS['init'])
    ax.set_xlabel('iteration')
    ax.set_ylabel(f'held-out {key}')
    ax.set_title(f'{dataset} {s}')
    ax.legend()
    # right: each method minus DirectPose, paired by draw (mean +- SE), from paired_curve
    for m in methods:
        pts = [(int(r[2]), float(r[5]), float(r[6])) for r in crows[1:]
               if r[0] == m and r[1] == s]
        if not pts:
            continue
        _band(dax, *zip(*pts), colors[m], LABELS.get(m, m))
    dax.axhline(0.0, color='grey', linewidth=0.8)
    dax.set_xlabel('iteration')
    dax.set_ylabel(f'{key} - DirectPose, paired by draw')
    dax.set_title(f'{dataset} {s}: paired differences')
    if dax.get_legend_handles_labels()[0]:
        dax.legend()
    fig.tight_layout()
    save_figure(fig, path, root=out_dir, overwrite=True, dpi=120)
    plt.close(fig)
