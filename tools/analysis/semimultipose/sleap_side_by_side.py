r"""PoseBridge against SLEAP (sleap-nn): both trained here at one wall-clock budget, on the same
frames, chosen on the same validation frames, scored once by one evaluator.

    python tools/analysis/semimultipose/sleap_side_by_side.py CONFIG --sleap-python PY \
        [--budget 30] [--seed 0] [--threads 2] [--split val|test] \
        [--unet filters=16,max_stride=16,output_stride=4] [--sleap-epochs 15] [--batch-size 8] \
        [--backend pytorch|onnxruntime] \
        --work-dir DIR --out RESULT.json [--overwrite]

sleap-nn is a peer, not a dependency: install it into its own virtual environment outside the
repository (``python -m venv ~/sleap-venv && ~/sleap-venv/bin/pip install sleap-nn==0.3.5``)
and pass that environment's interpreter as ``--sleap-python``. This script runs in
PoseBridge's environment and calls that interpreter (on this same file) for the SLEAP steps.
The two systems never run at the same time. For each seed:

1. ``prepare``: the COCO files of the training, validation and scored frames become SLEAP
   labels (``sleap_io.load_coco`` -> ``.slp``); the skeleton gets the dataset info's flip
   pairs as symmetries (RAnt/LAnt for bees), which SLEAP's flip augmentation swaps.
2. SLEAP's speed is measured here, now: two short trainings of ``--probe-steps`` steps,
   seconds per step = the difference of their wall-clocks over the difference of their steps
   (start-up cancels). The number of steps that fit ``--budget`` minutes is computed by the
   rule PoseBridge's ``tools/train.py --budget`` applies to its own measured speed
   (:func:`projects.core.engine.schedule.iters_for_budget`), split into ``--sleap-epochs``
   epochs, so that SLEAP's learning-rate schedule (cosine decay after one warm-up epoch, as
   the PoseBridge recipe's, or SLEAP's plateau rule with ``--sleap-schedule plateau``,
   patience 2 epochs) acts within the budget. Neither system's plan counts its validation
   passes.
3. SLEAP trains: bottom-up UNet (``--unet``; SLEAP's baseline bottom-up profile by default:
   filters 16, max stride 16, confidence maps at output stride 4 with sigma 2.5, part
   affinity fields at stride 8), input scale 0.25 (as PoseBridge's 640x384 input), batch 4,
   Adam, the augmentation family of PoseBridge's recipe: rotation of any angle (+-180
   degrees), scale 0.75-1.25, translation up to 10 % and left/right flips with symmetric
   keypoints swapped. SLEAP keeps its checkpoint of lowest validation loss on the validation
   frames. A safety stop (SIGINT, Lightning's graceful stop) acts at 1.2 times ``--budget``
   should it run far over.
4. PoseBridge trains: ``tools/train.py CONFIG --budget MINUTES`` (iterations from its speed
   measured in the same run), the config's ``save_best`` keeping the checkpoint of best
   validation coco/AP.
5. Both predict the ``--split`` frames with ``--threads`` threads, at batch 1 and at
   ``--batch-size`` frames per forward pass (timed as ``(n - 1) / (t_n - t_1)`` for SLEAP,
   after a warm-up call, model loading cancelled; ``n / t_n`` after one warm-up frame for
   PoseBridge, model loaded before, through :func:`projects.core.apis.predict_source`, which
   also times each stage),
   and the batch-1 predictions of both are scored by
   :class:`~projects.core.evaluation.KeypointAP` (``coco/`` with the dataset's OKS sigmas,
   ``sleap/`` with SLEAP's single stddev 1; at most 100 detections per frame) and
   :class:`~projects.core.evaluation.KeypointPixelError` (median error per keypoint, frame
   pixels). A SLEAP keypoint that is not predicted (NaN) is written at (0, 0) with score 0,
   so it counts as a miss.

Training wall-clock and peak resident memory of each training process are recorded (the
process is run under a small wrapper that reads ``getrusage`` of its own child). Choose SLEAP's
network (``--unet``) and anything else with ``--split val``; score ``--split test`` once per
reported model. ``--checkpoint`` and ``--skip-train`` reuse trained models. Prints a table and
writes every number to ``--out`` (JSON, refused if it exists unless ``--overwrite``).
"""
import argparse
import json
import os
import os.path as osp
import resource
import signal
import subprocess
import sys
import time

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
# the recipe's augmentation family (configs/semimultipose/honeybee/..._cpu-30min_...: rotation
# 180, scale (0.75, 1.25), shift 0.1, horizontal flip with flip pairs), in sleap-nn's terms
SLEAP_GEOMETRY = dict(rotation_min=-180.0, rotation_max=180.0, rotation_p=1.0, scale_min=0.75,
                      scale_max=1.25, scale_p=1.0, translate_width=0.1, translate_height=0.1,
                      translate_p=1.0, flip_p=0.5)
DEFAULT_UNET = dict(filters=16, max_stride=16, output_stride=4)
# SLEAP's steps, like PoseBridge's iterations, come from its step time measured in the run;
# neither plan counts validation passes (SLEAP validates after every epoch), so the wall-clock
# stop is a safety net above the budget, not the budget itself (``stopped_by_budget`` says if
# it acted; both training wall-clocks are reported)
SAFETY_STOP = 1.2


def parse_unet(text):
    """``filters=16,max_stride=16,output_stride=4`` -> dict of ints (missing keys default).

    Raises:
        ValueError: an unknown key or a value that is not a positive integer.
    """
    out = dict(DEFAULT_UNET)
    for item in filter(None, (text or '').split(',')):
        key, _, value = item.partition('=')
        if key not in DEFAULT_UNET or not value.isdigit() or int(value) <= 0:
            raise ValueError(f'--unet {item!r}: expected one of {sorted(DEFAULT_UNET)} = a '
                             'positive integer')
        out[key] = int(value)
    if out['output_stride'] > out['max_stride']:
        raise ValueError(f'--unet: output_stride {out["output_stride"]} exceeds max_stride '
                         f'{out["max_stride"]}')
    return out


def sleap_schedule(budget_minutes, seconds_per_step, epochs):
    """Steps per epoch and epochs for SLEAP: the steps that fit the budget by PoseBridge's own
    rule (:func:`projects.core.engine.schedule.iters_for_budget`: 5 % margin, rounded down to
    10), split into ``epochs`` epochs (at least 10 steps each).

    Returns:
        tuple: ``(steps_per_epoch, epochs, total_steps)``.
    """
    from projects.core.engine.schedule import iters_for_budget
    total = iters_for_budget(budget_minutes, seconds_per_step)
    per_epoch = max(10, total // epochs)
    epochs = max(1, total // per_epoch)
    return per_epoch, epochs, per_epoch * epochs


# ----------------------------------------------------------------------------- SLEAP side
def sleap_prepare(args):
    """COCO train/val/scored files -> ``train.slp``, ``val.slp``, ``test.slp`` in ``work_dir``,
    with the ``--symmetries`` pairs added to the skeleton (flip augmentation swaps them)."""
    import sleap_io as sio
    pairs = [p.split(':') for p in filter(None, args.symmetries.split(','))]
    for split, ann in (('train', args.train_ann), ('val', args.val_ann),
                       ('test', args.test_ann)):
        labels = sio.load_coco(ann, dataset_root=args.img_dir)
        if len(labels) == 0:
            raise ValueError(f'{ann}: no labeled frame was read')
        for skeleton in labels.skeletons:
            names = skeleton.node_names
            for a, b in pairs:
                if a not in names or b not in names:
                    raise ValueError(f'--symmetries {a}:{b}: not nodes of {ann} ({names})')
                if not any({s.nodes[0].name, s.nodes[1].name} == {a, b}
                           for s in skeleton.symmetries):
                    skeleton.add_symmetry(a, b)
        sio.save_slp(labels, osp.join(args.work_dir, f'{split}.slp'))
        print(f'[sleap prepare] {split}: {len(labels)} frames, '
              f'{sum(len(lf.instances) for lf in labels)} instances', flush=True)


def sleap_train(args):
    """SLEAP's bottom-up model on ``train.slp``, validated on ``val.slp``."""
    import sleap_nn.train as sleap_train_module
    import torch
    torch.set_num_threads(args.threads)
    unet = parse_unet(args.unet)
    epochs = args.epochs
    schedule = dict(reduce_lr_on_plateau=dict(patience=2, cooldown=0, factor=0.5,
                                              threshold=1e-6, threshold_mode='abs'))
    if args.sleap_schedule == 'cosine':
        # sleap-nn 0.3.5's train() reads only step_lr / reduce_lr_on_plateau from a dict; its
        # trainer knows cosine_annealing_warmup, set here in the config train() builds
        run_training = sleap_train_module.run_training

        def with_cosine(config, *a, **kw):
            sched = config.trainer_config.lr_scheduler
            sched.reduce_lr_on_plateau = None
            from sleap_nn.config.trainer_config import CosineAnnealingWarmupConfig
            sched.cosine_annealing_warmup = CosineAnnealingWarmupConfig(
                warmup_epochs=min(1, epochs - 1), max_epochs=epochs, warmup_start_lr=0.0,
                eta_min=0.0)
            return run_training(config, *a, **kw)

        sleap_train_module.run_training = with_cosine
    train = sleap_train_module.train
    train(train_labels_path=[osp.join(args.work_dir, 'train.slp')],
          val_labels_path=[osp.join(args.work_dir, 'val.slp')],
          scale=0.25,
          ensure_rgb=True,
          backbone_config=dict(unet=dict(in_channels=3, filters=unet['filters'],
                                         filters_rate=1.5, max_stride=unet['max_stride'],
                                         output_stride=unet['output_stride'])),
          # SLEAP's baseline bottom-up profile: confidence maps (sigma 2.5) and part affinity
          # fields, the latter at twice the former's stride
          head_configs=dict(bottomup=dict(
              confmaps=dict(sigma=2.5, output_stride=unet['output_stride']),
              pafs=dict(sigma=args.paf_sigma, output_stride=min(2 * unet['output_stride'],
                                                                unet['max_stride'])))),
          batch_size=4,
          num_workers=0,
          data_pipeline_fw=args.sleap_pipeline,
          geometry_aug=dict(SLEAP_GEOMETRY),
          lr_scheduler=schedule,
          max_epochs=epochs,
          seed=args.seed,
          save_ckpt=True,
          ckpt_save_last=True,
          ckpt_dir=args.work_dir,
          run_name=args.run_name,
          trainer_accelerator='cpu',
          train_steps_per_epoch=args.steps_per_epoch,
          min_train_steps_per_epoch=min(args.steps_per_epoch, 200),
          enable_progress_bar=False)


def sleap_predict(args):
    """Predict ``test.slp``'s frames at batch 1; write predictions and timing as JSON."""
    import numpy as np
    import sleap_io as sio
    import torch
    from sleap_nn.inference.run import predict
    torch.set_num_threads(args.threads)
    model_dir = osp.join(args.work_dir, args.run_name)
    labels = sio.load_slp(osp.join(args.work_dir, 'test.slp'))
    one = sio.Labels(labeled_frames=[labels[0]], videos=[labels[0].video],
                     skeletons=labels.skeletons)
    # a warm-up call first (imports, first-call set-up, file caches): then the one-frame and
    # the n-frame calls pay the same model loading, which their difference cancels
    predict(one, model_paths=[model_dir], device='cpu', batch_size=1, max_instances=100)
    t0 = time.perf_counter()
    predict(one, model_paths=[model_dir], device='cpu', batch_size=1, max_instances=100)
    t_one = time.perf_counter() - t0
    n = len(labels)
    fps = {}
    for batch in (args.batch_size, 1):  # batch 1 last: its predictions are the ones scored
        t0 = time.perf_counter()
        pred = predict(labels, model_paths=[model_dir], device='cpu', batch_size=batch,
                       max_instances=100)
        t_all = time.perf_counter() - t0
        # model loading and the first frame cancel (t_one); (n - 1) frames remain
        fps[batch] = (n - 1) / (t_all - t_one) if n > 1 and t_all > t_one else float('nan')
    frames = []
    for lf in pred:
        path = lf.video.filename
        path = path[lf.frame_idx] if isinstance(path, list) else path
        inst = []
        for p in lf.instances:
            pts = p.numpy(scores=True)  # (K, 3): x, y, score
            xy = np.nan_to_num(pts[:, :2], nan=0.0)
            sc = np.where(np.isnan(pts[:, 0]), 0.0, np.nan_to_num(pts[:, 2], nan=0.0))
            inst.append(dict(keypoints=xy.tolist(), keypoint_scores=sc.tolist(),
                             score=float(getattr(p, 'score', np.nanmean(sc)))))
        frames.append(dict(file=osp.basename(path), instances=inst))
    out = dict(frames=frames, n_frames=n, seconds_one=t_one, fps=fps[1],
               fps_batched=fps[args.batch_size], batch_size=args.batch_size,
               part_names=[node.name for node in labels.skeletons[0].nodes])
    with open(osp.join(args.work_dir, f'{args.run_name}_predictions.json'), 'w') as f:
        json.dump(out, f)
    print(f'[sleap predict] {n} frames, {out["fps"]:.2f} frames/s at batch 1, '
          f'{out["fps_batched"]:.2f} at batch {args.batch_size}', flush=True)


def measure(argv):
    """``_measure OUT.json -- CMD ...``: run CMD, forward SIGINT/SIGTERM to it, and write its
    exit code, wall-clock and peak resident memory (``getrusage`` of this wrapper's only child)
    to OUT.json."""
    out, cmd = argv[0], argv[2:]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda s, _f: proc.send_signal(s))
    while True:
        try:
            code = proc.wait()
            break
        except InterruptedError:  # pragma: no cover - wait() restarts on signals in 3.5+
            continue
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out, 'w') as f:
        json.dump(dict(returncode=code, seconds=time.perf_counter() - t0,
                       peak_rss_gib=usage.ru_maxrss / 1024 ** 2), f)
    sys.exit(code)


# ----------------------------------------------------------------------------- driver side
def run_measured(cmd, log_path, record, budget_seconds=None, env=None):
    """Run ``cmd`` under :func:`measure`; stop it with SIGINT after ``budget_seconds``.

    Returns:
        dict: ``returncode``, ``seconds``, ``peak_rss_gib`` and ``stopped_by_budget``.

    Raises:
        RuntimeError: the command failed (not stopped by the budget); names its log.
    """
    wrapped = [sys.executable, osp.abspath(__file__), '_measure', record, '--', *cmd]
    with open(log_path, 'w') as log:
        proc = subprocess.Popen(wrapped, stdout=log, stderr=subprocess.STDOUT, env=env)
        stopped = False
        try:
            proc.wait(timeout=budget_seconds)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGINT)  # Lightning stops gracefully, checkpoints stay
            stopped = True
            try:
                proc.wait(timeout=300)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    if proc.returncode != 0 and not stopped:
        raise RuntimeError(f'{" ".join(cmd[:3])} failed (exit {proc.returncode}); see '
                           f'{log_path}')
    with open(record) as f:
        out = json.load(f)
    out['stopped_by_budget'] = stopped
    return out


def sleap_cmd(args, step, **extra):
    cmd = [args.sleap_python, osp.abspath(__file__), f'_{step}', '--work-dir', args.work_dir,
           '--train-ann', args.train_ann, '--val-ann', args.val_ann, '--test-ann',
           args.test_ann, '--img-dir', args.img_dir, '--seed', str(args.seed), '--threads',
           str(args.threads), '--sleap-pipeline', args.sleap_pipeline, '--paf-sigma',
           str(args.paf_sigma), '--unet', args.unet, '--symmetries', args.symmetries,
           '--sleap-schedule', args.sleap_schedule, '--batch-size', str(args.batch_size)]
    for key, value in extra.items():
        cmd += [f'--{key.replace("_", "-")}', str(value)]
    return cmd


def thread_env(threads):
    return dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))


def sleap_seconds_per_step(args):
    """Seconds per SLEAP training step on this machine now (two probe trainings)."""
    walls = []
    for steps in args.probe_steps:
        rec = run_measured(sleap_cmd(args, 'train', epochs=1, steps_per_epoch=steps,
                                     run_name=f'probe_{steps}'),
                           osp.join(args.work_dir, f'sleap_probe_{steps}.log'),
                           osp.join(args.work_dir, f'sleap_probe_{steps}.json'),
                           env=thread_env(args.threads))
        walls.append(rec['seconds'])
    (s1, s2), (w1, w2) = args.probe_steps, walls
    if s2 <= s1 or w2 <= w1:
        raise RuntimeError(f'SLEAP probe: {s1} steps took {w1:.1f} s and {s2} steps {w2:.1f} s;'
                           ' cannot derive a step time (busy CPU?)')
    return (w2 - w1) / (s2 - s1)


def posebridge_checkpoint(work):
    """The checkpoint ``save_best`` kept (best validation coco/AP), else the last one."""
    best = sorted(f for f in os.listdir(work) if f.startswith('best_') and f.endswith('.pth'))
    if best:
        return osp.join(work, best[-1])
    last = osp.join(work, 'last_checkpoint')
    if osp.isfile(last):
        return open(last).read().strip()
    raise FileNotFoundError(f'{work}: no checkpoint (best_*.pth or last_checkpoint)')


def posebridge_predict(args, checkpoint):
    """The PoseBridge checkpoint on every scored frame through the library loop
    (:func:`projects.core.apis.predict_source`, no score threshold, NMS or count limit: every
    decoded instance is scored), at batch 1 and at ``--batch-size``, timed as SLEAP is; the
    network run by ``--backend``.

    Returns:
        tuple: the frames (batch 1), frames per second at batch 1 and batched, and the
        milliseconds per frame of each stage at batch 1 and batched.
    """
    import torch
    from mmpose.apis import init_model

    from projects.core.apis import FrameSource, StageTimer, predict_source
    torch.set_num_threads(args.threads)
    cfg_options = None
    if args.cfg_options:  # parsed here: SLEAP's environment, which also reads the flags, has
        from mmengine.config import DictAction  # no MMEngine
        opts = argparse.ArgumentParser()
        opts.add_argument('--cfg-options', nargs='+', action=DictAction)
        cfg_options = opts.parse_args(['--cfg-options', *args.cfg_options]).cfg_options
    model = init_model(args.config, checkpoint, device='cpu', cfg_options=cfg_options)
    if args.backend == 'onnxruntime':
        from projects.core.apis import use_onnxruntime
        use_onnxruntime(model, threads=args.threads)
    with open(args.test_ann) as f:
        names = {im['file_name'] for im in json.load(f)['images']}
    folder = FrameSource(args.img_dir)
    index = [i for i, p in enumerate(folder.paths) if osp.basename(p) in names]
    if len(index) != len(names):
        raise FileNotFoundError(f'{args.img_dir}: {len(names) - len(index)} of the images of '
                                f'{args.test_ann} are missing')
    list(predict_source(model, FrameSource(args.img_dir, index[:1]), score_thr=0.0,
                        nms_thr=1.0))  # warm-up, not timed
    fps, ms = {}, {}
    for batch in (args.batch_size, 1):  # batch 1 last: its predictions are the ones scored
        timer = StageTimer()
        t0 = time.perf_counter()
        records = list(predict_source(model, FrameSource(args.img_dir, index), score_thr=0.0,
                                      nms_thr=1.0, batch_size=batch, timer=timer))
        fps[batch] = len(records) / (time.perf_counter() - t0)
        ms[batch] = timer.per_frame_ms()
    frames = [dict(file=osp.basename(r.path), keypoints=r.keypoints,
                   keypoint_scores=r.keypoint_scores, scores=r.scores) for r in records]
    return frames, fps[1], fps[args.batch_size], ms[1], ms[args.batch_size]


def score(frames, args):
    """KeypointAP at the dataset's sigmas and at SLEAP's stddev 1 (max 100 dets), and the
    median pixel error per keypoint (KeypointPixelError, frame pixels)."""
    import numpy as np
    from mmpose.datasets.datasets.utils import parse_pose_metainfo
    from projects.core.evaluation import KeypointAP, KeypointPixelError
    with open(args.test_ann) as f:
        ids = {im['file_name']: im['id'] for im in json.load(f)['images']}
    meta = parse_pose_metainfo(dict(from_file=args.dataset_info))
    samples = []
    for i, fr in enumerate(frames):
        if fr['file'] not in ids:
            raise KeyError(f'{args.test_ann}: no image named {fr["file"]}')
        kpts = np.asarray(fr['keypoints'], np.float32).reshape(-1, meta['num_keypoints'], 2)
        # id as a list: bottom-up output, several instances per image (CocoMetric keeps them)
        pred = dict(keypoints=kpts,
                    keypoint_scores=np.asarray(fr['keypoint_scores'], np.float32).reshape(
                        len(kpts), meta['num_keypoints']),
                    bbox_scores=np.asarray(fr['scores'], np.float32).reshape(-1))
        samples.append(dict(id=[i], img_id=ids[fr['file']], gt_instances={},
                            pred_instances=pred))
    out = {}
    metrics = [KeypointAP(ann_file=args.test_ann, score_mode='bbox', nms_mode='none',
                          max_dets=100, prefix='coco'),
               KeypointAP(ann_file=args.test_ann, score_mode='bbox', nms_mode='none',
                          max_dets=100, prefix='sleap', oks_stddev=1.0),
               KeypointPixelError(ann_file=args.test_ann, max_dets=100)]
    for metric in metrics:
        metric.dataset_meta = meta
        metric.process([], samples)
        out.update({f'{metric.prefix}/{k}': v
                    for k, v in metric.compute_metrics(metric.results).items()})
    return out


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', nargs='?', help='PoseBridge config')
    parser.add_argument('--checkpoint', help='a trained PoseBridge checkpoint (no training)')
    parser.add_argument('--sleap-python', help="the interpreter of sleap-nn's own environment")
    data = osp.join(ROOT, 'data', 'honeybee')
    ann = osp.join(data, 'annotations', 'honeybee_{}.json')
    parser.add_argument('--train-ann', default=ann.format('train'))
    parser.add_argument('--val-ann', default=ann.format('val'),
                        help='the frames both systems choose their checkpoint on')
    parser.add_argument('--split', choices=['val', 'test'], default='test',
                        help='the frames scored: val to choose settings, test once per '
                        'reported model')
    parser.add_argument('--test-ann', default=None,
                        help='the scored frames (default: the --split file beside --train-ann)')
    parser.add_argument('--img-dir', default=osp.join(data, 'images'))
    parser.add_argument('--dataset-info',
                        default=osp.join(ROOT, 'configs', '_base_', 'datasets', 'honeybee.py'))
    parser.add_argument('--symmetries', default=None,
                        help='SLEAP node pairs a:b,c:d swapped by flips (default: the dataset '
                        "info's flip pairs)")
    parser.add_argument('--budget', type=float, default=30,
                        help='training wall-clock of each system, minutes')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--threads', type=int, default=2,
                        help='CPU threads of both systems, in training and prediction')
    parser.add_argument('--unet', default='', help='SLEAP UNet: filters=F,max_stride=S,'
                        'output_stride=O (default 16, 16, 4)')
    parser.add_argument('--sleap-epochs', type=int, default=15,
                        help='epochs SLEAP\'s budget is split into (its schedule acts per epoch)')
    parser.add_argument('--sleap-schedule', choices=['cosine', 'plateau'], default='cosine')
    parser.add_argument('--backend', choices=['pytorch', 'onnxruntime'], default='pytorch',
                        help="what runs PoseBridge's network when predicting (as "
                        "tools/predict.py --backend)")
    parser.add_argument('--batch-size', type=int, default=8,
                        help='frames per forward pass of the batched speed figure (both)')
    parser.add_argument('--probe-steps', type=int, nargs=2, default=[8, 48],
                        help='steps of the two SLEAP probe trainings that time a step')
    parser.add_argument('--work-dir', default=osp.join(ROOT, 'work_dirs', 'sleap_side_by_side'))
    parser.add_argument('--out', default=None, help='result JSON')
    parser.add_argument('--overwrite', action='store_true', help='replace an existing --out')
    parser.add_argument('--sleap-pipeline', default='torch_dataset',
                        choices=['torch_dataset', 'torch_dataset_cache_img_memory'],
                        help="sleap-nn's data pipeline: decode every frame at every step "
                        "(SLEAP's default) or cache the scaled frames in memory")
    parser.add_argument('--paf-sigma', type=float, default=15.0,
                        help="width of SLEAP's part affinity fields, pixels of its scaled input "
                        "(sleap-nn's default 15)")
    parser.add_argument('--cfg-options', nargs='+', default=None, metavar='KEY=VALUE',
                        help="overrides of PoseBridge's config, as tools/test.py takes them")
    parser.add_argument('--skip-train', action='store_true',
                        help='reuse the models already trained in --work-dir')
    # the SLEAP steps' own arguments
    parser.add_argument('--epochs', type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument('--steps-per-epoch', type=int, default=200, help=argparse.SUPPRESS)
    parser.add_argument('--run-name', default='sleap_bottomup', help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.test_ann is None:
        args.test_ann = osp.join(osp.dirname(args.train_ann),
                                 osp.basename(args.train_ann).replace('_train', f'_{args.split}'))
    for name in ('train_ann', 'val_ann', 'test_ann', 'img_dir', 'work_dir'):
        setattr(args, name, osp.abspath(getattr(args, name)))
    return args


def finite(obj):
    """``obj`` with every NaN or infinite float replaced by ``None`` (JSON has no NaN)."""
    if isinstance(obj, dict):
        return {k: finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [finite(v) for v in obj]
    if isinstance(obj, float) and obj != obj or obj in (float('inf'), float('-inf')):
        return None
    return obj


def flip_pairs(dataset_info):
    """``a:b,c:d``: the flip pairs of an MMPose dataset info, by keypoint name (read with
    MMPose's ``parse_pose_metainfo``; PoseBridge's environment, the driver side only)."""
    from mmpose.datasets.datasets.utils import parse_pose_metainfo
    meta = parse_pose_metainfo(dict(from_file=dataset_info))
    names = meta['keypoint_id2name']
    # MMPose lists each pair in both directions
    return ','.join(sorted({':'.join(sorted((names[i], names[j])))
                            for i, j in meta['flip_pairs']}))


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == '_measure':
        return measure(argv[1:])
    steps = {'_prepare': sleap_prepare, '_train': sleap_train, '_predict': sleap_predict}
    if argv and argv[0] in steps:  # inside the SLEAP environment
        steps[argv[0]](parse_args(argv[1:]))
        return
    args = parse_args(argv)
    from projects.core.fileio import UnsafeOutputError, check_output, write_json
    if args.symmetries is None:  # the SLEAP steps always receive them explicitly
        args.symmetries = flip_pairs(args.dataset_info)
    if not (args.config and args.sleap_python):
        raise SystemExit('CONFIG and --sleap-python are required')
    args.out = args.out or osp.join(args.work_dir, f'side_by_side_{args.split}.json')
    inputs = [args.config, args.checkpoint, args.train_ann, args.val_ann, args.test_ann]
    try:
        for path in (args.config, args.sleap_python, args.train_ann, args.val_ann,
                     args.test_ann, args.img_dir) + ((args.checkpoint, ) if args.checkpoint
                                                     else ()):
            if not osp.exists(path):
                raise FileNotFoundError(f'{path} does not exist')
        check_output(args.out, None, [p for p in inputs if p], None, args.overwrite)
        unet = parse_unet(args.unet)
    except (FileNotFoundError, ValueError, UnsafeOutputError) as e:
        raise SystemExit(f'sleap_side_by_side.py: {e}') from None
    os.makedirs(args.work_dir, exist_ok=True)
    env = thread_env(args.threads)
    result = dict(config=args.config, seed=args.seed, split=args.split, threads=args.threads,
                  posebridge_backend=args.backend,
                  budget_minutes=args.budget, unet=unet, sleap_schedule=args.sleap_schedule,
                  sleap_augmentation=SLEAP_GEOMETRY, symmetries=args.symmetries,
                  cfg_options=args.cfg_options, train_ann=args.train_ann,
                  val_ann=args.val_ann, scored_ann=args.test_ann)
    pb_work = osp.join(args.work_dir, 'posebridge')
    run_measured(sleap_cmd(args, 'prepare'), osp.join(args.work_dir, 'sleap_prepare.log'),
                 osp.join(args.work_dir, 'sleap_prepare.json'), env=env)
    if not args.skip_train:
        s = sleap_seconds_per_step(args)
        per_epoch, epochs, total = sleap_schedule(args.budget, s, args.sleap_epochs)
        result['sleap_schedule_plan'] = dict(seconds_per_step=s, steps_per_epoch=per_epoch,
                                             epochs=epochs, steps=total)
        print(f'[sleap] {s:.3f} s per step measured -> {epochs} epochs of {per_epoch} steps',
              flush=True)
        result['sleap_train'] = run_measured(
            sleap_cmd(args, 'train', epochs=epochs, steps_per_epoch=per_epoch),
            osp.join(args.work_dir, 'sleap_train.log'), osp.join(args.work_dir,
                                                                'sleap_train.json'),
            budget_seconds=args.budget * 60 * SAFETY_STOP, env=env)
        print(f'[sleap train] {result["sleap_train"]}', flush=True)
        if not args.checkpoint:
            cmd = [sys.executable, osp.join(ROOT, 'tools', 'train.py'), args.config,
                   '--work-dir', pb_work, '--budget', str(args.budget), '--cfg-options',
                   f'randomness.seed={args.seed}', *(args.cfg_options or [])]
            result['posebridge_train'] = run_measured(
                cmd, osp.join(args.work_dir, 'posebridge_train.log'),
                osp.join(args.work_dir, 'posebridge_train.json'), env=env)
            print(f'[posebridge train] {result["posebridge_train"]}', flush=True)
    checkpoint = args.checkpoint or posebridge_checkpoint(pb_work)
    result['posebridge_checkpoint'] = checkpoint
    run_measured(sleap_cmd(args, 'predict'), osp.join(args.work_dir, 'sleap_predict.log'),
                 osp.join(args.work_dir, 'sleap_predict.json'), env=env)
    sleap = read_sleap_predictions(osp.join(args.work_dir, 'sleap_bottomup_predictions.json'))
    frames, fps, fps_batched, ms, ms_batched = posebridge_predict(args, checkpoint)
    result['sleap'] = dict(score(sleap['frames'], args), fps=sleap['fps'],
                           fps_batched=sleap['fps_batched'])
    result['posebridge'] = dict(score(frames, args), fps=fps, fps_batched=fps_batched,
                                ms_per_frame=ms, ms_per_frame_batched=ms_batched)
    result['batch_size'] = args.batch_size
    result['fps_ratio_posebridge_over_sleap'] = fps / sleap['fps']
    result['fps_batched_ratio_posebridge_over_sleap'] = fps_batched / sleap['fps_batched']
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    # a metric without a value (no prediction matched: pixel errors) is written as null
    write_json(finite(result), args.out, [p for p in inputs if p], None, args.overwrite,
               indent=1)
    print_summary(result, args.split, args.batch_size)
    print(f'written: {args.out}')


def read_sleap_predictions(path: str) -> dict:
    """The predictions file that ``_predict`` wrote in sleap-nn's environment, with each
    frame's ``keypoints`` (N, K, 2, frame pixels), ``keypoint_scores`` (N, K) and instance
    ``scores`` (N) gathered from its instances, as :func:`score` reads them."""
    with open(path) as f:
        sleap = json.load(f)
    for fr in sleap['frames']:
        fr['keypoints'] = [i['keypoints'] for i in fr['instances']]
        fr['keypoint_scores'] = [i['keypoint_scores'] for i in fr['instances']]
        fr['scores'] = [i['score'] for i in fr['instances']]
    return sleap


def print_summary(result: dict, split: str, batch_size: int) -> None:
    """Print a result's table: both systems' AP, median pixel error and frames per second
    (batch 1 and ``batch_size``), their ratio, and PoseBridge's time per stage."""
    print(f'{split} frames {"":3s} {"coco/AP":>8s} {"coco/AP.75":>10s} {"sleap/AP":>8s} '
          f'{"px median":>9s} {"fps":>6s} {"fps b" + str(batch_size):>7s}')
    for name in ('posebridge', 'sleap'):
        r = result[name]
        print(f'{name:14s} {r["coco/AP"]:8.3f} {r["coco/AP .75"]:10.3f} {r["sleap/AP"]:8.3f} '
              f'{r.get("px/median") or float("nan"):9.2f} {r["fps"]:6.2f} '
              f'{r["fps_batched"]:7.2f}')
    print(f'fps ratio PoseBridge / SLEAP: {result["fps_ratio_posebridge_over_sleap"]:.2f} at '
          f'batch 1, {result["fps_batched_ratio_posebridge_over_sleap"]:.2f} at batch '
          f'{batch_size}')
    print('PoseBridge ms per frame at batch 1: ' + ', '.join(
        f'{k} {v:.1f}' for k, v in result['posebridge']['ms_per_frame'].items()))


if __name__ == '__main__':
    main()
