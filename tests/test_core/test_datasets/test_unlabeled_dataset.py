import os.path as osp

import cv2
import numpy as np
import pytest

from mmpose.registry import DATASETS

import projects.core  # noqa: F401
from projects.core.datasets import LoadFrame, UnlabeledFrameDataset

INFO = 'configs/_base_/datasets/honeybee.py'


def test_from_unlabeled_coco_list(honeybee_coco):
    ds = DATASETS.build(dict(type='UnlabeledFrameDataset', data_root=honeybee_coco,
                             metainfo=dict(from_file=INFO),
                             ann_file='annotations/honeybee_train_full_unlabeled.json',
                             pipeline=[dict(type='LoadFrame')]))
    assert len(ds) == 80
    item = ds[0]
    assert item['img'].shape == (1440, 2560, 3)
    assert item['flip_indices'] == [0, 1, 2, 4, 3] and 'keypoints' not in item


def test_from_folder_and_list(tmp_path, shared_data):
    frames = osp.join(shared_data, 'honeybee', 'train')
    ds = UnlabeledFrameDataset(metainfo=dict(from_file=INFO), frame_dir=frames)
    assert len(ds) == 215
    lst = tmp_path / 'l.txt'
    lst.write_text('\n'.join([osp.join(frames, '000001706210.jpg')] * 2) + '\n')
    assert len(UnlabeledFrameDataset(metainfo=dict(from_file=INFO), frame_list=str(lst))) == 2


def test_video_frames_lazily(shared_data):
    video = osp.join(shared_data, 'fly', 'centered_pair_low_quality.mp4')
    ds = UnlabeledFrameDataset(metainfo=dict(from_file=INFO), video=video, count=5,
                               pipeline=[dict(type='LoadFrame')])
    assert len(ds) == 5
    infos = [ds.get_data_info(i) for i in range(5)]
    assert [d['frame_idx'] for d in infos] == [0, 275, 550, 824, 1099]  # linspace(0, 1099, 5) rounded
    assert 'img' not in infos[2]  # nothing decoded until asked for
    cap = cv2.VideoCapture(video)
    for _ in range(275):
        cap.grab()
    ref = cap.read()[1]
    np.testing.assert_array_equal(ds[1]['img'], ref)
    # sequential access reuses the open video
    loader = LoadFrame()
    a = loader(dict(video_path=video, frame_idx=3))['img']
    b = loader(dict(video_path=video, frame_idx=4))['img']
    assert a.shape == b.shape == (384, 384, 3)


def test_bad_sources(tmp_path):
    with pytest.raises(ValueError, match='exactly one'):
        UnlabeledFrameDataset(metainfo=dict(from_file=INFO))
    with pytest.raises(FileNotFoundError, match='does not exist'):
        UnlabeledFrameDataset(metainfo=dict(from_file=INFO), frame_dir=str(tmp_path / 'x'))
    with pytest.raises(ValueError, match='no frames'):
        UnlabeledFrameDataset(metainfo=dict(from_file=INFO), frame_dir=str(tmp_path))
