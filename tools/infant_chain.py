r"""Infant 3D pose on an image, a folder of images or a video: detector -> 2D -> lifter.

    python tools/infant_chain.py INPUT --out OUT_DIR \
        [--det-config C --det-checkpoint P] [--pose2d-config C --pose2d-checkpoint P] \
        [--lifter-config C --lifter-checkpoint P] [--smooth 9] [--device cpu] [--overwrite]

Writes OUT_DIR/predictions.json and .csv (2D keypoints in pixels with scores, 3D keypoints in
mm relative to the pelvis, the box, per frame), an overlay of the 2D skeleton (overlay/ for
images, overlay.mp4 for a video) and 3D skeleton plots (pose3d/). Existing outputs are
replaced only with ``--overwrite``; nothing is ever written over the input.

Weights: a stage without ``--STAGE-checkpoint`` uses the checkpoint its config names
(``load_from``): the COCO Faster R-CNN and the MPII SimpleBaseline of the OpenMMLab model zoos
(downloaded once into torch's hub cache) and the MPI-INF-3DHP lifter pre-training run. When
one cannot be found or downloaded the tool stops and says what to download and where to put
it; it never runs with random weights unless ``--random-weights`` asks for it (tests and speed
figures only).
"""
import argparse
import os.path as osp
import sys
import warnings

from projects.infant3d.apis.chain import CHAIN_CONFIGS


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('input', help='image, folder of images or video')
    p.add_argument('--out', required=True, help='output folder')
    for stage in ('det', 'pose2d', 'lifter'):
        p.add_argument(f'--{stage}-config', default=CHAIN_CONFIGS[stage])
        p.add_argument(f'--{stage}-checkpoint', default=None)
    p.add_argument('--random-weights', action='store_true',
                   help='stages without --STAGE-checkpoint get random weights (plumbing tests '
                   'and speed figures only; the output is meaningless)')
    p.add_argument('--device', default='cpu')
    p.add_argument('--det-cat-id', type=int, default=0, help='class kept (COCO person: 0)')
    p.add_argument('--bbox-thr', type=float, default=0.3)
    p.add_argument('--fallback-full-image', action='store_true',
                   help='use the whole frame when nothing is detected')
    p.add_argument('--smooth', type=int, default=0,
                   help='Savitzky-Golay window in frames (odd; 0: no smoothing)')
    p.add_argument('--polyorder', type=int, default=2)
    p.add_argument('--no-overlay', action='store_true')
    p.add_argument('--plot-every', type=int, default=0, help='3D plot every N frames')
    p.add_argument('--max-frames', type=int, default=None)
    p.add_argument('--overwrite', action='store_true',
                   help='replace existing outputs in --out (never the input)')
    return p, p.parse_args(argv)


def main(argv=None):
    parser, args = parse_args(argv)
    from projects.infant3d.apis import (InfantPoseChain, MissingWeightsError,
                                        resolve_stage_checkpoint, run_chain)
    root = osp.dirname(osp.dirname(osp.abspath(__file__)))
    if not osp.exists(args.input):  # before any weights are looked for or downloaded
        sys.exit(f'infant_chain.py: {args.input}: no such file or folder')
    from projects.core.cli import check_out_folder
    check_out_folder(parser, args.out, [args.input] + [
        getattr(args, f'{s}_{k}') for s in ('det', 'pose2d', 'lifter')
        for k in ('config', 'checkpoint')], [args.input])
    for stage in ('det', 'pose2d', 'lifter'):
        ckpt = getattr(args, f'{stage}_checkpoint')
        if ckpt is None and args.random_weights:
            warnings.warn(f'--random-weights: the {stage} stage has random weights')
            continue
        try:
            ckpt = resolve_stage_checkpoint(stage, getattr(args, f'{stage}_config'), ckpt, root)
        except MissingWeightsError as e:
            sys.exit(f'infant_chain.py: {e}')
        setattr(args, f'{stage}_checkpoint', ckpt)
    chain = InfantPoseChain(args.det_config, args.det_checkpoint, args.pose2d_config,
                            args.pose2d_checkpoint, args.lifter_config, args.lifter_checkpoint,
                            device=args.device, det_cat_id=args.det_cat_id,
                            bbox_thr=args.bbox_thr,
                            fallback_full_image=args.fallback_full_image)
    from projects.core.fileio import UnsafeOutputError
    try:
        result = run_chain(chain, args.input, args.out, smooth_window=args.smooth,
                           polyorder=args.polyorder, overlay=not args.no_overlay,
                           plot_every=args.plot_every, max_frames=args.max_frames,
                           overwrite=args.overwrite)
    except (UnsafeOutputError, ValueError) as e:
        sys.exit(f'infant_chain.py: {e}')
    found = sum(f['bbox'] is not None for f in result['frames'])
    print(f'{len(result["frames"])} frames, {found} with a detection -> {args.out}')


if __name__ == '__main__':
    main()
