"""Unlabeled frames for semi-supervised training: image folders, lists, COCO lists, videos."""
import json
import os
import os.path as osp
from typing import List, Optional, Sequence, Union

import cv2
import numpy as np
from mmengine.dataset import BaseDataset

from mmpose.datasets.datasets.utils import parse_pose_metainfo
from mmpose.datasets.transforms import LoadImage
from mmpose.registry import DATASETS, TRANSFORMS

from .video import FrameReader, select_frames, video_info

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
IMAGE_EXTS = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff')


@DATASETS.register_module()
class UnlabeledFrameDataset(BaseDataset):
    """Frames without labels, as a second data stream (SemiMultiPose's unlabeled frames).

    Exactly one source is given:

    * ``frame_dir``: every image file of a folder (sorted by name);
    * ``frame_list``: a text file with one image path per line (relative to ``data_root``);
    * ``ann_file``: a COCO JSON whose ``images`` are used and whose annotations are ignored
      (the ``*_unlabeled.json`` files of the converters); an entry names an image
      (``file_name``) or a video frame (``video`` and ``frame_idx``, decoded lazily);
    * ``video``: a video file, with ``every`` or ``count`` frames chosen as in
      ``tools/dataset_converters/video2frames.py``. Frames are decoded lazily by
      :class:`LoadFrame` in the pipeline, one at a time, never all in memory.

    Each item carries the keypoint definition of ``metainfo`` (``flip_indices`` for
    ``RandomFlip``) and no instances; a pipeline without ``GenerateTarget`` leaves it without
    targets, which is how :class:`~projects.semimultipose.models.SemiMultiPoseEstimator` tells
    it from a labeled frame.

    Args:
        metainfo (dict): ``dict(from_file=<dataset-info file>)``, the labeled set's definition
            (relative paths are looked up from the current folder, then the repository root).
        data_root (str): prefix of relative paths.
        frame_dir, frame_list, ann_file, video (str): the source (one of them).
        img_prefix (str): prefix of the image names of ``ann_file`` (default: ``images/``).
        every, count (int): frame selection for ``video``.
        pipeline (list): transforms; start it with ``LoadFrame``.

    Raises:
        ValueError: zero or several sources, or an empty source.
        FileNotFoundError: a missing source.
    """

    def __init__(self, metainfo: dict, data_root: str = '', frame_dir: Optional[str] = None,
                 frame_list: Optional[str] = None, ann_file: str = '',
                 video: Optional[str] = None, img_prefix: str = 'images/',
                 every: Optional[int] = None, count: Optional[int] = None,
                 pipeline: Sequence = (), **kwargs) -> None:
        sources = {k: v for k, v in dict(frame_dir=frame_dir, frame_list=frame_list,
                                         ann_file=ann_file or None, video=video).items() if v}
        if len(sources) != 1:
            raise ValueError(f'UnlabeledFrameDataset needs exactly one of frame_dir, frame_list, '
                             f'ann_file, video; got {sorted(sources) or "none"}')
        self.source, self.source_path = next(iter(sources.items()))
        self.img_prefix = img_prefix
        self.every, self.count = every, count
        if isinstance(metainfo, dict) and 'from_file' in metainfo:
            path = metainfo['from_file']
            if not osp.isfile(path) and osp.isfile(osp.join(REPO_ROOT, path)):
                metainfo = dict(metainfo, from_file=osp.join(REPO_ROOT, path))
        super().__init__(ann_file=ann_file, metainfo=metainfo, data_root=data_root,
                         pipeline=list(pipeline), **kwargs)

    @classmethod
    def _load_metainfo(cls, metainfo: dict = None) -> dict:
        if metainfo is None or 'from_file' not in metainfo:
            raise ValueError('UnlabeledFrameDataset needs metainfo=dict(from_file=...)')
        return parse_pose_metainfo(metainfo)

    def _abs(self, path: str) -> str:
        return path if osp.isabs(path) else osp.join(self.data_root, path)

    def _image_entry(self, im: dict, path: str, i: int) -> dict:
        """One ``images`` entry: ``file_name`` (under ``img_prefix``), or ``video`` (a path,
        relative to ``data_root`` or absolute) with ``frame_idx`` (decoded by ``LoadFrame``)."""
        if isinstance(im, dict) and im.get('video') is not None and 'frame_idx' in im:
            return dict(video_path=self._abs(str(im['video'])), frame_idx=int(im['frame_idx']))
        if isinstance(im, dict) and im.get('file_name'):
            return dict(img_path=self._abs(osp.join(self.img_prefix, im['file_name'])))
        raise ValueError(f'{path}: images[{i}]: expected "file_name", or "video" with '
                         f'"frame_idx"; got {sorted(im) if isinstance(im, dict) else im!r}')

    def load_data_list(self) -> List[dict]:
        path = self._abs(self.source_path)
        if not osp.exists(path):
            raise FileNotFoundError(f'UnlabeledFrameDataset: {self.source} {path} does not exist')
        if self.source == 'frame_dir':
            items = [dict(img_path=osp.join(path, f)) for f in sorted(os.listdir(path))
                     if f.lower().endswith(IMAGE_EXTS)]
        elif self.source == 'frame_list':
            with open(path) as f:
                items = [dict(img_path=self._abs(line.strip())) for line in f if line.strip()]
        elif self.source == 'ann_file':
            with open(path) as f:
                images = json.load(f).get('images')
            if not isinstance(images, list):
                raise ValueError(f'{path}: field "images": expected a list of image entries')
            items = [self._image_entry(im, path, i) for i, im in enumerate(images)]
        else:
            n = video_info(path)[0]
            idx = select_frames(n, every=self.every, count=self.count) \
                if (self.every or self.count) else np.arange(n)
            items = [dict(video_path=path, frame_idx=int(i)) for i in idx]
        if not items:
            raise ValueError(f'UnlabeledFrameDataset: {self.source} {path} holds no frames')
        meta = self.metainfo
        for i, item in enumerate(items):
            item.update(img_id=i, id=[], category_id=[], flip_indices=meta['flip_indices'],
                        dataset_name=meta['dataset_name'], sigmas=meta['sigmas'],
                        upper_body_ids=meta.get('upper_body_ids'),
                        lower_body_ids=meta.get('lower_body_ids'))
        return items


@TRANSFORMS.register_module()
class LoadFrame(LoadImage):
    """MMPose's ``LoadImage``, plus frames of videos (``video_path`` and ``frame_idx``).

    A video frame is read by :class:`~projects.core.datasets.video.FrameReader` (the project's
    one video reader), in BGR like ``LoadImage``. Each worker process keeps its open videos.

    Raises:
        OSError: the video cannot be opened or has no such frame.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._readers = {}

    def _read(self, path: str, idx: int) -> np.ndarray:
        if path not in self._readers:
            self._readers[path] = FrameReader(path)
        return self._readers[path][idx]

    def transform(self, results: dict) -> Union[dict, None]:
        if results.get('video_path') is None:
            return super().transform(results)
        img = self._read(results['video_path'], results['frame_idx'])
        if self.to_float32:
            img = img.astype(np.float32)
        if self.color_type == 'grayscale':
            img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
        results['img'] = img
        results['img_path'] = f"{results['video_path']}#{results['frame_idx']}"
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results
