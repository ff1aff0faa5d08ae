"""SLEAP labels (.slp) and their video to COCO keypoint JSON plus extracted frames.

    python tools/dataset_converters/sleap2coco.py ../shared/data/fly/clip.slp --out data/fly \
        [--video ../shared/data/fly/clip.mp4] [--frames 0:1500:10] [--split all]
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from projects.core.datasets.converters.sleap import convert_slp  # noqa: E402


def parse_frames(spec):
    """``a:b[:step]`` or ``i,j,k`` to a list of frame indices."""
    if spec is None:
        return None
    if ':' in spec:
        parts = [int(p) for p in spec.split(':')]
        return list(range(*parts))
    return [int(p) for p in spec.split(',')]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('slp', help='SLEAP labels file')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--video', help='video file (default: as recorded in the .slp)')
    parser.add_argument('--frames', help='frame indices to keep, a:b[:step] or i,j,k')
    parser.add_argument('--split', default='all', help='name of the output split')
    args = parser.parse_args(argv)
    print(convert_slp(args.slp, args.out, video_path=args.video,
                      frame_indices=parse_frames(args.frames), split_name=args.split))


if __name__ == '__main__':
    main()
