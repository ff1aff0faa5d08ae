r"""Training curves from MMEngine's logs: losses and validation metrics against the iteration.

    python tools/analysis/plot_curves.py work_dirs/recipe \
        [NAME=work_dirs/other ...] [--keys loss coco/AP sleap/AP] \
        --out outputs/curves.png [--overwrite]

Each input is a work directory of ``tools/train.py`` (its latest ``<timestamp>/vis_data/
scalars.json``, written by MMEngine's ``LocalVisBackend``), or a ``scalars.json`` itself,
optionally named ``NAME=PATH`` for the legend. One panel per key (``--keys``, default the
loss and the validation coco/AP and sleap/AP), x = the logged ``step`` (iterations in
iteration-based runs, epochs' ends for validation in epoch-based ones). MMPose's own
``analyze_logs.py`` reads epoch-grouped logs only; this reads MMEngine's per-line scalars as
they are. Writes one image (the format from the extension of ``--out``).
"""
import argparse
import glob
import json
import os.path as osp

DEFAULT_KEYS = ('loss', 'coco/AP', 'sleap/AP')


def find_scalars(path: str) -> str:
    """``path`` itself when it is a file, else the newest ``*/vis_data/scalars.json`` below the
    work directory ``path`` (run folders are named by their start time).

    Raises:
        FileNotFoundError: no such file, or a folder without ``*/vis_data/scalars.json``.
    """
    if osp.isfile(path):
        return path
    if not osp.isdir(path):
        raise FileNotFoundError(f'{path} does not exist')
    found = sorted(glob.glob(osp.join(path, '*', 'vis_data', 'scalars.json')))
    if not found:
        raise FileNotFoundError(f'{path}: no */vis_data/scalars.json (a tools/train.py work '
                                'directory, or the scalars.json itself, is expected)')
    return found[-1]


def read_scalars(path: str) -> dict:
    """``{key: ([steps], [values])}`` from a ``scalars.json`` (one JSON object per line, each
    with a ``step``).

    Raises:
        ValueError: a line that is not a JSON object with a ``step`` (file and line named).
    """
    curves = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                step = row['step']
            except (ValueError, KeyError, TypeError):
                raise ValueError(f'{path}, line {n}: expected a JSON object with a "step" '
                                 '(MMEngine scalars.json)') from None
            for key, value in row.items():
                if key not in ('step', 'iter', 'epoch') and isinstance(value, (int, float)):
                    xs, ys = curves.setdefault(key, ([], []))
                    xs.append(step)
                    ys.append(value)
    return curves


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('inputs', nargs='+', metavar='[NAME=]PATH',
                        help='work directory or scalars.json, optionally named')
    parser.add_argument('--keys', nargs='+', default=list(DEFAULT_KEYS),
                        help='logged keys, one panel each')
    parser.add_argument('--out', required=True, help='image file (.png, .svg, .pdf)')
    parser.add_argument('--overwrite', action='store_true', help='replace an existing --out')
    args = parser.parse_args(argv)
    from projects.core.cli import check_outputs
    named = [(i.split('=', 1) if '=' in i else (None, i)) for i in args.inputs]
    try:
        named = [(name or osp.basename(osp.normpath(p)), find_scalars(p)) for name, p in named]
    except FileNotFoundError as e:
        parser.error(str(e))
    sources = [p for _, p in named]
    check_outputs(parser, [args.out], sources, None, args.overwrite)
    try:
        curves = [(name, read_scalars(p)) for name, p in named]
    except ValueError as e:
        parser.error(str(e))
    for key in args.keys:
        if not any(key in c for _, c in curves):
            parser.error(f'no input logged {key!r}; logged keys: '
                         f'{", ".join(sorted(set().union(*[c.keys() for _, c in curves])))}')

    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    from projects.core.fileio import save_figure
    fig, axes = plt.subplots(1, len(args.keys), figsize=(3.4 * len(args.keys), 2.8),
                             squeeze=False)
    for ax, key in zip(axes[0], args.keys):
        for name, c in curves:
            if key in c:
                xs, ys = c[key]
                style = dict(lw=0.8) if len(xs) > 30 else dict(marker='o', ms=3, lw=1)
                ax.plot(xs, ys, label=name, **style)
        ax.set_title(key, fontsize=9)
        ax.set_xlabel('iteration', fontsize=8)
        ax.tick_params(labelsize=7)
    if len(curves) > 1:
        axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    save_figure(fig, args.out, sources, overwrite=args.overwrite, dpi=110)
    plt.close(fig)
    for name, c in curves:
        for key in args.keys:
            if key in c:
                xs, ys = c[key]
                print(f'{name}: {key} {ys[-1]:.4g} at step {xs[-1]} (best {max(ys):.4g}, '
                      f'lowest {min(ys):.4g})')
    print(f'written: {args.out}')


if __name__ == '__main__':
    main()
