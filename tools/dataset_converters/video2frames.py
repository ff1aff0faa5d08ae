"""Extract unlabeled frames from a video: every n-th frame, or k frames evenly spaced.

    python tools/dataset_converters/video2frames.py VIDEO --out DIR (--every N | --count K)
        [--start S] [--stop E] [--coco unlabeled.json]

With --coco, an images-only COCO JSON (no annotations) listing the frames is written too, the
format PoseBridge's datasets read for unlabeled data.
"""
import argparse
import json
import os
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from projects.core.datasets.video import (extract_frames, select_frames,  # noqa: E402
                                          video_info)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('video')
    parser.add_argument('--out', required=True, help='folder for the frames')
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument('--every', type=int, help='keep every n-th frame')
    group.add_argument('--count', type=int, help='keep k frames evenly spaced')
    parser.add_argument('--start', type=int, default=0)
    parser.add_argument('--stop', type=int)
    parser.add_argument('--ext', default='png', choices=['png', 'jpg'])
    parser.add_argument('--coco', help='also write an images-only COCO JSON here')
    args = parser.parse_args(argv)
    n, w, h, _ = video_info(args.video)
    idx = select_frames(n, every=args.every, count=args.count, start=args.start, stop=args.stop)
    names = extract_frames(args.video, args.out, idx, pattern='{stem}_{index:06d}.' + args.ext)
    print(f'{len(names)} frames written to {args.out}')
    if args.coco:
        os.makedirs(osp.dirname(osp.abspath(args.coco)), exist_ok=True)
        images = [dict(id=int(i), file_name=nm, width=w, height=h, frame_idx=int(i))
                  for i, nm in zip(idx, names)]
        with open(args.coco, 'w') as f:
            json.dump(dict(images=images, annotations=[], categories=[
                dict(id=1, name='animal', supercategory='animal')]), f)
        print(f'COCO image list written to {args.coco}')


if __name__ == '__main__':
    main()
