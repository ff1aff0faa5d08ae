import json
import os.path as osp

import cv2
import numpy as np
import pytest

from projects.core.datasets.converters.sleap import convert_slp

FLY_NODES = ['head', 'thorax', 'abdomen', 'wingL', 'wingR', 'forelegL4', 'forelegR4',
             'midlegL4', 'midlegR4', 'hindlegL4', 'hindlegR4', 'eyeL', 'eyeR']


def test_real_clip(shared_data, tmp_path):
    import sleap_io as sio
    slp = osp.join(shared_data, 'fly', 'clip.slp')
    labels = sio.load_slp(slp)
    # pick frames with a missing point, to check v = 0, plus the first two
    missing = [lf.frame_idx for lf in labels.labeled_frames
               if any(np.isnan(i.numpy()).any() for i in lf.user_instances)]
    frames = sorted({0, 1, missing[-1]})
    out = convert_slp(slp, str(tmp_path), video_path=osp.join(shared_data, 'fly', 'clip.mp4'),
                      frame_indices=frames)
    coco = json.load(open(out))
    assert coco['categories'][0]['keypoints'] == FLY_NODES
    assert len(coco['images']) == len(frames) == 3
    assert len(coco['annotations']) == 6  # two flies per frame
    assert sorted({a['track'] for a in coco['annotations']}) == sorted(coco['info']['tracks'])
    by_frame = {lf.frame_idx: lf for lf in labels.labeled_frames}
    for ann in coco['annotations']:
        lf = by_frame[ann['image_id']]
        inst = [i for i in lf.user_instances if i.track.name == ann['track']][0]
        ref = inst.numpy()
        k = np.array(ann['keypoints']).reshape(-1, 3)
        vis = ~np.isnan(ref).any(-1)
        np.testing.assert_allclose(k[vis, :2], ref[vis], atol=1e-3)
        assert np.all(k[vis, 2] == 2) and np.all(k[~vis] == 0)
    assert any(np.any(np.array(a['keypoints'])[2::3] == 0) for a in coco['annotations']
               if a['image_id'] == missing[-1])
    img = cv2.imread(osp.join(tmp_path, 'images', coco['images'][0]['file_name']))
    assert img.shape == (1024, 1024, 3)
    # the skeleton edges of the file, 1-based: every node but the eyes hangs off the thorax
    assert [2, 3] in coco['categories'][0]['skeleton'] and len(coco['categories'][0]['skeleton']) == 12


def test_missing_inputs(tmp_path, shared_data):
    with pytest.raises(FileNotFoundError, match='do not exist'):
        convert_slp(str(tmp_path / 'none.slp'), str(tmp_path))
    with pytest.raises(FileNotFoundError, match='video'):
        convert_slp(osp.join(shared_data, 'fly', 'clip.slp'), str(tmp_path),
                    video_path=str(tmp_path / 'none.mp4'))
    with pytest.raises(ValueError, match='not among them'):
        convert_slp(osp.join(shared_data, 'fly', 'clip.slp'), str(tmp_path),
                    video_path=osp.join(shared_data, 'fly', 'clip.mp4'), keypoint_names=['x'])


def test_video_that_does_not_match_the_labels_is_refused(tmp_path, shared_data):
    # a 64x64 video in place of the 1024x1024 clip
    small = tmp_path / 'small.mp4'
    vw = cv2.VideoWriter(str(small), cv2.VideoWriter_fourcc(*'mp4v'), 25, (64, 64))
    for _ in range(5):
        vw.write(np.zeros((64, 64, 3), np.uint8))
    vw.release()
    slp = osp.join(shared_data, 'fly', 'clip.slp')
    with pytest.raises(ValueError, match='outside the 64x64 frames'):
        convert_slp(slp, str(tmp_path / 'out'), video_path=str(small), frame_indices=[0, 1])
    with pytest.raises(ValueError, match='labels on frame 10, but the video .* has 5 frames'):
        convert_slp(slp, str(tmp_path / 'out'), video_path=str(small), frame_indices=[10])
    assert not (tmp_path / 'out' / 'images').exists()
