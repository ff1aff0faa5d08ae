"""Speed and memory of a PoseBridge config on real honeybee frames (CPU or GPU).

    python tools/analysis/semimultipose/benchmark.py CONFIG [../shared/data/honeybee] [--checkpoint CKPT]
        [--repeats 5] [--train-iters 5] [--infer-frames 10] [--labeled L] [--unlabeled U]
        [--device cpu] [--threads T] [--few-many 10] [--video-frames 60 [--video-batch 4 8]
        [--backend onnxruntime]]
        [--out figures.json]
        [--cfg-options k=v ...]

Prints, as medians over repeated runs:
* training seconds per iteration (MMEngine's ``model.train_step`` with the config's own
  ``optim_wrapper``: forward, backward and optimizer step on a batch built by the config's
  training pipeline from real frames, data loading excluded); for a two-stream
  (SemiMultiPose) config the batch holds ``--labeled`` labeled and ``--unlabeled`` unlabeled
  frames, with every loss term switched on;
* inference frames per second at batch 1 on decoded full-size frames (2560x1440 arrays in
  memory): the config's test pipeline (resize), the network and the decoding to instances;
* peak memory: the process's maximum resident set size (CPU) or the CUDA allocator's peak;
* with ``--few-many K`` (the one-stage claim): seconds per frame, same path as above, on the K
  honeybee frames with the fewest annotated bees and on the K with the most, and their ratio
  (a top-down model's cost grows with the number of animals; a one-stage model's should not);
* with ``--video-frames N`` (needs ``--checkpoint``): an mp4 video made from N of the real
  frames at full size is run end to end through the library loop of ``tools/predict.py``
  (:func:`projects.core.apis.predict_source`: decode, resize, network, grouping, OKS-NMS,
  tracking, ``.slp`` writing), in this process, at batch 1 and at each ``--video-batch``
  size; its frames per second and the milliseconds per frame of each stage are reported.
"""
import argparse
import json
import os.path as osp
import resource
import shutil
import statistics
import tempfile
import time


import cv2  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.dataset import Compose, pseudo_collate  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from mmengine.utils import import_modules_from_strings  # noqa: E402

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))


def peak_memory_gib(device):
    if device.startswith('cuda'):
        return torch.cuda.max_memory_allocated() / 1024 ** 3
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2


def sync(device):
    if device.startswith('cuda'):
        torch.cuda.synchronize()


def video_end_to_end(args, cfg, tmp):
    """An mp4 of ``--video-frames`` real frames at full size, predicted end to end in this
    process by the library loop behind ``tools/predict.py``
    (:func:`projects.core.apis.predict_source`: decoding, resize, network, grouping, OKS-NMS,
    tracking) and written as ``.slp`` (:func:`projects.core.apis.save_predictions`), at batch 1
    and at each ``--video-batch`` size.

    Returns:
        dict: ``video_frames``, ``video_size`` and, per batch size N, ``video_fps_batchN`` (frames
        per second, end to end) and ``video_ms_per_frame_batchN`` (milliseconds per frame of
        each stage, :class:`projects.core.apis.StageTimer`).
    """
    from mmpose.apis import init_model

    from projects.core.apis import (FrameSource, KeypointTracker, StageTimer, build_labels,
                                    predict_source, save_predictions)
    from projects.core.fileio import VideoFileWriter
    with open(osp.join(tmp, 'annotations', 'honeybee_all.json')) as f:
        files = sorted(im['file_name'] for im in json.load(f)['images'])[:args.video_frames]
    first = cv2.imread(osp.join(tmp, 'images', files[0]))
    video = osp.join(tmp, 'hive.mp4')
    with VideoFileWriter(video, 10, root=tmp) as writer:
        for name in files:
            writer.write(cv2.imread(osp.join(tmp, 'images', name)))
    model = init_model(cfg, args.checkpoint, device=args.device)
    if args.backend == 'onnxruntime':
        from projects.core.apis import use_onnxruntime
        use_onnxruntime(model)
    out = dict(video_frames=len(files), video_size=list(first.shape[1::-1]),
               video_backend=args.backend)
    for batch in sorted({1, *args.video_batch}):
        timer = StageTimer()
        source = FrameSource(video)
        t0 = time.perf_counter()
        records = list(predict_source(model, source, score_thr=args.score_thr,
                                      tracker=KeypointTracker(), batch_size=batch,
                                      timer=timer))
        with timer.stage('writing'):
            labels = build_labels(records, model.dataset_meta, source.paths, source.kind)
            save_predictions(labels, records, tmp, f'hive_batch{batch}', ['slp'], tmp,
                             fps=source.fps)
        out[f'video_fps_batch{batch}'] = len(records) / (time.perf_counter() - t0)
        out[f'video_ms_per_frame_batch{batch}'] = timer.per_frame_ms()
    return out


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('src', nargs='?',
                        default=osp.join(ROOT, '..', 'shared', 'data', 'honeybee'),
                        help='the published honeybee folder (annotations/, train/)')
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--infer-frames', type=int, default=10)
    parser.add_argument('--train-iters', type=int, default=5)
    parser.add_argument('--labeled', type=int, help='labeled images per batch (default: the '
                        "config's batch, or its sampler's labeled share)")
    parser.add_argument('--unlabeled', type=int,
                        help='unlabeled images per batch for two-stream configs')
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--threads', type=int, help='torch CPU threads (default: all cores)')
    parser.add_argument('--checkpoint', help='trained weights (decoding time depends on how '
                        'many instances the model finds; random weights find none)')
    parser.add_argument('--few-many', type=int, default=0, metavar='K',
                        help='time K frames with the fewest and K with the most bees')
    parser.add_argument('--video-frames', type=int, default=0, metavar='N',
                        help="end to end through tools/predict.py's library loop on a video "
                        'of N real frames')
    parser.add_argument('--video-batch', type=int, nargs='+', default=[], metavar='B',
                        help='also run the video at these batch sizes (frames per forward)')
    parser.add_argument('--score-thr', type=float, default=0.3,
                        help='instance score threshold of the video run')
    parser.add_argument('--backend', choices=['pytorch', 'onnxruntime'], default='pytorch',
                        help="what runs the network in the video run (as tools/predict.py's)")
    parser.add_argument('--out', help='also write the figures to this JSON file')
    parser.add_argument('--overwrite', action='store_true', help='replace an existing --out')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, key=value (as tools/test.py)')
    return parser, parser.parse_args(argv)


def training_figures(args, cfg, model, tmp):
    """Seconds per training iteration (after one warm-up iteration) on one batch of real
    frames of the converted folder ``tmp`` (labeled, plus unlabeled for two-stream configs),
    every loss term on. Returns ``(labeled dataset, step times, peak GiB, n_lab, n_unl)``."""
    from mmengine.optim import build_optim_wrapper
    from mmpose.registry import DATASETS
    ds_cfg = cfg.train_dataloader.dataset.copy()
    two_streams = ds_cfg['type'] == 'ConcatDataset'
    labeled_cfg = ds_cfg['datasets'][0].copy() if two_streams else ds_cfg
    labeled_cfg.update(data_root=tmp + '/', ann_file='annotations/honeybee_all.json')
    dataset = DATASETS.build(labeled_cfg)
    n_lab = args.labeled or (cfg.train_dataloader.sampler.source_ratio[0] if two_streams
                             else cfg.train_dataloader.batch_size)
    samples = [dataset[i % len(dataset)] for i in range(n_lab)]
    n_unl = 0
    if two_streams:
        unl_cfg = ds_cfg['datasets'][1].copy()
        unl_cfg.update(data_root=tmp + '/',
                       ann_file='annotations/honeybee_train_full_unlabeled.json')
        unlabeled = DATASETS.build(unl_cfg)
        n_unl = args.unlabeled if args.unlabeled is not None else \
            cfg.train_dataloader.sampler.source_ratio[1]
        samples += [unlabeled[i] for i in range(n_unl)]
    # every loss term on, as after the schedule's last switch
    for hook in cfg.get('custom_hooks', []):
        if hook['type'] == 'SemiMultiPoseHook':
            model.head.alpha = hook.get('alpha', 0.01)
            model.head.beta = hook.get('beta', 0.1)
    data = pseudo_collate(samples)
    model.train()
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    step_times = []
    for it in range(args.train_iters + 1):
        sync(args.device)
        t0 = time.perf_counter()
        model.train_step(data, optim_wrapper)
        sync(args.device)
        if it > 0:  # the first iteration warms up
            step_times.append(time.perf_counter() - t0)
    return dataset, step_times, peak_memory_gib(args.device), n_lab, n_unl


def inference_figures(args, cfg, model, dataset):
    """Frames per second on ``--infer-frames`` decoded full-size frames through the test
    pipeline (resize), the network and the decoding, ``--repeats`` times after a warm-up
    pass. Returns ``(fps per repeat, instances per frame, frames, predict_seconds)``."""
    # in the memory format tools/test.py and tools/predict.py run: an optimizer wrapper's
    # channels_last (training only) is undone; the model's own channels_last option reformats
    # it again at its first forward pass
    model.to(memory_format=torch.contiguous_format)
    if args.checkpoint:
        from mmengine.runner import load_checkpoint
        load_checkpoint(model, args.checkpoint, map_location=args.device)
    test_pipe = Compose([t for t in cfg.test_dataloader.dataset.pipeline
                         if t['type'] != 'LoadImage'])
    frames = [cv2.imread(dataset[i]['data_samples'].img_path)
              for i in range(min(args.infer_frames, len(dataset)))]
    model.eval()

    def predict_one(img):
        """One decoded frame: the test pipeline (resize), the network and the decoding to
        instances; returns the number of instances."""
        item = test_pipe(dict(img=img, img_shape=img.shape[:2], ori_shape=img.shape[:2],
                              img_id=0, id=0))
        d = model.data_preprocessor(pseudo_collate([item]), training=False)
        return len(model(**d, mode='predict')[0].pred_instances)

    def predict_seconds(img):
        """Seconds of one frame through the same path as the frames-per-second figure."""
        sync(args.device)
        t0 = time.perf_counter()
        n = predict_one(img)
        sync(args.device)
        return time.perf_counter() - t0, n

    fps_runs, n_inst = [], []
    with torch.no_grad():
        for r in range(args.repeats + 1):
            sync(args.device)
            t0 = time.perf_counter()
            for img in frames:
                n_inst.append(predict_one(img))
            sync(args.device)
            if r > 0:
                fps_runs.append(len(frames) / (time.perf_counter() - t0))
    return fps_runs, n_inst, frames, predict_seconds


def few_many_figures(args, tmp, predict_seconds):
    """Median seconds per frame of the ``--few-many`` frames with the fewest and the most
    annotated bees (``honeybee_all.json`` of the converted folder ``tmp``), and their ratio."""
    with open(osp.join(tmp, 'annotations', 'honeybee_all.json')) as f:
        coco = json.load(f)
    count = {im['id']: 0 for im in coco['images']}
    for a in coco['annotations']:
        count[a['image_id']] += 1
    names = {im['id']: im['file_name'] for im in coco['images']}
    ranked = sorted(count, key=lambda i: (count[i], i))
    groups = dict(few=ranked[:args.few_many], many=ranked[-args.few_many:])
    extra = {}
    with torch.no_grad():
        predict_seconds(cv2.imread(osp.join(tmp, 'images', names[ranked[0]])))  # warm-up
        for g, ids in groups.items():
            imgs = [cv2.imread(osp.join(tmp, 'images', names[i])) for i in ids]
            per_frame = [statistics.median(predict_seconds(im)[0]
                                           for _ in range(args.repeats)) for im in imgs]
            extra[f'{g}_bees_mean'] = float(np.mean([count[i] for i in ids]))
            extra[f'{g}_s_per_frame_median'] = statistics.median(per_frame)
    extra['many_over_few_time_ratio'] = \
        extra['many_s_per_frame_median'] / extra['few_s_per_frame_median']
    return extra


def main(argv=None):
    parser, args = parse_args(argv)
    from projects.core.cli import check_outputs
    from projects.core.fileio import write_json
    inputs = [p for p in (args.config, args.checkpoint) if p]
    if args.out:  # before minutes of measuring
        check_outputs(parser, [args.out], inputs, None, args.overwrite)
    if args.video_frames and not args.checkpoint:
        parser.error('--video-frames needs --checkpoint (random weights find no bees)')
    if args.threads:
        torch.set_num_threads(args.threads)

    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    import_modules_from_strings(**cfg.custom_imports)
    init_default_scope('mmpose')
    from mmpose.registry import MODELS
    from projects.core.datasets.converters import honeybee

    cfg.model.backbone.init_cfg = None  # no download; speed does not depend on weights
    model = MODELS.build(cfg.model).to(args.device)
    model.init_weights()

    # the real frames, converted once into a temporary folder and read by the config's dataset
    tmp = tempfile.mkdtemp(prefix='posebridge-bench-')
    honeybee.convert(args.src, tmp)
    dataset, step_times, train_peak, n_lab, n_unl = training_figures(args, cfg, model, tmp)
    # inference on decoded full-size frames (weights as before training, or --checkpoint)
    fps_runs, n_inst, frames, predict_seconds = inference_figures(args, cfg, model, dataset)
    extra = few_many_figures(args, tmp, predict_seconds) if args.few_many else {}
    if args.video_frames:
        extra.update(video_end_to_end(args, cfg, tmp))
    result = dict(
        config=osp.relpath(args.config, ROOT), checkpoint=args.checkpoint, device=args.device,
        torch_threads=torch.get_num_threads(), batch_size=n_lab + n_unl, labeled=n_lab,
        unlabeled=n_unl,
        train_s_per_iter_median=statistics.median(step_times),
        train_peak_memory_gib=train_peak,
        infer_fps_median=statistics.median(fps_runs), infer_frames=len(frames),
        infer_frame_size=list(frames[0].shape[1::-1]), repeats=args.repeats,
        peak_memory_gib=peak_memory_gib(args.device),
        mean_instances_per_frame=float(np.mean(n_inst)), **extra)
    shutil.rmtree(tmp, ignore_errors=True)
    for k, v in result.items():
        print(f'{k:28s} {v:.4f}' if isinstance(v, float) else f'{k:28s} {v}')
    if args.out:
        write_json(result, args.out, inputs, None, args.overwrite, indent=2)


if __name__ == '__main__':
    main()
