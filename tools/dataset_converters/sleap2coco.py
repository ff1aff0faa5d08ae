r"""SLEAP labels (.slp) and their video to COCO keypoint JSON plus extracted frames.

    python tools/dataset_converters/sleap2coco.py ../shared/data/fly/clip.slp --out data/fly \
        [--video ../shared/data/fly/clip.mp4] [--frames 0:1500:10] [--split all]

With ``--test-frames`` and ``--pool-frames`` it writes SemiMultiPose's splits instead: the test
frames held out, the ``--val-frames`` on which settings are chosen, ``--draws`` seeded draws of
each of ``--sizes`` labeled frames from the pool, and for each draw the other pool frames as
unlabeled data (the fly protocol of the docs):

    python tools/dataset_converters/sleap2coco.py ../shared/data/fly/clip.slp --out data/fly \
        --name fly --pool-frames 0:1100:10 --val-frames 1100:1200:10 \
        --test-frames 1200:1500:10 --sizes 5 --draws 5

With ``--random L U T`` it draws, per draw, L labeled, U unlabeled and T test frames at random
from every labeled frame of the clip (SemiMultiPose's fly protocol: 40 / 40 / 20):

    python tools/dataset_converters/sleap2coco.py ../shared/data/fly/clip.slp --out data/fly \
        --name fly --random 40 40 20 --draws 5
"""
import argparse
import os.path as osp


from projects.core.datasets.converters.sleap import (convert_slp,  # noqa: E402
                                                     convert_slp_protocol,
                                                     convert_slp_random)
from projects.core.cli import check_out_folder, parse_frames  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('slp', help='SLEAP labels file')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--video', help='video file (default: as recorded in the .slp)')
    parser.add_argument('--frames', help='frame indices to keep, a:b[:step] or i,j,k')
    parser.add_argument('--split', default='all', help='name of the output split')
    parser.add_argument('--name', help='output file prefix (default: the video stem)')
    parser.add_argument('--test-frames', help='held-out frames, a:b[:step] or i,j,k')
    parser.add_argument('--pool-frames', help='training frames to draw labeled sets from')
    parser.add_argument('--val-frames', help='validation frames (with --test-frames), apart in '
                        'time from the pool and the test frames')
    parser.add_argument('--random', type=int, nargs=3, metavar=('L', 'U', 'T'),
                        help='random labeled / unlabeled / test frames per draw')
    parser.add_argument('--sizes', type=int, nargs='+', default=[5], help='labeled set sizes')
    parser.add_argument('--draws', type=int, default=5, help='draws per size')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--overwrite', action='store_true',
                        help='replace existing output files whose content differs')
    args = parser.parse_args(argv)
    try:
        run(args, parser)
    except (FileNotFoundError, ValueError, OSError) as e:  # each names the file
        parser.error(str(e))


def run(args, parser):
    check_out_folder(parser, args.out, [args.slp, args.video])
    if bool(args.test_frames) != bool(args.pool_frames):
        parser.error('--test-frames and --pool-frames go together')
    if args.val_frames and not args.test_frames:
        parser.error('--val-frames needs --test-frames and --pool-frames')
    if args.random:
        if args.test_frames:
            parser.error('--random and --test-frames/--pool-frames exclude each other')
        written = convert_slp_random(
            args.slp, args.out, *args.random, num_draws=args.draws, seed=args.seed,
            name=args.name or 'fly', frames=parse_frames(args.frames), video_path=args.video,
            overwrite=args.overwrite)
        for split, path in written.items():
            print(f'{split:24s} {path}')
        return
    if args.test_frames:
        written = convert_slp_protocol(
            args.slp, args.out, parse_frames(args.test_frames), parse_frames(args.pool_frames),
            sizes=args.sizes, num_draws=args.draws, seed=args.seed, name=args.name or 'fly',
            video_path=args.video, overwrite=args.overwrite,
            val_frames=parse_frames(args.val_frames) if args.val_frames else ())
        for split, path in written.items():
            print(f'{split:24s} {path}')
        return
    print(convert_slp(args.slp, args.out, video_path=args.video,
                      frame_indices=parse_frames(args.frames), split_name=args.split,
                      name=args.name, overwrite=args.overwrite))


if __name__ == '__main__':
    main()
