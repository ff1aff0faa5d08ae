"""Speed and memory of a PoseBridge config on real honeybee frames (CPU or GPU).

    python tools/analysis/benchmark.py CONFIG [--checkpoint CKPT] [--src ../shared/data/honeybee]
        [--repeats 5] [--train-iters 5] [--infer-frames 10] [--labeled L] [--unlabeled U]
        [--device cpu] [--threads T] [--out figures.json]

Prints, as medians over repeated runs:
* training seconds per iteration (MMEngine's ``model.train_step`` with the config's own
  ``optim_wrapper``: forward, backward and optimizer step on a batch built by the config's
  training pipeline from real frames, data loading excluded); for a two-stream
  (SemiMultiPose) config the batch holds ``--labeled`` labeled and ``--unlabeled`` unlabeled
  frames, with every loss term switched on;
* inference frames per second at batch 1 on decoded full-size frames (2560x1440 arrays in
  memory): the config's test pipeline (resize), the network and the decoding to instances;
* peak memory: the process's maximum resident set size (CPU) or the CUDA allocator's peak.
"""
import argparse
import json
import os.path as osp
import resource
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.dataset import Compose, pseudo_collate  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from mmengine.utils import import_modules_from_strings  # noqa: E402

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def peak_memory_gib(device):
    if device.startswith('cuda'):
        return torch.cuda.max_memory_allocated() / 1024 ** 3
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2


def sync(device):
    if device.startswith('cuda'):
        torch.cuda.synchronize()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('--src', default=osp.join(ROOT, '..', 'shared', 'data', 'honeybee'),
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
    parser.add_argument('--out', help='also write the figures to this JSON file')
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)

    cfg = Config.fromfile(args.config)
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
    batch = n_lab + n_unl
    data = pseudo_collate(samples)
    model.train()
    from mmengine.optim import build_optim_wrapper
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    step_times = []
    for it in range(args.train_iters + 1):
        sync(args.device)
        t0 = time.perf_counter()
        model.train_step(data, optim_wrapper)
        sync(args.device)
        if it > 0:  # the first iteration warms up
            step_times.append(time.perf_counter() - t0)
    train_peak = peak_memory_gib(args.device)

    # ---------------- inference on decoded full-size frames (weights as before training)
    if args.checkpoint:
        from mmengine.runner import load_checkpoint
        load_checkpoint(model, args.checkpoint, map_location=args.device)
    test_pipe = Compose([t for t in cfg.test_dataloader.dataset.pipeline
                         if t['type'] != 'LoadImage'])
    frames = [cv2.imread(dataset[i]['data_samples'].img_path)
              for i in range(min(args.infer_frames, len(dataset)))]
    model.eval()
    fps_runs = []
    n_inst = []
    with torch.no_grad():
        for r in range(args.repeats + 1):
            sync(args.device)
            t0 = time.perf_counter()
            for img in frames:
                item = test_pipe(dict(img=img, img_shape=img.shape[:2], ori_shape=img.shape[:2],
                                      img_id=0, id=0))
                d = model.data_preprocessor(pseudo_collate([item]), training=False)
                out = model(**d, mode='predict')
                n_inst.append(len(out[0].pred_instances))
            sync(args.device)
            if r > 0:
                fps_runs.append(len(frames) / (time.perf_counter() - t0))
    result = dict(
        config=osp.relpath(args.config, ROOT), checkpoint=args.checkpoint, device=args.device,
        torch_threads=torch.get_num_threads(), batch_size=batch, labeled=n_lab,
        unlabeled=n_unl,
        train_s_per_iter_median=statistics.median(step_times),
        train_peak_memory_gib=train_peak,
        infer_fps_median=statistics.median(fps_runs), infer_frames=len(frames),
        infer_frame_size=list(frames[0].shape[1::-1]), repeats=args.repeats,
        peak_memory_gib=peak_memory_gib(args.device),
        mean_instances_per_frame=float(np.mean(n_inst)))
    shutil.rmtree(tmp, ignore_errors=True)
    for k, v in result.items():
        print(f'{k:28s} {v:.4f}' if isinstance(v, float) else f'{k:28s} {v}')
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(result, f, indent=2)


if __name__ == '__main__':
    main()
