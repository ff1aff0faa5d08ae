r"""Draw N random single-person MPII images (Scott et al. 2024: 1,000), split 95/5 into train and
validation, and keep a disjoint test set.

    python tools/dataset_converters/mpii_subset.py data/mpii/annotations/mpii_train.json \
        --out data/mpii/annotations --num 1000 --seed 0 [--val-fraction 0.05] [--num-test 1000]

Input and output are MMPose's MPII JSON format (``tools/dataset_converters/`` of MMPose makes
``mpii_train.json`` from MPII's .mat file). The input is never overwritten.
"""
import argparse
import os.path as osp


from projects.cross_species.datasets.mpii_subset import draw_mpii_subset  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('ann_file', help="MMPose's mpii_train.json")
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--num', type=int, default=1000)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--val-fraction', type=float, default=0.05)
    parser.add_argument('--num-test', type=int, help='default: every other single-person image')
    parser.add_argument('--prefix', default='mpii_single')
    parser.add_argument('--overwrite', action='store_true',
                        help='replace existing output files whose content differs')
    args = parser.parse_args(argv)
    from projects.core.cli import check_out_folder
    check_out_folder(parser, args.out, [args.ann_file])
    for split, path in draw_mpii_subset(args.ann_file, args.out, args.num, args.seed,
                                        args.val_fraction, args.num_test, args.prefix,
                                        args.overwrite).items():
        print(f'{split:6s} {path}')


if __name__ == '__main__':
    main()
