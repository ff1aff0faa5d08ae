r"""Table 1 of Ellershaw et al. (2020) (Markdown and CSV) from PCKhAJPE result files.

    python tools/analysis/infant3d/infant_report.py --out outputs/infant_table1 --paper \
        "Ours 2D=work_dirs/infant3d/mini-rgbd-test_2d.2d.json" \
        "Ours 3D=work_dirs/infant3d/mini-rgbd-test_3d.3d.json" [--overwrite]

A result file is what ``PCKhAJPE(outfile_prefix=...)`` writes during
``tools/test.py`` (the MINI-RGBD configs set it); ``--paper`` appends the paper's rows.
"""
import argparse
import os.path as osp



def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('results', nargs='+', help='NAME=RESULT.json')
    p.add_argument('--out', required=True,
                   help='output folder: table1.md, table1.csv, per_joint.csv')
    p.add_argument('--paper', action='store_true', help="append the paper's Table 1 rows")
    p.add_argument('--overwrite', action='store_true',
                   help='replace existing output files whose content differs')
    args = p.parse_args(argv)
    from projects.core.cli import check_outputs, parse_named
    pairs = parse_named(args.results, p, 'RESULT.json')
    check_outputs(p, [osp.join(args.out, n) for n in ('table1.md', 'table1.csv', 'per_joint.csv')],
                  [path for _, path in pairs], args.out, args.overwrite)
    from projects.infant3d.experiments import table1
    table1(pairs, args.out, with_paper=args.paper, overwrite=args.overwrite)
    print(open(osp.join(args.out, 'table1.md')).read())


if __name__ == '__main__':
    main()
