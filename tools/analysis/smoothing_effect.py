r"""Jitter and error of a model's keypoint tracks before and after temporal smoothing, on a
video with SLEAP ground truth for every frame (here: the two-fly clip in ../shared/data/fly).

    python tools/analysis/smoothing_effect.py CONFIG CHECKPOINT \
        ../shared/data/fly/clip.slp ../shared/data/fly/clip.mp4 --frames 1200 1300 \
        --windows 5 9 15 --out outputs/smoothing_fly.json

Runs the bottom-up model on every frame of the range, follows each ground-truth animal (SLEAP
track) through the predicted instance nearest to it (mean distance over its labeled nodes),
then compares the raw tracks with Savitzky-Golay-smoothed ones (the filter of
``tools/infant_chain.py --smooth``): jitter (mean norm of the frame-to-frame second difference,
px/frame^2) over every frame and over the triplets of frames where the node is labeled in all
three, the ground truth's own jitter over those triplets (real motion; a node missing from the
labels never counts as motion), and the mean/median error (px).
"""
import argparse
import os.path as osp



def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('config')
    p.add_argument('checkpoint')
    p.add_argument('slp', help='SLEAP labels with tracks: the ground truth')
    p.add_argument('video', help='the video the labels were made on')
    p.add_argument('--frames', type=int, nargs=2, required=True, metavar=('START', 'STOP'))
    p.add_argument('--windows', type=int, nargs='+', default=[5, 9, 15])
    p.add_argument('--polyorder', type=int, default=2)
    p.add_argument('--device', default='cpu')
    p.add_argument('--out', default=None, help='JSON file for the figures')
    p.add_argument('--overwrite', action='store_true', help='replace an existing --out')
    args = p.parse_args(argv)
    from projects.core.cli import checked_inputs
    inputs = checked_inputs(p, args)  # --out refused before anything is measured
    import numpy as np
    import sleap_io as sio
    from mmpose.apis import inference_bottomup, init_model
    import projects.semimultipose  # noqa: F401
    from projects.core.datasets.video import FrameReader
    from projects.infant3d.apis import smoothing_effect

    labels = sio.load_slp(args.slp)
    by_frame = {lf.frame_idx: lf for lf in labels.labeled_frames}
    tracks = sorted({i.track.name for lf in labels.labeled_frames for i in lf.instances
                     if i.track is not None})
    if not tracks:
        p.error(f'{args.slp}: no tracks; the ground truth needs SLEAP track identities')
    model = init_model(args.config, args.checkpoint, device=args.device)
    reader = FrameReader(args.video)
    pred = {t: [] for t in tracks}
    gt = {t: [] for t in tracks}
    for idx in range(*args.frames):
        if idx >= len(reader):
            p.error(f'{args.video}: has {len(reader)} frames, no frame {idx}')
        img = reader[idx]
        if idx not in by_frame:
            p.error(f'{args.slp}: frame {idx} is not labeled')
        inst = inference_bottomup(model, img)[0].pred_instances
        kps = np.asarray(inst.keypoints)
        for t in tracks:
            g = [i.numpy() for i in by_frame[idx].instances
                 if i.track is not None and i.track.name == t]
            if not g:
                p.error(f'{args.slp}: track {t} missing in frame {idx}')
            g = g[0]
            vis = ~np.isnan(g).any(axis=1)
            d = np.nanmean(np.linalg.norm(kps[:, vis] - g[vis], axis=-1), axis=1)
            pred[t].append(kps[int(np.argmin(d))])
            gt[t].append(g)
    result = dict(config=args.config, checkpoint=args.checkpoint, video=args.video,
                  frames=args.frames, polyorder=args.polyorder, tracks={})
    for t in tracks:
        g = np.asarray(gt[t])
        vis = ~np.isnan(g).any(axis=-1)
        rows = smoothing_effect(np.asarray(pred[t]), np.nan_to_num(g), vis, args.windows,
                                args.polyorder)
        result['tracks'][t] = rows
        print(f'track {t} ({len(g)} frames)')
        print('  window  jitter px/f^2  on labeled triplets  (GT jitter there)  mean error px'
              '  median error px')
        for r in rows:
            print(f'  {r["window"]:6d}  {r["jitter"]:13.2f}  {r["jitter_labeled"]:19.2f}  '
                  f'({r["gt_jitter"]:.2f})  {r["error"]:13.2f}  {r["error_median"]:15.2f}')
    if args.out:
        from projects.core.fileio import write_json
        write_json(result, args.out, inputs, None, args.overwrite, indent=1)


if __name__ == '__main__':
    main()
