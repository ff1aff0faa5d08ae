r"""Score decoding settings of one trained one-stage model on the validation frames.

    python tools/analysis/semimultipose/decode_sweep.py CONFIG CHECKPOINT \
        --grid max_candidates=100,300,1000,5000 --grid refine_radius=None,2,4,6 \
        --grid rescore=None,geometric [--product] [--split val] [--metric coco/AP] \
        --out outputs/decode_sweep [--overwrite]

Decoding settings (keys of the config's ``model.head.decoder``, the codec, and
``flip_test``, the model's test-time flip averaging) change what a trained network's outputs
become, not the network: this tool loads the checkpoint once and
scores each setting with the config's evaluators. Without ``--product`` each ``--grid`` key is
varied alone around the config's values (one row per value); with ``--product`` every
combination is scored. Settings are chosen on the validation frames (``--split val``, the
default); score the test frames once, with the chosen setting, through ``tools/test.py``.

Each row also gets its coco/AP difference from the config's row with a paired frame-bootstrap
standard error (``--bootstrap`` resamples of the frames, both rows scored on the same ones;
:func:`projects.core.evaluation.functional.bootstrap_ap`): a setting that wins by less than
about two of those is within the frames' sampling noise. Writes ``<out>/decode_sweep.json``
(every row's setting, metrics and bootstrap, which row is best by ``--metric``, the config and
checkpoint) and ``<out>/decode_sweep.md`` (the table); prints the table. Keys that change the training targets (input and heatmap sizes, B1's grid and sigma, the
keypoint radius, the box margin, the offset scale) are refused: they need a new training.
"""
import argparse
import ast
import itertools
import os
import os.path as osp
import tempfile

import numpy as np


# keys of the model's test_cfg rather than of the codec (test-time flip averaging)
TEST_CFG_KEYS = ('flip_test', )
# codec arguments that the encoder uses: the trained network depends on them
TRAINING_KEYS = ('type', 'input_size', 'heatmap_size', 'keypoint_heatmap_scale', 'heatmap_sigma',
                 'keypoint_radius', 'box_margin', 'offset_scale')


def parse_value(text: str):
    """A grid value: a Python literal (``None``, ``4``, ``0.5``), else the string itself."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def parse_grid(items, codec_args):
    """``['key=v1,v2', ...]`` to ``{key: [v1, v2]}``.

    Raises:
        ValueError: a malformed item, a key that is not an argument of the codec, or a key
            that changes training targets (:data:`TRAINING_KEYS`).
    """
    grid = {}
    for item in items:
        key, sep, values = item.partition('=')
        if not sep or not key or not values:
            raise ValueError(f'--grid {item!r}: expected key=value1,value2,...')
        if key in TRAINING_KEYS:
            raise ValueError(f'--grid {key}: the codec encodes training targets with it; a '
                             'new value needs a new training, not a new decoding')
        if key not in codec_args and key not in TEST_CFG_KEYS:
            raise ValueError(f'--grid {key}: not an argument of the codec (one of '
                             f'{sorted(k for k in codec_args if k not in TRAINING_KEYS)}) '
                             f'or of the model\'s test_cfg ({", ".join(TEST_CFG_KEYS)})')
        grid[key] = [parse_value(v) for v in values.split(',')]
    return grid


def settings(grid, base, product=False):
    """The decoder settings to score: the config's own first, then one row per grid value
    (each key varied alone around ``base``), or every combination with ``product``."""
    rows = [{}]
    if product:
        keys = list(grid)
        for combo in itertools.product(*(grid[k] for k in keys)):
            row = dict(zip(keys, combo))
            if any(base.get(k) != v for k, v in row.items()):
                rows.append(row)
    else:
        for key, values in grid.items():
            rows += [{key: v} for v in values if base.get(key) != v]
    return rows


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--grid', action='append', default=[], metavar='KEY=V1,V2',
                        help='decoder key and values to score (repeatable)')
    parser.add_argument('--product', action='store_true',
                        help='score every combination instead of one key at a time')
    parser.add_argument('--split', choices=['val', 'test'], default='val',
                        help='the frames to score (choose on val)')
    parser.add_argument('--metric', default='coco/AP', help='the metric that picks the best row')
    parser.add_argument('--columns', default='coco/AP,coco/AP .5,coco/AP .75,coco/AR,sleap/AP',
                        help='metrics shown in the table, comma-separated (the JSON keeps all)')
    parser.add_argument('--bootstrap', type=int, default=200,
                        help='frame resamples for the standard errors of coco/AP')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--overwrite', action='store_true', help='replace existing outputs')
    return parser, parser.parse_args(argv)


def keep_predictions():
    """An MMEngine hook whose ``preds`` maps each test frame's ``img_id`` to its predictions
    ``(keypoints (N, K, 2) frame pixels, keypoint scores (N, K), instance scores (N,))``, for
    the bootstrap."""
    from mmengine.hooks import Hook

    class Keep(Hook):
        preds = {}

        def after_test_iter(self, runner, batch_idx, data_batch=None, outputs=None):
            for s in outputs or []:
                p = s.pred_instances
                scores = p.get('bbox_scores', p.keypoint_scores.mean(-1))
                self.preds[int(s.img_id)] = (np.asarray(p.keypoints)[..., :2],
                                             np.asarray(p.keypoint_scores),
                                             np.asarray(scores).reshape(-1))
    return Keep()


def score_settings(runner, keep, rows, base, base_test_cfg):
    """Run ``runner.test()`` once per decoding setting of ``rows`` (the codec rebuilt from
    ``base`` with the row's decoder keys, the model's ``test_cfg`` set from the row's
    test-time keys). Returns ``[dict(setting, metrics)]`` and each row's per-frame predictions
    kept by the hook ``keep``."""
    from mmpose.registry import KEYPOINT_CODECS
    head, test_cfg = runner.model.head, runner.model.test_cfg
    results, preds = [], []
    for row in rows:
        head.decoder = KEYPOINT_CODECS.build(
            dict(base, **{k: v for k, v in row.items() if k not in TEST_CFG_KEYS}))
        test_cfg.update({k: row.get(k, v) for k, v in base_test_cfg.items()})
        keep.preds = {}
        metrics = {k: float(v) for k, v in runner.test().items()}
        results.append(dict(setting=row, metrics=metrics))
        preds.append(keep.preds)
    return results, preds


def report(args, results):
    """The index of the best row by ``--metric``, the table's opening sentence and the Markdown
    table of ``--columns`` with each row's paired bootstrap difference."""
    from projects.core.experiments.tables import markdown_table
    best = max(range(len(results)), key=lambda i: results[i]['metrics'][args.metric])
    keys = [k for k in args.columns.split(',') if k in results[0]['metrics']] or \
        sorted(results[0]['metrics'])
    if args.metric not in keys:
        keys.insert(0, args.metric)

    def boot(r):
        b = r['bootstrap']
        if 'diff' in b:
            return f'{b["diff"]:+.4f} +- {b["diff_se"]:.4f}'
        return f'(SE of AP {b["AP_se"]:.4f})'

    table = markdown_table(
        ['decoder setting'] + keys + ['coco/AP - config\'s, paired frame bootstrap'],
        [[(', '.join(f'{k}={v!r}' for k, v in r['setting'].items()) or 'the config\'s') +
          (' (best)' if i == best else '')] + [f'{r["metrics"][k]:.4f}' for k in keys] +
         [boot(r)] for i, r in enumerate(results)])
    head_line = (f'Decoding settings of {args.checkpoint} ({args.config}) on the {args.split} '
                 f'frames; best by {args.metric}. Last column: coco/AP of the row minus the '
                 f'config\'s, +- its standard error over {args.bootstrap} frame resamples '
                 '(the same resamples for both).\n\n')
    return best, head_line, table


def main(argv=None):
    parser, args = parse_args(argv)

    import inspect

    from mmengine.config import Config
    from mmengine.runner import Runner

    from mmpose.registry import KEYPOINT_CODECS
    from projects.core.checkpoint import check_checkpoint_fits, mmpose1x_checkpoint
    from projects.core.cli import check_out_folder
    from projects.core.fileio import UnsafeOutputError, check_output, write_json, write_text

    inputs = [args.config, args.checkpoint]
    check_out_folder(parser, args.out, inputs)
    outs = {ext: osp.join(args.out, f'decode_sweep.{ext}') for ext in ('json', 'md')}
    try:
        for path in outs.values():
            check_output(path, None, inputs, args.out if osp.isdir(args.out) else None,
                         args.overwrite)
        cfg = Config.fromfile(args.config)
        base = dict(cfg.model.head.decoder)
        codec_cls = KEYPOINT_CODECS.get(base['type'])
        if codec_cls is None:
            raise ValueError(f'{args.config}: model.head.decoder.type {base["type"]!r} is not '
                             'a registered codec')
        grid = parse_grid(args.grid, inspect.signature(codec_cls).parameters)
        if not grid:
            raise ValueError('give at least one --grid KEY=V1,V2')
    except (ValueError, UnsafeOutputError) as e:
        parser.error(str(e))
    # the config's test-time settings, the reference of each row as the decoder's are
    base_test_cfg = {k: bool((cfg.model.get('test_cfg') or {}).get(k, False))
                     for k in TEST_CFG_KEYS}
    rows = settings(grid, dict(base, **base_test_cfg), args.product)

    if args.split == 'val':
        cfg.test_dataloader = cfg.val_dataloader
        cfg.test_evaluator = cfg.val_evaluator
    cfg.resume = False
    cfg.launcher = 'none'
    tmp = tempfile.TemporaryDirectory(prefix='decode_sweep_')
    cfg.work_dir = tmp.name
    try:
        cfg.load_from = mmpose1x_checkpoint(args.checkpoint, tmp.name)
    except (FileNotFoundError, RuntimeError) as e:
        parser.error(str(e))
    runner = Runner.from_cfg(cfg)
    check_checkpoint_fits(runner.model, cfg.load_from, cfg.get('load_from_allow', ()))
    keep = keep_predictions()
    runner.register_hook(keep, 'LOWEST')
    results, preds = score_settings(runner, keep, rows, base, base_test_cfg)
    # frame-bootstrap standard errors of coco/AP, each row paired with the config's row
    from projects.core.evaluation.functional import bootstrap_ap
    from projects.core.fileio import read_json
    coco = read_json(cfg.test_evaluator[0]['ann_file'] if isinstance(cfg.test_evaluator, list)
                     else cfg.test_evaluator['ann_file'], 'ann_file')
    sigmas = runner.test_dataloader.dataset.metainfo['sigmas']
    for r, p in zip(results, preds):
        st = bootstrap_ap(coco, p, sigmas, reference=preds[0] if r['setting'] else None,
                          num_samples=args.bootstrap)
        r['bootstrap'] = st
    if args.metric not in results[0]['metrics']:
        parser.error(f'--metric {args.metric}: the evaluators give {sorted(results[0]["metrics"])}')
    best, head_line, table = report(args, results)
    os.makedirs(args.out, exist_ok=True)
    write_json(dict(config=args.config, checkpoint=args.checkpoint, split=args.split,
                    metric=args.metric, config_decoder=base, rows=results, best=best),
               outs['json'], inputs, args.out, args.overwrite, indent=2)
    write_text(head_line + table + '\n', outs['md'], inputs, args.out, args.overwrite)
    print(head_line + table)
    tmp.cleanup()


if __name__ == '__main__':
    main()
