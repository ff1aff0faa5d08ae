r"""Honeybee frames (piperod/beepose) to clean COCO keypoint JSONs with SemiMultiPose's splits.

    python tools/dataset_converters/honeybee2coco.py ../shared/data/honeybee --out data/honeybee \
        [--num-test 30] [--num-val 15] [--seed 0] [--overwrite]
    python tools/dataset_converters/honeybee2coco.py --download data/beepose_raw --out data/honeybee

Without SRC, the published files are downloaded from github.com/piperod/beepose at the pinned
commit and checked against the recorded sha256 list before conversion.
"""
import argparse


from projects.core.datasets.converters import honeybee  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('src', nargs='?',
                        help='folder with annotations/ and train/ as published')
    parser.add_argument('--download', metavar='DIR',
                        help='download the published files into DIR (used without SRC)')
    parser.add_argument('--url', default=honeybee.BEEPOSE_URL, help='base URL to download from')
    parser.add_argument('--out', required=True, help='output folder (annotations/, images/)')
    parser.add_argument('--num-test', type=int, default=30, help='held-out labeled frames')
    parser.add_argument('--num-val', type=int, default=honeybee.NUM_VAL,
                        help='validation frames drawn from the training frames')
    parser.add_argument('--seed', type=int, default=0,
                        help='seed of the test draw (the validation draw uses seed + 1)')
    parser.add_argument('--overwrite', action='store_true',
                        help='replace existing output files whose content differs')
    args = parser.parse_args(argv)
    src = args.src
    if src is None:
        if args.download is None:
            parser.error('give SRC (the published folder) or --download DIR')
        src = honeybee.download(args.download, url=args.url)
    from projects.core.fileio import UnsafeOutputError
    try:  # --out is checked (an input folder, a file, a link) before anything is written
        written = honeybee.convert(src, args.out, num_test=args.num_test, seed=args.seed,
                                   overwrite=args.overwrite, num_val=args.num_val)
    except UnsafeOutputError as e:
        parser.error(str(e))
    for name, path in sorted(written.items()):
        print(f'{name:28s} {path}')
    import json
    summary = json.load(open(written['all']))['info']['summary']
    print('cleaned: ' + ', '.join(f'{v} {k.replace("_", " ")}' for k, v in summary.items()))


if __name__ == '__main__':
    main()
