"""One animal of a SLEAP file as a DeepLabCut labeled-data folder (single-animal labels).

    python tools/dataset_converters/slp2dlc.py LABELS.slp --out DIR --frames a:b[:step]
        [--track NAME] [--crop W H] [--mask-others] [--scorer NAME] [--bodyparts A B ...]
        [--overwrite]

Writes ``DIR/labeled-data/<video stem>/img<frame>.png`` and ``CollectedData_<scorer>.csv`` in
DeepLabCut's three-header-row layout (``scorer``, ``bodyparts``, ``coords``), the animal's
keypoints shifted into the ``--crop`` window centred on it (keypoints outside the window are
left unlabeled); ``--mask-others`` paints the other labeled animals over with the frame's
median colour, so that each image holds one animal. DeepLabCut and ``tools/new_project.py`` read the result; the docs use it to
train a single animal from the fly clip. Nothing is written over the labels or the video.
"""
import argparse


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('labels', help='SLEAP labels (.slp) whose video is readable')
    parser.add_argument('--out', required=True, help='output folder (a DeepLabCut project root)')
    parser.add_argument('--frames', required=True, help='frames: a:b[:step] or i,j,k')
    parser.add_argument('--track', help='the animal\'s track (default: the first instance)')
    parser.add_argument('--crop', type=int, nargs=2, metavar=('W', 'H'),
                        help='crop a WxH window around the animal')
    parser.add_argument('--mask-others', action='store_true',
                        help='paint the other labeled animals over (one animal per image)')
    parser.add_argument('--scorer', default='posebridge', help='DeepLabCut scorer name')
    parser.add_argument('--bodyparts', nargs='+', help='the CSV column order, by node name')
    parser.add_argument('--overwrite', action='store_true', help='replace existing files')
    args = parser.parse_args(argv)
    from projects.core.cli import check_out_folder, parse_frames
    from projects.core.datasets.converters.dlc import slp_to_dlc
    check_out_folder(parser, args.out, [args.labels])
    try:
        out = slp_to_dlc(args.labels, args.out, parse_frames(args.frames), args.track,
                         tuple(args.crop) if args.crop else None, args.scorer, args.bodyparts,
                         args.mask_others, overwrite=args.overwrite)
    except (FileNotFoundError, ValueError, OSError) as e:
        parser.error(str(e))
    print(f'{len(out["frames"])} frames, bodyparts {out["bodyparts"]}: {out["csv"]}')
    return out


if __name__ == '__main__':
    main()
