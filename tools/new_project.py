r"""Turn the labels a scientist already has into a PoseBridge project folder.

    python tools/new_project.py LABELS [LABELS ...] --out DIR [--unlabeled VIDEO_OR_FOLDER ...]
        [--val 0.1] [--test 0.1] [--seed 0] [--split-by frame|video] [--sigma 0.1]
        [--max-unlabeled 1000] [--rotate DEGREES] [--images DIR] [--video RECORDED=NOW ...]
        [--name NAME] [--overwrite]

LABELS: anything sleap-io reads (``sleap_io.load_file``): a SLEAP ``.slp``, a DeepLabCut
``CollectedData_*.csv`` (or the ``.h5`` beside it), a COCO keypoint ``.json``, a Label Studio
export, Ultralytics, NWB ... Several files are merged when their skeletons have the same nodes;
keypoints are matched by name. Single-animal and multi-animal labels, on video frames or on
image files, all work.

DIR receives ``dataset_info.py``, ``annotations/{train,val,test,unlabeled}.json``,
``images/`` (labeled video frames extracted once; image files linked, never copied), three
configs (``directpose.py``: the CPU recipe for this data; ``semimultipose.py``: the same with
the unlabeled frames; ``semimultipose_paper-gpu.py``: the paper's GPU configuration) and a
``README.md`` that says what was read, what was chosen and the commands to run next:

    python tools/train.py DIR/directpose.py
    python tools/test.py DIR/directpose.py DIR/work_dirs/directpose/best_coco_AP_iter_N.pth
    python tools/predict.py DIR/directpose.py CKPT VIDEO --out DIR/predictions --save slp

The split draws frames at random (``--split-by frame``, the default, as DeepLabCut does: most
labeled sets come from one or two videos, which a split by video could not divide); with several
videos, ``--split-by video`` keeps whole videos on one side, so no stretch of video is in both
training and test. No input is ever written; an existing DIR is refused without
``--overwrite``.
"""
import argparse
import os.path as osp
from collections import Counter

import numpy as np


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('labels', nargs='+', help='labels files (any format sleap-io reads)')
    parser.add_argument('--out', required=True, help='the project folder to write')
    parser.add_argument('--unlabeled', nargs='+', default=[],
                        help='videos or image folders without labels (SemiMultiPose)')
    parser.add_argument('--val', type=float, default=0.1, help='fraction for validation')
    parser.add_argument('--test', type=float, default=0.1, help='fraction for testing')
    parser.add_argument('--seed', type=int, default=0, help='seed of the split')
    parser.add_argument('--split-by', choices=['frame', 'video'], default='frame',
                        help='draw frames (default) or whole videos')
    parser.add_argument('--sigma', type=float, default=0.1,
                        help='OKS sigma of every keypoint (coco/AP)')
    parser.add_argument('--max-unlabeled', type=int, default=1000,
                        help='unlabeled frames kept per video or folder, evenly spaced (0: all)')
    parser.add_argument('--rotate', type=float,
                        help='rotation augmentation, +- degrees (default: from the headings in '
                        'the labels: 180 when they are spread, else 30); pass 180 when new '
                        'videos show headings the labels do not')
    parser.add_argument('--images', help='the folder of a COCO file\'s images (default: beside '
                        'the file, or its images/ folder)')
    parser.add_argument('--video', nargs='+', default=[], metavar='RECORDED=NOW',
                        help='where a video or image the labels name is now')
    parser.add_argument('--name', help='dataset name (default: the folder name of --out)')
    parser.add_argument('--overwrite', action='store_true',
                        help='write into an existing DIR, replacing its files')
    return parser, parser.parse_args(argv)


def summarize(labels, split, input_choice, spread, rotate, iters, max_inst, written, args):
    """The facts README.md and the console report, as a list of Markdown lines."""
    per = labels.instances_per_frame
    lengths = labels.animal_lengths()
    sizes = Counter((f.width, f.height) for f in labels.frames)
    pairs = written['flip_pairs']
    lines = [
        '## What was read',
        '',
        f'- Labels: {", ".join(f"`{osp.basename(p)}`" for p in labels.files)}',
        f'- {len(labels.frames)} labeled frames from {len(labels.videos)} '
        f'{"video(s) / image folder(s)"}: '
        + ', '.join(f'`{k}`' for k in labels.videos),
        f'- Frame sizes: ' + ', '.join(f'{w}x{h} ({n} frames)' for (w, h), n in
                                       sizes.most_common()),
        f'- Instances per frame: min {per.min()}, median {np.median(per):g}, max {per.max()} '
        f'({per.sum()} in all)'
        + (' (single-animal labels)' if per.max() == 1 else ''),
        f'- {len(labels.nodes)} keypoints: ' + ', '.join(f'`{n}`' for n in labels.nodes),
        f'- {len(labels.edges)} skeleton links',
        '- Flip pairs' + (' (GUESSED from left/right names: check them)' if written['guessed']
                          and pairs else ' (the skeleton\'s symmetries)' if pairs else '')
        + ': ' + (', '.join(f'`{a}`/`{b}`' for a, b in pairs) if pairs else
                  'none (no symmetries, no left/right names)'),
        f'- Animal length (longer side of the keypoint box): median {np.median(lengths):.0f} px '
        f'(range {lengths.min():.0f}-{lengths.max():.0f})',
        f'- Headings: mean resultant length R = '
        + (f'{spread:.2f}' if spread is not None else 'unknown')
        + (f' -> rotation augmentation +-{rotate:g} degrees' if args.rotate is None else
           f'; rotation augmentation +-{rotate:g} degrees (--rotate)')
        + ('' if args.rotate is not None or rotate >= 180 else
           ' (the labels face mostly one way; if new videos show other headings, '
           'make the project again with --rotate 180)'),
        '',
        '## What was chosen',
        '',
        f'- Input size {input_choice["input_size"][0]}x{input_choice["input_size"][1]} '
        f'(frames x {input_choice["scale"]:.3f}): the median animal spans '
        f'{input_choice["animal_input_px"]:.0f} input pixels (a bee in the honeybee recipe: '
        f'64); decided by the {input_choice["rule"]} rule (see '
        '`projects/semimultipose/experiments/new_project.py`)',
        f'- Codec: B2/B3 heatmaps {input_choice["input_size"][0] // 8}x'
        f'{input_choice["input_size"][1] // 8}, B1 twice as fine; at most {max_inst} instances '
        'per frame',
        f'- {iters} iterations of 4 frames (the honeybee recipe\'s pixel budget), validation '
        'and a checkpoint every quarter; the best on val (`coco/AP`) is kept',
        f'- OKS sigma {args.sigma} for every keypoint (`--sigma`)',
        '',
        '## The split',
        '',
        f'- {len(split["train"])} train / {len(split["val"])} val / {len(split["test"])} test '
        f'frames, drawn by {args.split_by} with seed {args.seed} (`--val {args.val} --test '
        f'{args.test} --split-by {args.split_by} --seed {args.seed}`)',
        ('- Frames drawn at random (DeepLabCut\'s way): neighbouring frames of one video can '
         'fall on both sides, so test scores are optimistic for new videos; with several '
         'videos, `--split-by video` keeps each video on one side.' if args.split_by == 'frame'
         else '- Whole videos drawn: no stretch of video is on both sides.'),
        f'- {written["num_unlabeled"]} unlabeled frames (`annotations/unlabeled.json`) for '
        '`semimultipose.py`',
    ]
    return lines


def readme_text(out, lines):
    """README.md of the project: the facts, then the commands to run next."""
    d = osp.abspath(out)
    cmds = [
        '## Next',
        '',
        'From the PoseBridge repository:',
        '',
        '```bash',
        f'python tools/train.py {d}/directpose.py',
        f'python tools/test.py {d}/directpose.py {d}/work_dirs/directpose/best_coco_AP_iter_N.pth',
        f'python tools/predict.py {d}/directpose.py {d}/work_dirs/directpose/best_coco_AP_iter_N.pth'
        f' VIDEO --out {d}/predictions --save slp --track',
        '```',
        '',
        '`best_coco_AP_iter_N.pth` is the checkpoint that scored best on the val frames '
        '(training prints its name). `tools/test.py` scores the test frames: OKS AP (`coco/`, '
        '`sleap/`) and the pixel error per keypoint (`px/`). The `.slp` of predictions opens '
        'in SLEAP for proofreading.',
        '',
        'With unlabeled frames, `semimultipose.py` trains SemiMultiPose on them too; '
        '`semimultipose_paper-gpu.py` is the paper\'s ResNet-50 configuration (for a GPU).',
    ]
    return '\n'.join(['# PoseBridge project', ''] + lines + [''] + cmds + [''])


def main(argv=None):
    parser, args = parse_args(argv)
    from projects.core.datasets.converters.own_labels import (LabelsError, read_labels,
                                                              split_frames)
    from projects.core.datasets.converters.own_project import heading_spread, write_dataset
    from projects.core.fileio import UnsafeOutputError, write_text
    from projects.semimultipose.experiments.new_project import (choose_input_size,
                                                                config_texts, max_instances,
                                                                recipe_iters, rotate_factor)
    out = args.out
    from projects.core.cli import check_out_folder
    given = (list(args.labels) + [v.partition('=')[2] for v in args.video]
             + list(args.unlabeled) + [args.images or ''])
    check_out_folder(parser, out, [p for p in given if osp.isfile(p)],
                     [p for p in given if osp.isdir(p)])
    if osp.isdir(out) and not args.overwrite:
        parser.error(f'--out {out} exists; pass --overwrite to write into it (its files are '
                     'replaced; the labels, images and videos are never written)')
    if args.sigma <= 0:
        parser.error(f'--sigma {args.sigma}: expected > 0')
    moved = {}
    for v in args.video:
        old, sep, new = v.partition('=')
        if not sep or not old or not new:
            parser.error(f'--video {v!r}: expected RECORDED=NOW')
        moved[old] = new
    try:
        labels = read_labels(args.labels, moved, args.images)
        split = split_frames(labels.frames, args.val, args.test, args.seed, args.split_by)
    except (LabelsError, FileNotFoundError, OSError) as e:
        parser.error(str(e))
    sizes = Counter((f.width, f.height) for f in labels.frames)
    frame_size = sizes.most_common(1)[0][0]
    lengths = labels.animal_lengths()
    if not len(lengths):
        parser.error(f'labels {", ".join(args.labels)}: no instance has two labeled keypoints; '
                     'the animal size (and the input size) cannot be measured')
    cpu = choose_input_size(frame_size, float(np.median(lengths)))
    paper = choose_input_size(frame_size, float(np.median(lengths)) / 2,
                              max_pixels_factor=16.0)
    spread = heading_spread(labels)
    rotate = rotate_factor(spread) if args.rotate is None else args.rotate
    iters = recipe_iters(cpu['input_size'])
    max_inst = max_instances(labels.instances_per_frame)
    name = args.name or osp.basename(osp.normpath(out))
    held_out = sorted({labels.frames[i].video_key for part in ('val', 'test')
                       for i in split[part]}) if args.split_by == 'video' else []
    try:
        written = write_dataset(labels, split, out, name, args.sigma, args.unlabeled,
                                args.max_unlabeled, held_out, args.overwrite)
        sources = list(labels.files)
        for fname, text in config_texts(', '.join(osp.basename(p) for p in labels.files),
                                        len(labels.nodes), cpu, paper['input_size'], iters,
                                        max_inst, rotate).items():
            work = osp.splitext(fname)[0]
            text += f"\nwork_dir = '{{{{ fileDirname }}}}/work_dirs/{work}'\n"
            write_text(text, osp.join(out, fname), sources, out, args.overwrite)
        lines = summarize(labels, split, cpu, spread, rotate, iters, max_inst, written, args)
        write_text(readme_text(out, lines), osp.join(out, 'README.md'), sources, out,
                   args.overwrite)
    except (UnsafeOutputError, FileNotFoundError, ValueError, OSError) as e:
        parser.error(str(e))
    print('\n'.join(lines))
    print(f'\nwritten {out}: dataset_info.py, annotations/, images/, directpose.py, '
          'semimultipose.py, semimultipose_paper-gpu.py, README.md (with the commands to run '
          'next)')
    return dict(labels=labels, split=split, input=cpu, rotate=rotate, iters=iters,
                max_instances=max_inst, **written)


if __name__ == '__main__':
    main()
