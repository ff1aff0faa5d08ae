r"""MINI-RGBD -> COCO files for MMDetection (the infant detector) and COCO-style tools.

    python tools/dataset_converters/mini_rgbd2coco.py data/mini_rgbd --out data/mini_rgbd/annotations \
        [--splits train val test] [--frame-step 1] [--overwrite]

Writes mini_rgbd_{train,val,test}.json (the paper's split: sequences 1-8, 9-10, 11-12): one
image per frame (``file_name`` relative to the MINI-RGBD root, 640 x 480), one annotation
per frame with category 1 'infant', ``bbox`` = the foreground-mask box + 5 px (x, y, w, h),
and the MPII-16 keypoints (x, y, v=2). The data set itself is read, never modified.
"""
import argparse
import os
import os.path as osp



def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('root', help='MINI-RGBD folder holding 01 ... 12')
    p.add_argument('--out', required=True, help='output folder for mini_rgbd_{split}.json')
    p.add_argument('--splits', nargs='+', default=['train', 'val', 'test'])
    p.add_argument('--frame-step', type=int, default=1)
    p.add_argument('--overwrite', action='store_true',
                   help='replace existing output files whose content differs')
    args = p.parse_args(argv)
    from projects.infant3d.datasets.converters import mini_rgbd_to_coco
    from projects.core.cli import check_out_folder
    from projects.core.fileio import write_json
    check_out_folder(p, args.out, [], [args.root])
    os.makedirs(args.out, exist_ok=True)
    for split in args.splits:
        coco = mini_rgbd_to_coco(args.root, split, args.frame_step)
        out = osp.join(args.out, f'mini_rgbd_{split}.json')
        write_json(coco, out, root=args.out, overwrite=args.overwrite)
        print(f'{split}: {len(coco["images"])} frames -> {out}')


if __name__ == '__main__':
    main()
