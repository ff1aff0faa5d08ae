"""Mean +- standard error tables and paired differences, one writer for every study tool."""
import csv
import io
import os
import os.path as osp
from typing import Dict, Hashable, List, NamedTuple, Optional, Sequence

from .runs import mean_se


def mean_se_cell(values: Sequence[float], signed: bool = False, digits: int = 3,
                 wins: Optional[int] = None) -> str:
    """``'0.412 +- 0.013 (n=5)'`` (``'+0.020 ...'`` when ``signed``; ``wins`` appends ``k/n >
    0``); ``'-'`` for no values."""
    if not values:
        return '-'
    m, se = mean_se(list(values))
    sign = '+' if signed else ''
    n = len(values)
    tail = f'{wins}/{n} > 0' if wins is not None else f'n={n}'
    return f'{m:{sign}.{digits}f} +- {se:.{digits}f} ({tail})'


class PairedStats(NamedTuple):
    """``other - reference`` over the pairs (see :func:`paired_stats`)."""
    mean: float  #: mean difference
    se: float  #: its standard error (sample SD / sqrt(n); 0 for one pair)
    n: int  #: number of pairs
    wins: int  #: pairs with a positive difference
    diffs: List[float]  #: the differences, in key order


def paired_stats(reference: Dict[Hashable, float], other: Dict[Hashable, float]
                 ) -> Optional[PairedStats]:
    """``other - reference`` paired by key (draw, seed): a :class:`PairedStats` (mean, SE,
    number of pairs, number of positive differences, the differences in key order); ``None``
    without a pair."""
    keys = sorted(set(reference) & set(other))
    if not keys:
        return None
    diffs = [other[k] - reference[k] for k in keys]
    m, se = mean_se(diffs)
    return PairedStats(m, se, len(diffs), sum(d > 0 for d in diffs), diffs)


def markdown_table(header: Sequence, rows: Sequence[Sequence]) -> str:
    """A Markdown table (``None`` cells shown as ``-``), ending with a newline."""
    lines = ['| ' + ' | '.join(str(h) for h in header) + ' |', '|' + '---|' * len(header)]
    lines += ['| ' + ' | '.join('-' if v is None else str(v) for v in r) + ' |' for r in rows]
    return '\n'.join(lines) + '\n'


def write_table(out_dir: str, name: str, header: Sequence[str], rows: Sequence[Sequence],
                csv_rows: Optional[Sequence[Sequence]] = None, note: str = '',
                sources: Sequence[str] = (), overwrite: bool = True) -> Dict[str, str]:
    """Write ``<out_dir>/<name>.md`` (``note``, then a Markdown table of ``header`` and ``rows``)
    and ``<out_dir>/<name>.csv`` (``csv_rows``, default the same table). Returns both paths.

    A study's report is rewritten at each run (``overwrite=True``, the default): both files are
    replaced atomically through :mod:`projects.core.fileio`, never through a link, over one of
    ``sources`` (the files the table was computed from) nor outside ``out_dir``. With
    ``overwrite=False`` an existing file of other content is refused
    (:class:`~projects.core.fileio.UnsafeOutputError`).
    """
    from ..fileio import write_text
    os.makedirs(out_dir, exist_ok=True)
    md = osp.join(out_dir, f'{name}.md')
    text = (note.rstrip('\n') + '\n\n' if note else '') + markdown_table(header, rows)
    write_text(text, md, sources, root=out_dir, overwrite=overwrite)
    path = osp.join(out_dir, f'{name}.csv')
    buf = io.StringIO(newline='')
    csv.writer(buf).writerows(csv_rows if csv_rows is not None else [list(header)] +
                              [list(r) for r in rows])
    write_text(buf.getvalue(), path, sources, root=out_dir, overwrite=overwrite)
    return dict(markdown=md, csv=path)
