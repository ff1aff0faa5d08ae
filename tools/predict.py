"""Predict poses on images, folders of images or videos; track animals; export for SLEAP.

    python tools/predict.py CONFIG CHECKPOINT INPUT [INPUT ...] --out DIR [--frames a:b[:step] | i,j,k]
        [--score-thr T] [--max-animals N] [--nms-thr 0.5] [--track] [--track-distance 50]
        [--track-memory 15] [--kpt-thr 0.1] [--save slp coco nwb h5 csv overlay]
        [--batch-size N] [--prefetch N] [--timing] [--backend pytorch|onnxruntime] [--device cpu]
        [--overwrite] [--cfg-options k=v ...]

MMPose's demo scripts, for the animals of this project: argument parsing and writers around the
library function ``projects.core.apis.predict_source``, which runs the model the way MMPose's
inference API does (``inference_bottomup``'s test pipeline and ``test_step`` for one-stage /
bottom-up configs, ``inference_topdown`` on the whole frame for top-down ones, following the
config's ``data_mode``); a video is decoded once, in frame order, one frame in memory at a time.
``--batch-size N`` runs N frames per forward pass (one-stage / bottom-up configs; N frames in
memory); ``--timing`` prints the milliseconds per frame of each stage (read, resize, network,
grouping, tracking, writing: :class:`projects.core.apis.StageTimer`). ``--backend onnxruntime``
runs the network (backbone, neck, head forward) with ONNX Runtime on the CPU, exported in
memory from the loaded weights (:func:`projects.core.apis.use_onnxruntime`); the rest is
unchanged.

Per frame, instances scoring below ``--score-thr`` are dropped (default: the threshold with the
best detection F1 on the val frames, which configs with ``ScoreThresholdHook`` store in their
checkpoints, else 0.3; a warning names the scores seen when every frame comes back empty),
duplicates removed by OKS-NMS
(MMPose's ``oks_nms`` with the dataset's sigmas, ``--nms-thr``) and at most ``--max-animals``
kept (highest scores). With ``--track``, identities across frames come from norfair's tracker
on the keypoints (:class:`projects.core.apis.KeypointTracker`).

Outputs go into ``--out`` as ``<input stem>.<ext>`` (``--save``, default ``slp coco``):

* ``slp``: SLEAP labels (sleap-io) with the source video linked, instance and point scores and
  tracks: open it in SLEAP to proofread; ``nwb`` (needs pynwb and ndx-pose), ``h5`` (SLEAP
  analysis HDF5) and ``csv`` through sleap-io's writers;
* ``coco``: COCO keypoint results (JSON), with ``track_id`` per instance;
* ``overlay``: ``<stem>_overlay.mp4`` for a video, or ``overlay/`` images, drawn by MMPose's
  ``PoseLocalVisualizer``, each track's box and id in its own colour.

Each INPUT is a video, an image, a folder of images or a quoted glob pattern (``'videos/*.mp4'``);
each gets its own outputs, so two inputs may not share a file stem. Every output of every input
is checked before the model runs. ``tools/dist_predict.sh CONFIG CHECKPOINT NPROC INPUT ...``
splits the inputs across torchrun processes (``--launcher pytorch``; process ``r`` of ``n``
predicts inputs ``r, r + n, ...``), on CPUs, GPUs or nodes as ``tools/dist_train.sh`` trains;
each input's outputs are those one process writes.

Nothing is written over the input or an existing file without ``--overwrite``.
"""
import argparse
import os
import os.path as osp
import sys
import time


import numpy as np  # noqa: E402
from mmengine.config import DictAction  # noqa: E402

from projects.core.apis.predict import filter_instances  # noqa: E402,F401  (re-exported)

SAVE = ('slp', 'coco', 'nwb', 'h5', 'csv', 'overlay')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='model config')
    parser.add_argument('checkpoint', help='trained weights')
    parser.add_argument('inputs', nargs='+', metavar='INPUT',
                        help='videos, images, folders of images or quoted glob patterns')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--frames', help='frames to predict: a:b[:step] or i,j,k (default all)')
    parser.add_argument('--score-thr', type=float, default=None,
                        help='drop instances scoring below this (default: the threshold chosen '
                        'on the val frames, stored in the checkpoint by ScoreThresholdHook, '
                        'else 0.3)')
    parser.add_argument('--max-animals', type=int, default=None,
                        help='keep at most this many instances per frame')
    parser.add_argument('--nms-thr', type=float, default=0.5,
                        help='OKS above which two instances are duplicates (1: no NMS)')
    parser.add_argument('--track', action='store_true', help='track identities (norfair)')
    parser.add_argument('--track-distance', type=float, default=50.0,
                        help='largest root-mean-square keypoint distance of a match, pixels')
    parser.add_argument('--track-memory', type=int, default=15,
                        help='frames a track survives without a match')
    parser.add_argument('--kpt-thr', type=float, default=0.1,
                        help='keypoint score below which a keypoint is not drawn or tracked')
    parser.add_argument('--save', nargs='+', choices=SAVE, default=['slp', 'coco'])
    parser.add_argument('--batch-size', type=int, default=1,
                        help='frames per forward pass (one-stage / bottom-up configs)')
    parser.add_argument('--prefetch', type=int, default=0, metavar='N',
                        help='frames decoded ahead by a background thread (0: none)')
    parser.add_argument('--timing', action='store_true',
                        help='print the time per frame of each stage')
    parser.add_argument('--backend', choices=['pytorch', 'onnxruntime'], default='pytorch',
                        help='what runs the network (onnxruntime: CPU only)')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, key=value (as tools/test.py)')
    parser.add_argument('--overwrite', action='store_true',
                        help='replace existing output files')
    parser.add_argument('--launcher', choices=['none', 'pytorch'], default='none',
                        help='pytorch: one of several torchrun processes (tools/dist_predict.sh)')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    return parser, parser.parse_args(argv)


def expand_inputs(items):
    """Inputs as given, a glob pattern replaced by its sorted matches.

    Raises:
        FileNotFoundError: a pattern matches nothing, or a path does not exist.
        ValueError: two inputs share a file stem (their outputs would collide).
    """
    import glob
    out = []
    for item in items:
        if not osp.exists(item) and glob.has_magic(item):
            found = sorted(glob.glob(item))
            if not found:
                raise FileNotFoundError(f'{item}: the pattern matches no file')
            out += found
        elif not osp.exists(item):
            raise FileNotFoundError(f'{item}: no such file or folder')
        else:
            out.append(item)
    stems = {}
    for item in out:
        stem = input_stem(item)
        if stem in stems and osp.realpath(stems[stem]) != osp.realpath(item):
            raise ValueError(f'inputs {stems[stem]} and {item} share the stem {stem!r}: their '
                             'outputs would collide; predict them into different --out folders')
        stems[stem] = item
    return list(dict.fromkeys(out))


def input_stem(path):
    """The name an input's outputs take: ``<stem>.<ext>``."""
    return osp.splitext(osp.basename(osp.normpath(path)))[0]


class Overlay:
    """Frames drawn by MMPose's PoseLocalVisualizer, track ids in consistent colours; written
    through :mod:`projects.core.fileio` as a video (into a temporary file, moved into place by
    :meth:`close`) or as images ``<path>/<image name>``.

    Args:
        meta (dict): the model's dataset meta (skeleton, colours).
        path (str): the video file, or the folder of images.
        fps (float, optional): the video's frame rate (default 25).
        kpt_thr (float): keypoints scoring below this are not drawn.
        as_video (bool): write a video, else images.
        sources (sequence of str): the run's inputs, never written.
        root (str): the output folder; nothing is written outside it.
        overwrite (bool): replace existing files.
    """

    def __init__(self, meta, path, fps=None, kpt_thr=0.1, as_video=True, sources=(),
                 root=None, overwrite=False):
        from mmpose.visualization import PoseLocalVisualizer

        from projects.core.fileio import VideoFileWriter
        self.vis = PoseLocalVisualizer.get_instance(f'posebridge_predict_{id(self)}', radius=3,
                                                    line_width=2)
        self.vis.set_dataset_meta(meta)
        self.path, self.fps, self.kpt_thr, self.as_video = path, fps or 25.0, kpt_thr, as_video
        self.sources, self.root, self.overwrite = sources, root, overwrite
        self.writer = VideoFileWriter(path, self.fps, self.sources, root, overwrite) \
            if as_video else None
        self.palette = (np.array([[230, 25, 75], [60, 180, 75], [255, 225, 25], [0, 130, 200],
                                  [245, 130, 48], [145, 30, 180], [70, 240, 240],
                                  [240, 50, 230], [210, 245, 60], [250, 190, 212]]))

    @staticmethod
    def image_path(folder, frame_path):
        """The overlay image of an input image: ``<folder>/<its file name>``."""
        return osp.join(folder, osp.basename(frame_path))

    def add(self, path, image, kpts, kscores, ids):
        """Draw one frame's instances on ``image`` (BGR; ``ids``: track ids or None) and
        write it (images: under the input image's name, from ``path``)."""
        from mmengine.structures import InstanceData
        from mmpose.structures import PoseDataSample

        from projects.core.fileio import write_image
        sample = PoseDataSample()
        sample.pred_instances = InstanceData(keypoints=kpts, keypoint_scores=kscores)
        rgb = image[..., ::-1]
        self.vis.add_datasample('frame', rgb, sample, draw_gt=False, draw_bbox=False,
                                kpt_thr=self.kpt_thr, show=False)
        if len(kpts) and ids is not None:
            ok = kscores > self.kpt_thr
            boxes, colors, texts, pos = [], [], [], []
            for i in range(len(kpts)):
                if ids[i] < 0 or not ok[i].any():
                    continue
                p = kpts[i][ok[i]]
                boxes.append([*p.min(0) - 5, *p.max(0) + 5])
                colors.append(tuple(int(c) for c in self.palette[ids[i] % len(self.palette)]))
                texts.append(str(int(ids[i])))
                pos.append(p.min(0) - 8)
            for box, color, text, xy in zip(boxes, colors, texts, pos):
                self.vis.draw_bboxes(np.asarray([box]), edge_colors=[color], line_widths=2)
                self.vis.draw_texts(text, np.asarray(xy), colors=color, font_sizes=12)
        img = self.vis.get_image()[..., ::-1]
        if self.as_video:
            self.writer.write(img)
        else:  # images only: a video's overlay is a video
            write_image(self.image_path(self.path, path), np.ascontiguousarray(img),
                        self.sources, self.root, self.overwrite)

    def close(self):
        if self.writer is not None:
            self.writer.close()

    def discard(self):
        """Drop a video being written (after an error)."""
        if self.writer is not None:
            self.writer.discard()


def main(argv=None):
    parser, args = parse_args(argv)
    from mmengine.config import Config

    from projects.core.apis import FrameSource
    from projects.core.cli import check_out_folder, parse_frames
    from projects.core.fileio import UnsafeOutputError

    for path in (args.config, args.checkpoint):
        if not osp.isfile(path):
            parser.error(f'{path}: no such file')
    try:
        inputs = expand_inputs(args.inputs)
        sources = [FrameSource(i, parse_frames(args.frames)) for i in inputs]
    except (FileNotFoundError, ValueError, OSError) as e:
        parser.error(str(e))
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        from projects.core.engine.config_check import ConfigKeyError, check_cfg_options
        try:  # a typo, or a key nothing reads, is refused before anything runs
            check_cfg_options(cfg, args.cfg_options)
        except ConfigKeyError as e:
            parser.error(str(e))
        cfg.merge_from_dict(args.cfg_options)
    data_mode = cfg.get('data_mode')
    if data_mode not in ('topdown', 'bottomup'):
        parser.error(f"{args.config}: field 'data_mode' must be 'topdown' or 'bottomup' "
                     f'(got {data_mode!r})')
    if args.batch_size < 1:
        parser.error(f'--batch-size {args.batch_size}: expected a positive integer')
    if args.backend == 'onnxruntime' and args.device != 'cpu':
        parser.error(f'--backend onnxruntime runs on the CPU (got --device {args.device})')
    if args.batch_size > 1 and data_mode != 'bottomup':
        parser.error(f"--batch-size {args.batch_size}: {args.config} is a top-down config "
                     "(data_mode 'topdown'); batches are for one-stage / bottom-up models")
    check_out_folder(parser, args.out, [args.config, args.checkpoint] + list(inputs),
                     [i for i in inputs if osp.isdir(i)])
    os.makedirs(args.out, exist_ok=True)
    try:  # every output of every input refused before any work is done (on every process)
        plans = [plan_outputs(args, i, src) for i, src in zip(inputs, sources)]
    except UnsafeOutputError as e:
        parser.error(str(e))
    rank, world = 0, 1
    if args.launcher == 'pytorch':
        from mmengine.dist import get_dist_info, init_dist

        from projects.core.engine import setup_cpu_distributed
        cfg.launcher = 'pytorch'
        # without CUDA, the gloo group is started from torchrun's environment (MMEngine's
        # pytorch launcher would call torch.cuda.set_device)
        if not setup_cpu_distributed(cfg):
            init_dist('pytorch', backend='nccl')
        rank, world = get_dist_info()
    model, checkpoint = load_model(parser, args, cfg)
    if args.score_thr is None:
        args.score_thr, origin = checkpoint_score_thr(checkpoint)
        print(f'--score-thr {args.score_thr:.3f} ({origin})')
    written = {}
    for k in range(rank, len(inputs), world):
        written[inputs[k]] = predict_one(parser, args, model, data_mode, plans[k])
    if world > 1:
        from mmengine.dist import barrier
        barrier()
    return written[inputs[0]] if len(inputs) == 1 and inputs[0] in written else written


def load_model(parser, args, cfg):
    """The model of ``cfg`` with ``args.checkpoint``'s weights on ``args.device`` (run by ONNX
    Runtime with ``--backend onnxruntime``), and the checkpoint file read: a published MMPose
    0.x checkpoint (``keypoint_head.*``) is read through a 1.x copy in ``args.out``; one
    that does not fit the model is refused (``init_model`` loads non-strictly).

    Raises:
        SystemExit: through ``parser.error``: a truncated or empty checkpoint (named), one
            that does not fit, or an ONNX export that fails.
    """
    from mmpose.apis import init_model

    from projects.core.checkpoint import (CheckpointMismatchError, check_checkpoint_fits,
                                          mmpose1x_checkpoint)
    from projects.core.fileio import UnsafeOutputError
    try:
        checkpoint = mmpose1x_checkpoint(args.checkpoint, args.out)
    except (RuntimeError, UnsafeOutputError) as e:
        parser.error(str(e))
    model = init_model(cfg, checkpoint, device=args.device)
    try:
        check_checkpoint_fits(model, checkpoint, cfg.get('load_from_allow', ()))
    except CheckpointMismatchError as e:
        parser.error(str(e))
    if args.backend == 'onnxruntime':
        from projects.core.apis import use_onnxruntime
        try:
            use_onnxruntime(model)
        except (ValueError, ImportError, RuntimeError) as e:
            parser.error(f'--backend onnxruntime: {e}')
    return model, checkpoint


def plan_outputs(args, input_path, source):
    """The outputs of one input, each checked (:func:`projects.core.fileio.check_output`).

    Raises:
        projects.core.fileio.UnsafeOutputError: an output is an input, a link, or exists.
    """
    from projects.core.apis import output_path
    from projects.core.fileio import Inputs, check_folder, check_output
    stem = input_stem(input_path)
    # the run's inputs: none of them is ever written
    inputs = Inputs([args.config, args.checkpoint, input_path] + list(source.paths))
    overlay_path = osp.join(args.out, f'{stem}_overlay.mp4' if source.kind == 'video'
                            else 'overlay')
    formats = [f for f in args.save if f != 'overlay']
    check_folder(args.out, args.out)
    for fmt in formats:
        check_output(output_path(args.out, stem, fmt), None, inputs, args.out, args.overwrite)
    if 'overlay' in args.save and source.kind == 'video':
        check_output(overlay_path, None, inputs, args.out, args.overwrite)
    elif 'overlay' in args.save:
        check_folder(overlay_path, args.out)
        for i in source.frames:
            check_output(Overlay.image_path(overlay_path, source.paths[i]), None, inputs,
                         args.out, args.overwrite)
    return dict(input=input_path, source=source, stem=stem, inputs=inputs,
                overlay_path=overlay_path, formats=formats)


def predict_one(parser, args, model, data_mode, plan):
    """Predict one input of :func:`plan_outputs` and write its outputs; return them."""
    from projects.core.apis import (KeypointTracker, StageTimer, build_labels, predict_source,
                                    save_predictions)
    source, stem, inputs = plan['source'], plan['stem'], plan['inputs']
    overlay_path, formats = plan['overlay_path'], plan['formats']
    meta = model.dataset_meta
    tracker = KeypointTracker(args.track_distance, args.track_memory, args.kpt_thr) \
        if args.track else None
    overlay = Overlay(meta, overlay_path, source.fps, args.kpt_thr,
                      as_video=source.kind == 'video', sources=inputs, root=args.out,
                      overwrite=args.overwrite) if 'overlay' in args.save else None
    t0 = time.perf_counter()
    from mmengine.utils import ProgressBar
    bar = ProgressBar(len(source))
    timer = StageTimer()
    try:
        records = []
        for rec in predict_source(model, source, data_mode, args.score_thr, args.nms_thr,
                                  args.max_animals, tracker, keep_image=overlay is not None,
                                  batch_size=args.batch_size, timer=timer,
                                  prefetch=args.prefetch):
            if overlay is not None:
                with timer.stage('writing'):
                    overlay.add(rec.path, rec.image, rec.keypoints, rec.keypoint_scores,
                                rec.track_ids)
                rec.image = None  # a video's frames do not stay in memory
            records.append(rec)
            bar.update()
    except (ValueError, OSError) as e:  # an empty or truncated image, an unreadable frame
        if overlay is not None:
            overlay.discard()
        parser.error(str(e))
    except BaseException:
        if overlay is not None:
            overlay.discard()
        raise
    with timer.stage('writing'):
        if overlay is not None:
            overlay.close()
        labels = build_labels(records, meta, source.paths, source.kind)
        written = save_predictions(labels, records, args.out, stem, formats, args.out,
                                   args.overwrite, protect=inputs, fps=source.fps)
    seconds = time.perf_counter() - t0
    if overlay is not None:
        written['overlay'] = overlay_path
    n_inst = sum(len(r['keypoints']) for r in records)
    if records and n_inst == 0:
        warn_empty(records, args.score_thr)
    n_tracks = len({int(i) for r in records if r['track_ids'] is not None
                    for i in r['track_ids'] if i >= 0})
    print(f'\n{plan["input"]}: {len(records)} frames, {n_inst} instances'
          + (f', {n_tracks} tracks' if tracker is not None else '')
          + f', {len(records) / seconds:.2f} frames/s end to end (decode, model, keypoints'
          + (', tracking' if tracker is not None else '')
          + (', overlay' if overlay is not None else '') + ', writing)'
          + (f' at batch {args.batch_size}' if args.batch_size > 1 else ''))
    if args.timing:
        print(f'stages: {timer.summary()}')
    for fmt, path in written.items():
        print(f'{fmt:8s} {path}')
    return written


def checkpoint_score_thr(checkpoint, default=0.3):
    """``(threshold, where it came from)``: the checkpoint's ``meta['score_thr']`` (chosen on
    the val frames by ``ScoreThresholdHook``), else ``default``."""
    from mmengine.runner import CheckpointLoader
    meta = CheckpointLoader.load_checkpoint(checkpoint, map_location='cpu').get('meta') or {}
    if meta.get('score_thr') is not None:
        return float(meta['score_thr']), ('best F1 on the val frames at iteration '
                                          f'{meta.get("score_thr_iter")}, from the checkpoint')
    return default, 'the default; the checkpoint holds no threshold chosen on val frames'


def warn_empty(records, score_thr):
    """Say why every frame came back empty: the threshold and the instance scores seen."""
    import warnings
    best = np.array([r['best_score'] for r in records], dtype=np.float64)
    seen = best[np.isfinite(best)]
    if seen.size:
        msg = (f'no instance in any of the {len(records)} frames: every instance scored below '
               f'--score-thr {score_thr:g} (best score per frame: median {np.median(seen):.3f}, '
               f'max {seen.max():.3f}); lower --score-thr, or train longer')
    else:
        msg = (f'no instance in any of the {len(records)} frames: the model decoded none '
               '(is the checkpoint trained?)')
    warnings.warn(msg, stacklevel=2)
    print(f'WARNING: {msg}', file=sys.stderr)


if __name__ == '__main__':
    main()
