"""Identity tracking scored against ground-truth tracks: IDF1, MOTA and identity switches.

    python tools/analysis/tracking_eval.py GT_SLP [PRED_SLP] [--frames a:b[:step]]
        [--noise 5] [--drop 0.1] [--draws 5] [--track-distance 50] [--track-memory 15]
        [--max-dist 50] [--out result.json] [--overwrite]

``GT_SLP`` is a SLEAP file whose instances carry track identities (e.g. the fly clip
``../shared/data/fly/clip.slp``: two flies, 1500 frames). Two kinds of hypotheses:

* ``PRED_SLP``: the tracks of a prediction file (``tools/predict.py ... --track
  --save slp``), and the same instances with per-frame ids (no tracking) as the baseline;
* without ``PRED_SLP``: the tracker alone, on detections simulated from the ground truth: every
  keypoint moved by Gaussian noise of ``--noise`` pixels (per coordinate), each instance
  missed with probability ``--drop``, the instances of a frame listed in random order, over
  ``--draws`` seeded draws. The tracker (``projects.core.apis.KeypointTracker``, norfair) is
  compared with per-frame ids: each frame's instances numbered in the order listed, which is
  what a model without tracking gives.

Keypoints are matched by node name (a prediction file whose skeleton lacks a node of the ground
truth is refused, naming it). Ground truth and hypotheses are matched per frame by the mean
distance of their keypoints
(pixels; pairs farther than ``--max-dist`` never match) and scored with motmetrics (the CLEAR MOT
and identity metrics of Bernardin & Stiefelhagen 2008 and Ristani et al. 2016): IDF1, MOTA and
the number of identity switches. Prints a table (mean +- standard error over draws) and writes
every number to ``--out``.
"""
import argparse
import os.path as osp


import numpy as np  # noqa: E402


def load_tracks(path, frames=None, nodes=None):
    """``({frame_idx: (keypoints (N, K, 2), track names (N,))}, node names)`` of a SLEAP
    file (instances without a track get ``None``). With ``nodes`` (another file's node
    names), keypoints are put in that order, matched by name.

    Raises:
        ValueError: no labeled frame (among ``frames``), or ``nodes`` that the file's skeleton
            lacks (named).
    """
    import sleap_io as sio
    labels = sio.load_slp(path)
    own = list(labels.skeletons[0].node_names)
    nodes = own if nodes is None else list(nodes)
    missing = [n for n in nodes if n not in own]
    if missing:
        raise ValueError(f'{path}: its skeleton lacks the nodes {missing} (nodes: {own}); '
                         'the files must have the same skeleton, matched by node name')
    order = [own.index(n) for n in nodes]
    out = {}
    for lf in labels:
        if frames is not None and lf.frame_idx not in frames:
            continue
        insts = list(lf.instances)
        pts = np.stack([i.numpy()[order] for i in insts]) if insts else \
            np.zeros((0, len(nodes), 2))
        out[lf.frame_idx] = (pts, [i.track.name if i.track is not None else None
                                   for i in insts])
    if not out:
        raise ValueError(f'{path}: no labeled frame' + (' in the selected frames'
                                                        if frames is not None else ''))
    return out, nodes


def mean_keypoint_distance(a, b):
    """``(N, M)`` mean Euclidean distance over keypoints present in both (NaN if none)."""
    d = np.linalg.norm(a[:, None] - b[None], axis=-1)  # (N, M, K)
    with np.errstate(invalid='ignore'):
        return np.nanmean(np.where(np.isnan(d), np.nan, d), axis=-1) if d.size else \
            np.zeros((len(a), len(b)))


def score(gt, hyp, max_dist):
    """motmetrics IDF1, MOTA, identity switches of hypotheses ``{frame: (kpts, ids)}``."""
    import motmetrics as mm
    acc = mm.MOTAccumulator(auto_id=True)
    names, hnames = {}, {}  # track names -> integer ids (motmetrics keeps ids numeric)
    for f in sorted(gt):
        g_pts, g_ids = gt[f]
        h_pts, h_ids = hyp.get(f, (np.zeros((0,) + g_pts.shape[1:]), []))
        dist = mean_keypoint_distance(g_pts, h_pts)
        dist = np.where(dist > max_dist, np.nan, dist)  # motmetrics: NaN = cannot match
        acc.update([names.setdefault(n, len(names)) for n in g_ids],
                   [hnames.setdefault(i, len(hnames)) for i in h_ids], dist)
    mh = mm.metrics.create()
    summary = mh.compute(acc, metrics=['idf1', 'mota', 'num_switches', 'num_false_positives',
                                       'num_misses'], name='run')
    row = summary.loc['run']
    return dict(IDF1=float(row['idf1']), MOTA=float(row['mota']),
                switches=int(row['num_switches']), false_positives=int(row['num_false_positives']),
                misses=int(row['num_misses']))


def simulate(gt, noise, drop, rng):
    """Detections from the ground truth: noisy keypoints, missed instances, shuffled order."""
    det = {}
    for f in sorted(gt):
        pts, _ = gt[f]
        keep = rng.random(len(pts)) >= drop
        order = rng.permutation(np.flatnonzero(keep))
        det[f] = pts[order] + rng.normal(0, noise, pts[order].shape)
    return det


def track(det, args):
    """Tracker ids and per-frame ids (detection order) for ``{frame: keypoints}``."""
    from projects.core.apis import KeypointTracker
    tracker = KeypointTracker(args.track_distance, args.track_memory)
    tracked, per_frame, last = {}, {}, None
    for f in sorted(det):
        pts = det[f]
        scores = np.where(np.isnan(pts).any(-1), 0.0, 1.0)
        ids = tracker.update(np.nan_to_num(pts), scores,
                             period=1 if last is None else max(f - last, 1))
        last = f
        tracked[f] = (pts, [int(i) for i in ids])
        per_frame[f] = (pts, list(range(len(pts))))
    return tracked, per_frame


def summarize(rows):
    keys = rows[0].keys()
    out = {}
    for k in keys:
        v = np.array([r[k] for r in rows], dtype=np.float64)
        out[k] = dict(mean=float(v.mean()),
                      se=float(v.std(ddof=1) / np.sqrt(len(v))) if len(v) > 1 else 0.0,
                      values=v.tolist())
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('gt', help='SLEAP file with ground-truth tracks')
    parser.add_argument('pred', nargs='?',
                        help='SLEAP file of tracked predictions (tools/predict.py)')
    parser.add_argument('--frames', help='frames to score: a:b[:step] or i,j,k (default all)')
    parser.add_argument('--noise', type=float, default=5.0,
                        help='keypoint noise of simulated detections, pixels')
    parser.add_argument('--drop', type=float, default=0.0,
                        help='probability that a simulated detection is missed')
    parser.add_argument('--draws', type=int, default=5, help='simulated draws (seeds 0..n-1)')
    parser.add_argument('--track-distance', type=float, default=50.0)
    parser.add_argument('--track-memory', type=int, default=15)
    parser.add_argument('--max-dist', type=float, default=50.0,
                        help='mean keypoint distance beyond which GT and hypothesis never match')
    parser.add_argument('--out', help='write the figures to this JSON file')
    parser.add_argument('--overwrite', action='store_true', help='replace an existing --out')
    args = parser.parse_args(argv)
    from projects.core.cli import parse_frames
    from projects.core.cli import check_outputs
    from projects.core.fileio import write_json
    inputs = [p for p in (args.gt, args.pred) if p]
    if args.out:  # before any work: never over an input, through a link or over another file
        check_outputs(parser, [args.out], inputs, None, args.overwrite)
    frames = parse_frames(args.frames)
    frames = set(frames) if frames is not None else None
    try:
        gt, nodes = load_tracks(args.gt, frames)
        pred = load_tracks(args.pred, frames, nodes)[0] if args.pred else None
    except (FileNotFoundError, ValueError) as e:
        parser.error(str(e))
    if not any(len(p) for p, _ in gt.values()):
        parser.error(f'{args.gt}: no ground-truth instance in the selected frames')
    if any(n is None for _, names in gt.values() for n in names):
        parser.error(f'{args.gt}: some ground-truth instances have no track')
    result = dict(gt=args.gt, frames=len(gt), max_dist=args.max_dist,
                  track_distance=args.track_distance, track_memory=args.track_memory)
    if args.pred:
        if any(n is None for _, names in pred.values() for n in names):
            parser.error(f'{args.pred}: predictions without tracks (run tools/predict.py '
                         'with --track)')
        per_frame = {f: (p, list(range(len(p)))) for f, (p, _) in pred.items()}
        result.update(source=args.pred, tracker=score(gt, pred, args.max_dist),
                      no_tracking=score(gt, per_frame, args.max_dist))
        rows = {k: {m: dict(mean=v, se=0.0) for m, v in result[k].items()}
                for k in ('tracker', 'no_tracking')}
    else:
        runs = {'tracker': [], 'no_tracking': []}
        for seed in range(args.draws):
            det = simulate(gt, args.noise, args.drop, np.random.default_rng(seed))
            tracked, per_frame = track(det, args)
            runs['tracker'].append(score(gt, tracked, args.max_dist))
            runs['no_tracking'].append(score(gt, per_frame, args.max_dist))
        result.update(source='simulated', noise=args.noise, drop=args.drop, draws=args.draws)
        rows = {k: summarize(v) for k, v in runs.items()}
        result.update(rows)
    print(f'{len(gt)} frames; {"IDF1":>15s} {"MOTA":>15s} {"ID switches":>15s}')
    for name in ('tracker', 'no_tracking'):
        r = rows[name]
        print(f'{name:12s} ' + ' '.join(f'{r[m]["mean"]:8.3f} +- {r[m]["se"]:.3f}'
                                        for m in ('IDF1', 'MOTA', 'switches')))
    if args.out:
        write_json(result, args.out, inputs, None, args.overwrite, indent=1)
    return result


if __name__ == '__main__':
    main()
