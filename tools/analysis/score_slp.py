r"""Score a predicted SLEAP file against a labeled one (OKS AP, COCO's and SLEAP's).

    python tools/analysis/score_slp.py LABELS.slp PREDICTIONS.slp \
        [--dataset-info configs/_base_/datasets/honeybee.py] [--frames 1200:1500] \
        [--max-dets 100] --out outputs/score [--overwrite]

``PREDICTIONS.slp`` is what ``tools/predict.py ... --save slp`` writes (or SLEAP's own
predictions); ``LABELS.slp`` holds user-labeled instances of the same video. Every frame with a
user-labeled instance (or the ``--frames`` among them) is scored; nodes are matched by name.
``coco/`` uses per-node sigmas (``--dataset-info``'s, else 0.1 for every node), ``sleap/``
SLEAP's single stddev of 1 over the keypoint box. Prints the metrics and writes them to
``<out>/metrics.json`` (with the ground truth and results JSON beside them); nothing is written
through a link or over an existing file with other content unless ``--overwrite``.
"""
import argparse
import os.path as osp



def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('labels', help='labeled .slp (ground truth)')
    parser.add_argument('predictions', help='predicted .slp')
    parser.add_argument('--dataset-info', help='MMPose dataset info whose sigmas (by keypoint '
                        'name) the coco/ OKS uses')
    parser.add_argument('--frames', help='frame ranges, e.g. 1200:1500 or 0,5,9')
    parser.add_argument('--max-dets', type=int, default=100)
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--overwrite', action='store_true',
                        help='replace existing output files')
    args = parser.parse_args(argv)
    import sleap_io as sio
    from projects.core.cli import check_out_folder, parse_frames
    from projects.core.evaluation import score_labels
    from projects.core.fileio import UnsafeOutputError, check_output, write_json
    inputs = [args.labels, args.predictions, args.dataset_info]
    check_out_folder(parser, args.out, inputs)
    metrics_file = osp.join(args.out, 'metrics.json')
    sigmas = None
    try:
        check_output(metrics_file, None, inputs, args.out, args.overwrite)
        if args.dataset_info:
            from mmpose.datasets.datasets.utils import parse_pose_metainfo
            meta = parse_pose_metainfo(dict(from_file=args.dataset_info))
            by_name = {meta['keypoint_id2name'][i]: s for i, s in enumerate(meta['sigmas'])}
            nodes = sio.load_slp(args.labels).skeletons[0].node_names
            unknown = [n for n in nodes if n not in by_name]
            if unknown:
                parser.error(f'{args.dataset_info}: no keypoints {unknown} (nodes of '
                             f'{args.labels})')
            sigmas = [by_name[n] for n in nodes]
        frames = parse_frames(args.frames)
        result = score_labels(args.labels, args.predictions, args.out, sigmas, frames,
                              args.max_dets, overwrite=args.overwrite)
    except (FileNotFoundError, ValueError, UnsafeOutputError) as e:
        parser.error(str(e))
    for k, v in result.items():
        print(f'{k:20s} {v:.4f}' if isinstance(v, float) else f'{k:20s} {v}')
    write_json(result, metrics_file, inputs, args.out, args.overwrite, indent=1)


if __name__ == '__main__':
    main()
