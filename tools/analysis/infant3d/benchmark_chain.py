r"""Speed of the infant chain on CPU (or GPU): frames per second and each stage's share.

    python tools/analysis/infant3d/benchmark_chain.py [FRAMES ...] [--repeats 3] [--device cpu] \
        [--det-config C --pose2d-config C --lifter-config C]

Runs the chain (Faster R-CNN R50-FPN -> SimpleBaseline R50 256x256 -> Martinez lifter) on
real frames, by default MMPose's Human3.6M and MPI-INF-3DHP samples in ../shared/data, with
random weights unless checkpoints are given (speed does not depend on the weights, except
through the detector's number of boxes after NMS), after one warm-up frame. Prints frames per
second and the seconds and share of detection, 2D and lifting; --out writes them as JSON.
"""
import argparse
import glob
import os
import os.path as osp
import platform
import time

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))


def main(argv=None):
    from projects.infant3d.apis.chain import CHAIN_CONFIGS
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    shared = os.environ.get('POSEBRIDGE_SHARED_DATA', osp.join(ROOT, '..', 'shared', 'data'))
    p.add_argument('frames', nargs='*', metavar='FRAMES', default=[
        osp.join(shared, 'mmpose_samples', 'h36m', 'S*', '*', '*.jpg'),
        osp.join(shared, 'mmpose_samples', 'mpi_inf_3dhp', '*.jpg')], help='image files or globs')
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--device', default='cpu')
    p.add_argument('--threads', type=int, default=None, help='torch CPU threads')
    for stage in ('det', 'pose2d', 'lifter'):
        p.add_argument(f'--{stage}-config', default=CHAIN_CONFIGS[stage])
        p.add_argument(f'--{stage}-checkpoint', default=None)
    p.add_argument('--out', default=None, help='JSON file for the figures')
    p.add_argument('--overwrite', action='store_true', help='replace an existing --out')
    args = p.parse_args(argv)
    from projects.core.cli import checked_inputs
    inputs = checked_inputs(p, args)  # --out refused before anything is measured
    import cv2
    import torch
    from projects.infant3d.apis import InfantPoseChain
    if args.threads:
        torch.set_num_threads(args.threads)
    paths = sorted(q for g in args.frames for q in glob.glob(g))
    if not paths:
        p.error(f'no frames match {args.frames}')
    images = [cv2.imread(q) for q in paths]
    chain = InfantPoseChain(args.det_config, args.det_checkpoint, args.pose2d_config,
                            args.pose2d_checkpoint, args.lifter_config, args.lifter_checkpoint,
                            device=args.device, fallback_full_image=True)
    chain(images[0])  # warm-up
    stages = dict(detection=0., pose2d=0., lifting=0.)
    n, t0 = 0, time.perf_counter()
    for _ in range(args.repeats):
        for img in images:
            for k, v in chain(img).time.items():
                stages[k] += v
            n += 1
    total = time.perf_counter() - t0
    res = dict(frames=n, seconds=total, fps=n / total,
               seconds_per_frame={k: v / n for k, v in stages.items()},
               share={k: v / total for k, v in stages.items()},
               device=args.device, torch_threads=torch.get_num_threads(),
               cpu=platform.processor() or platform.machine(), images=len(images),
               image_sizes=sorted({f'{i.shape[1]}x{i.shape[0]}' for i in images}))
    print(f'{n} frames ({len(images)} images x {args.repeats}) on {args.device}, '
          f'{torch.get_num_threads()} threads: {res["fps"]:.2f} frames/s')
    for k in stages:
        print(f'  {k:10s} {res["seconds_per_frame"][k] * 1000:8.1f} ms/frame  '
              f'{100 * res["share"][k]:5.1f} %')
    if args.out:
        from projects.core.fileio import write_json
        write_json(res, args.out, inputs, None, args.overwrite, indent=1)


if __name__ == '__main__':
    main()
