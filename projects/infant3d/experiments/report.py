"""Table 1 of Ellershaw et al. (2020) from PCKhAJPE result files."""
import csv
import io
import os.path as osp
from typing import List, Sequence, Tuple

from projects.core.experiments import write_table
from projects.core.fileio import write_text

from ..evaluation import read_result

#: the paper's Table 1 (MINI-RGBD sequences 11 and 12), all six rows, for comparison: model,
#: PCKh@1.0 / %, PCKh@2.0 / %, AJPE, unit, 3D rule (None where not given)
PAPER_TABLE1 = [
    ('Ellershaw et al. 2D', 93.77, 96.05, 8.17, 'px', None),
    ('Ellershaw et al. 2D w/o adult pre-training', 82.98, None, 10.96, 'px', None),
    ('Adapted OpenPose (SOTA, Hesse et al. 2018)', 86.54, 91.64, None, 'px', None),
    ('Ellershaw et al. 3D', 65.20, 88.99, 28.47, 'mm', 'authors'),
    ('Ellershaw et al. 3D w/o adult pre-training', 52.18, 84.25, 34.18, 'mm', 'authors'),
    ('Hesse et al. (SOTA, random ferns, RGB-D)', 51.09, 83.87, 44.90, 'mm', None),
]


def table1(results: Sequence[Tuple[str, str]], out_dir: str, with_paper: bool = False,
           per_joint: bool = True, overwrite: bool = True) -> List[List]:
    """Write ``table1.md`` and ``table1.csv`` (model, PCKh@1.0 / %, PCKh@2.0 / %, AJPE and its
    unit, frames, and for 3D rows the root rule of :class:`PCKhAJPE`) and, with
    ``per_joint``, ``per_joint.csv`` (AJPE and PCKh of every joint).

    Args:
        results: ``(row name, path of a {prefix}.2d.json / .3d.json)`` pairs.
        out_dir: output folder.
        with_paper: append the paper's rows, marked as quoted.
        overwrite: replace existing output files of other content (else refused); outputs are
            written through :mod:`projects.core.fileio`, never over a result file.

    Returns:
        The table's rows (header first).

    Raises:
        FileNotFoundError, ValueError: a missing or foreign result file (named).
        UnsafeOutputError: an output is a link, one of the result files, or exists with other
            content without ``overwrite``.
    """
    header = ['model', 'PCKh 1.0 / %', 'PCKh 2.0 / %', 'AJPE', 'unit', 'frames', '3D rule']
    rows, joints_rows = [header], []
    for name, path in results:
        r = read_result(path)
        o = r['overall']

        def pct(key):
            return round(100 * o[key], 2) if key in o else None
        # result files written before the rule was recorded used today's 'recentre'
        rule = (r.get('root_rule') or 'recentre') if r['mode'] == '3d' else None
        rows.append([name, pct('PCKh@1.0'), pct('PCKh@2.0'), round(o['AJPE'], 2),
                     'px' if r['mode'] == '2d' else 'mm', r.get('num_frames'), rule])
        for key, values in r['per_joint'].items():
            joints_rows.append([name, key] + [None if v is None or v != v else round(v, 4)
                                              for v in values])
            joint_names = r['joints']
    if with_paper:
        for name, p1, p2, a, unit, rule in PAPER_TABLE1:
            rows.append([name + ' (quoted)', p1, p2, a, unit, None, rule])
    sources = [path for _, path in results]
    write_table(out_dir, 'table1', header, rows[1:], sources=sources, overwrite=overwrite)
    if per_joint and joints_rows:
        buf = io.StringIO(newline='')
        csv.writer(buf).writerows([['model', 'metric'] + list(joint_names)] + joints_rows)
        write_text(buf.getvalue(), osp.join(out_dir, 'per_joint.csv'), sources, root=out_dir,
                   overwrite=overwrite)
    return rows
