"""Extract unlabeled frames from a video: every n-th frame, or k frames evenly spaced.

    python tools/dataset_converters/video2frames.py VIDEO --out DIR (--every N | --count K)
        [--start S] [--stop E] [--coco unlabeled.json]

With --coco, an images-only COCO JSON (no annotations) listing the frames is written too, the
format PoseBridge's datasets read for unlabeled data. No output replaces the video, and an
existing file with other content (a labeled annotation file, say) is replaced only with
--overwrite; files are written atomically and never through a link.
"""
import argparse
import os.path as osp


from projects.core.datasets.video import (extract_frames, select_frames,  # noqa: E402
                                          video_info)
from projects.core.fileio import check_output, write_json  # noqa: E402


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
    parser.add_argument('--overwrite', action='store_true',
                        help='replace existing output files whose content differs')
    args = parser.parse_args(argv)
    from projects.core.cli import check_out_folder
    check_out_folder(parser, args.out, [args.video])
    if args.coco:  # refuse before any frame is written
        check_output(args.coco, None, [args.video], overwrite=True)
    n, w, h, _ = video_info(args.video)
    if n <= 0:
        parser.error(f'video {args.video} has no frames (OpenCV counts {n})')
    idx = select_frames(n, every=args.every, count=args.count, start=args.start, stop=args.stop)
    names = extract_frames(args.video, args.out, idx, pattern='{stem}_{index:06d}.' + args.ext,
                           overwrite=args.overwrite)
    print(f'{len(names)} frames written to {args.out}')
    if args.coco:
        images = [dict(id=int(i), file_name=nm, width=w, height=h, frame_idx=int(i))
                  for i, nm in zip(idx, names)]
        write_json(dict(images=images, annotations=[], categories=[
            dict(id=1, name='animal', supercategory='animal')]), args.coco, [args.video],
            overwrite=args.overwrite)
        print(f'COCO image list written to {args.coco}')


if __name__ == '__main__':
    main()
