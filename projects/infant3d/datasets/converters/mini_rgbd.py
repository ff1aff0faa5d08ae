"""MINI-RGBD frames as a COCO dictionary (detector training, COCO-style tools)."""
import os.path as osp
from typing import Dict, Sequence, Union

import numpy as np

from ..mini_rgbd_dataset import MiniRGBDDataset


def mini_rgbd_to_coco(root: str, sequences: Union[str, Sequence[int]] = 'train',
                      frame_step: int = 1) -> Dict:
    """COCO dict of MINI-RGBD frames: ``images`` (``file_name`` relative to ``root``,
    640 x 480), ``annotations`` (category 1 'infant', ``bbox`` x, y, w, h pixels from the
    foreground mask + 5 px, MPII-16 ``keypoints`` x, y, v with v = 2, ``num_keypoints``,
    ``area`` = box area, ``iscrowd`` 0) and ``categories``.

    Raises:
        FileNotFoundError, ValueError: as :class:`MiniRGBDDataset`.
    """
    if not osp.isdir(root):
        raise FileNotFoundError(f'MINI-RGBD folder {root} does not exist (expected 01 ... 12 '
                                'inside, as published)')
    ds = MiniRGBDDataset(data_root=root, sequences=sequences, frame_step=frame_step,
                         lazy_init=False, serialize_data=False)
    ann = ds.ann_data
    names = [ds.metainfo['keypoint_id2name'][k] for k in range(ds.metainfo['num_keypoints'])]
    images, annotations = [], []
    for i, name in enumerate(ann['imgname']):
        x1, y1, x2, y2 = (float(v) for v in ann['bbox'][i])
        kp = np.concatenate([ann['part'][i, :, :2], 2 * (ann['part'][i, :, 2:] > 0)], axis=1)
        images.append(dict(id=i + 1, file_name=str(name), width=640, height=480,
                           sequence=int(ann['sequence'][i])))
        annotations.append(dict(id=i + 1, image_id=i + 1, category_id=1,
                                bbox=[x1, y1, x2 - x1, y2 - y1], area=(x2 - x1) * (y2 - y1),
                                iscrowd=0, keypoints=[round(float(v), 3) for v in kp.ravel()],
                                num_keypoints=int((kp[:, 2] > 0).sum())))
    return dict(images=images, annotations=annotations,
                categories=[dict(id=1, name='infant', supercategory='person', keypoints=names,
                                 skeleton=[list(link) for link in
                                           ds.metainfo.get('skeleton_links', [])])])
