"""PoseBridge against SLEAP (sleap-nn) on the same honeybee frames, scored by one evaluator.

    python tools/analysis/sleap_side_by_side.py CONFIG CHECKPOINT \\
        --sleap-python /path/to/sleap-venv/bin/python [--budget 1800] [--seed 0] \\
        [--sleap-pipeline torch_dataset] [--val-frames 10] [--steps-per-epoch N] [--skip-train]
        [--work-dir work_dirs/sleap_side_by_side] [--out outputs/sleap_side_by_side.json]
        [--cfg-options model.head.decoder.rescore=heatmap]

sleap-nn is a peer, not a dependency: install it into its own virtual environment outside the
repository (``python -m venv ~/sleap-venv && ~/sleap-venv/bin/pip install sleap-nn==0.3.5``)
and pass that environment's interpreter as ``--sleap-python``. This script runs in
PoseBridge's environment and calls that interpreter (on this same file) for the SLEAP steps:

1. ``prepare``: the COCO files of the training and test frames become SLEAP labels
   (``sleap_io.load_coco`` -> ``.slp``), and ``--val-frames`` of the training frames a
   validation set (SLEAP picks its best checkpoint on it; validating on all training frames
   every epoch would cost SLEAP minutes per epoch on this CPU);
2. ``train``: SLEAP's bottom-up model (UNet of 0.33 M parameters, confidence maps + part
   affinity fields, input scale 0.25, heads at output stride 4 (confidence maps, sigma 2.5)
   and 8 (affinity fields) as SLEAP's baseline bottom-up profile, batch 4, rotation
   augmentation, Adam) on all the
   training frames, epochs of at least 200 steps (SLEAP's default), stopped
   after ``--budget`` seconds of wall-clock (SIGINT, Lightning's graceful stop; the last
   epoch's checkpoint is kept), its peak resident memory read from ``getrusage``;
3. ``predict``: SLEAP predicts every test frame at batch 1; frames per second =
   ``(n - 1) / (t_n - t_1)``, the time of predicting all n frames minus that of one frame
   (model loading and warm-up cancel out).

Then, in this process and the same run, the PoseBridge checkpoint predicts the same frames
with ``mmpose.apis.inference_bottomup`` at batch 1 (frames per second = ``n / t_n`` after one
untimed warm-up frame; the model is loaded before), and both systems'
predictions are scored by :class:`~projects.core.evaluation.KeypointAP` on the test
annotation file twice: with the dataset's OKS sigmas and box areas (``coco/``; uniform 0.1 for
honeybees) and with SLEAP's single stddev 1 over the keypoint box (``sleap/``), both with at
most 100 detections per frame. A SLEAP keypoint that is not predicted (NaN) is written at
(0, 0) with score 0, so it counts as a miss.

Prints a table and writes every number to ``--out`` (JSON).
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

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


# ----------------------------------------------------------------------------- SLEAP side
def sleap_prepare(args):
    """COCO train/test files -> ``train.slp`` and ``test.slp`` in ``work_dir``, and
    ``val.slp``: ``--val-frames`` training frames drawn with ``--seed`` (SLEAP validates on
    them to pick its best checkpoint; they stay in the training set, as PoseBridge's recipe
    trains on every training frame)."""
    import numpy as np
    import sleap_io as sio
    for split, ann in (('train', args.train_ann), ('test', args.test_ann)):
        labels = sio.load_coco(ann, dataset_root=args.img_dir)
        if len(labels) == 0:
            raise ValueError(f'{ann}: no labeled frame was read')
        sio.save_slp(labels, osp.join(args.work_dir, f'{split}.slp'))
        print(f'[sleap prepare] {split}: {len(labels)} frames, '
              f'{sum(len(lf.instances) for lf in labels)} instances', flush=True)
        if split == 'train':
            pick = np.random.default_rng(args.seed).choice(
                len(labels), min(args.val_frames, len(labels)), replace=False)
            val = sio.Labels(labeled_frames=[labels[int(i)] for i in sorted(pick)],
                             videos=labels.videos, skeletons=labels.skeletons)
            sio.save_slp(val, osp.join(args.work_dir, 'val.slp'))


def sleap_train(args):
    """SLEAP's bottom-up model on ``train.slp``; runs until the parent stops it."""
    from sleap_nn.train import train
    train(train_labels_path=[osp.join(args.work_dir, 'train.slp')],
          val_labels_path=[osp.join(args.work_dir, 'val.slp')],
          scale=0.25,
          ensure_rgb=True,
          backbone_config=dict(unet=dict(in_channels=3, filters=16, filters_rate=1.5,
                                         max_stride=16, output_stride=4)),
          # SLEAP's own baseline bottom-up profile (baseline_medium_rf.bottomup): confidence
          # maps at output stride 4 (sigma 2.5), part affinity fields at stride 8; the string
          # 'bottomup' would give sleap-nn's defaults, output stride 1 for both heads, which
          # makes the UNet decode to the full input resolution (~6 s per step on this CPU)
          head_configs=dict(bottomup=dict(
              confmaps=dict(sigma=2.5, output_stride=4),
              pafs=dict(sigma=args.paf_sigma, output_stride=8))),
          batch_size=4,
          num_workers=0,
          data_pipeline_fw=args.sleap_pipeline,
          geometry_aug='rotation',
          max_epochs=10000,
          seed=args.seed,
          save_ckpt=True,
          ckpt_save_last=True,
          ckpt_dir=args.work_dir,
          run_name='sleap_bottomup',
          trainer_accelerator='cpu',
          train_steps_per_epoch=args.steps_per_epoch,
          min_train_steps_per_epoch=args.steps_per_epoch or 200,
          enable_progress_bar=False)


def sleap_predict(args):
    """Predict ``test.slp``'s frames at batch 1; write predictions and timing as JSON."""
    import numpy as np
    import sleap_io as sio
    from sleap_nn.inference.run import predict
    model_dir = osp.join(args.work_dir, 'sleap_bottomup')
    labels = sio.load_slp(osp.join(args.work_dir, 'test.slp'))
    one = sio.Labels(labeled_frames=[labels[0]], videos=[labels[0].video],
                     skeletons=labels.skeletons)
    t0 = time.perf_counter()
    predict(one, model_paths=[model_dir], device='cpu', batch_size=1, max_instances=100)
    t_one = time.perf_counter() - t0
    t0 = time.perf_counter()
    pred = predict(labels, model_paths=[model_dir], device='cpu', batch_size=1,
                   max_instances=100)
    t_all = time.perf_counter() - t0
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
    n = len(labels)
    out = dict(frames=frames, n_frames=n, seconds_all=t_all, seconds_one=t_one,
               fps=(n - 1) / (t_all - t_one) if n > 1 and t_all > t_one else float('nan'),
               part_names=[node.name for node in labels.skeletons[0].nodes])
    with open(osp.join(args.work_dir, 'sleap_predictions.json'), 'w') as f:
        json.dump(out, f)
    print(f'[sleap predict] {n} frames, {out["fps"]:.2f} frames/s', flush=True)


# ----------------------------------------------------------------------------- driver side
def call_sleap(args, step, budget=None):
    """Run ``step`` of this file in the SLEAP interpreter; stop it after ``budget`` s."""
    cmd = [args.sleap_python, osp.abspath(__file__), f'_{step}', '--work-dir', args.work_dir,
           '--train-ann', args.train_ann, '--test-ann', args.test_ann, '--img-dir',
           args.img_dir, '--seed', str(args.seed), '--val-frames', str(args.val_frames),
           '--sleap-pipeline', args.sleap_pipeline, '--paf-sigma', str(args.paf_sigma)]
    if args.steps_per_epoch:
        cmd += ['--steps-per-epoch', str(args.steps_per_epoch)]
    log = open(osp.join(args.work_dir, f'sleap_{step}.log'), 'w')
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    stopped = False
    try:
        proc.wait(timeout=budget)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGINT)  # Lightning stops gracefully, checkpoints stay
        stopped = True
        try:
            proc.wait(timeout=300)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    wall = time.perf_counter() - t0
    log.close()
    if proc.returncode != 0 and not stopped:
        raise RuntimeError(f'SLEAP step {step} failed (exit {proc.returncode}); see '
                           f'{log.name}')
    return dict(seconds=wall, stopped_by_budget=stopped,
                peak_rss_gib=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 ** 2)


def posebridge_predict(args):
    """The PoseBridge checkpoint on every test frame at batch 1, timed as SLEAP is."""
    sys.path.insert(0, ROOT)
    from mmpose.apis import inference_bottomup, init_model
    cfg_options = None
    if args.cfg_options:  # parsed here: SLEAP's environment, which also reads the flags, has
        from mmengine.config import DictAction  # no MMEngine
        opts = argparse.ArgumentParser()
        opts.add_argument('--cfg-options', nargs='+', action=DictAction)
        cfg_options = opts.parse_args(['--cfg-options', *args.cfg_options]).cfg_options
    model = init_model(args.config, args.checkpoint, device='cpu', cfg_options=cfg_options)
    with open(args.test_ann) as f:
        images = json.load(f)['images']
    paths = [osp.join(args.img_dir, im['file_name']) for im in images]
    inference_bottomup(model, paths[0])  # warm-up, not timed
    frames = []
    t0 = time.perf_counter()
    for path in paths:
        inst = inference_bottomup(model, path)[0].pred_instances
        frames.append(dict(file=osp.basename(path), keypoints=inst.keypoints,
                           keypoint_scores=inst.keypoint_scores,
                           scores=inst.get('bbox_scores', inst.keypoint_scores.mean(1))))
    seconds = time.perf_counter() - t0
    return frames, len(paths) / seconds


def score(frames, args):
    """KeypointAP at the dataset's sigmas and at SLEAP's stddev 1 (max 100 dets)."""
    import numpy as np
    from mmpose.datasets.datasets.utils import parse_pose_metainfo
    from projects.core.evaluation import KeypointAP
    with open(args.test_ann) as f:
        ids = {im['file_name']: im['id'] for im in json.load(f)['images']}
    meta = parse_pose_metainfo(dict(from_file=args.dataset_info))
    out = {}
    for prefix, kw in (('coco', {}), ('sleap', dict(oks_stddev=1.0))):
        metric = KeypointAP(ann_file=args.test_ann, score_mode='bbox', nms_mode='none',
                                  max_dets=100, prefix=prefix, **kw)
        metric.dataset_meta = meta
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
        metric.process([], samples)
        out.update({f'{prefix}/{k}': v for k, v in metric.compute_metrics(metric.results).items()})
    return out


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', nargs='?', help='PoseBridge config')
    parser.add_argument('checkpoint', nargs='?', help='PoseBridge checkpoint')
    parser.add_argument('--sleap-python', help="the interpreter of sleap-nn's own environment")
    data = osp.join(ROOT, 'data', 'honeybee')
    parser.add_argument('--train-ann', default=osp.join(data, 'annotations',
                                                        'honeybee_train_full.json'))
    parser.add_argument('--test-ann', default=osp.join(data, 'annotations', 'honeybee_test.json'))
    parser.add_argument('--img-dir', default=osp.join(data, 'images'))
    parser.add_argument('--dataset-info',
                        default=osp.join(ROOT, 'configs', '_base_', 'datasets', 'honeybee.py'))
    parser.add_argument('--budget', type=float, default=1800,
                        help='SLEAP training wall-clock, seconds')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--work-dir', default=osp.join(ROOT, 'work_dirs', 'sleap_side_by_side'))
    parser.add_argument('--out', default=osp.join(ROOT, 'outputs', 'sleap_side_by_side.json'))
    parser.add_argument('--sleap-pipeline', default='torch_dataset',
                        choices=['torch_dataset', 'torch_dataset_cache_img_memory'],
                        help="sleap-nn's data pipeline: decode every frame at every step "
                        "(SLEAP's default) or cache the scaled frames in memory")
    parser.add_argument('--val-frames', type=int, default=10,
                        help='training frames SLEAP validates on')
    parser.add_argument('--steps-per-epoch', type=int, default=None,
                        help="SLEAP's training steps per epoch (default: SLEAP's own, at least "
                        '200); a checkpoint is written at the end of each epoch')
    parser.add_argument('--paf-sigma', type=float, default=15.0,
                        help="width of SLEAP's part affinity fields, pixels of its scaled input "
                        "(sleap-nn's default 15)")
    parser.add_argument('--cfg-options', nargs='+', default=None, metavar='KEY=VALUE',
                        help="overrides of PoseBridge's config, as tools/test.py takes them "
                        '(e.g. decoding options)')
    parser.add_argument('--skip-train', action='store_true',
                        help='reuse the SLEAP model already trained in --work-dir')
    args = parser.parse_args(argv)
    for name in ('train_ann', 'test_ann', 'img_dir', 'work_dir'):
        setattr(args, name, osp.abspath(getattr(args, name)))
    return args


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    steps = {'_prepare': sleap_prepare, '_train': sleap_train, '_predict': sleap_predict}
    if argv and argv[0] in steps:  # inside the SLEAP environment
        steps[argv[0]](parse_args(argv[1:]))
        return
    args = parse_args(argv)
    if not (args.config and args.checkpoint and args.sleap_python):
        raise SystemExit('CONFIG, CHECKPOINT and --sleap-python are required')
    for path in (args.config, args.checkpoint, args.sleap_python, args.train_ann,
                 args.test_ann, args.img_dir):
        if not osp.exists(path):
            raise FileNotFoundError(f'{path} does not exist')
    os.makedirs(args.work_dir, exist_ok=True)
    result = dict(config=args.config, checkpoint=args.checkpoint, seed=args.seed,
                  budget_seconds=args.budget, cfg_options=args.cfg_options)
    if not args.skip_train:
        call_sleap(args, 'prepare')
        result['sleap_train'] = call_sleap(args, 'train', budget=args.budget)
        print(f'[sleap train] {result["sleap_train"]}', flush=True)
    call_sleap(args, 'predict')
    with open(osp.join(args.work_dir, 'sleap_predictions.json')) as f:
        sleap = json.load(f)
    for fr in sleap['frames']:
        fr['keypoints'] = [i['keypoints'] for i in fr['instances']]
        fr['keypoint_scores'] = [i['keypoint_scores'] for i in fr['instances']]
        fr['scores'] = [i['score'] for i in fr['instances']]
    frames, fps = posebridge_predict(args)
    result['sleap'] = dict(score(sleap['frames'], args), fps=sleap['fps'])
    result['posebridge'] = dict(score(frames, args), fps=fps)
    result['fps_ratio_posebridge_over_sleap'] = fps / sleap['fps']
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    with open(args.out, 'w') as f:
        json.dump(result, f, indent=1)
    print(f'{"":12s} {"coco/AP":>8s} {"coco/AP.75":>10s} {"sleap/AP":>8s} {"fps":>6s}')
    for name in ('posebridge', 'sleap'):
        r = result[name]
        print(f'{name:12s} {r["coco/AP"]:8.3f} {r["coco/AP .75"]:10.3f} {r["sleap/AP"]:8.3f} '
              f'{r["fps"]:6.2f}')
    print(f'fps ratio PoseBridge / SLEAP: {result["fps_ratio_posebridge_over_sleap"]:.2f}')


if __name__ == '__main__':
    main()
