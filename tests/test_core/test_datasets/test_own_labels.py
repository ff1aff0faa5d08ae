"""A scientist's own labels: read by name, merged, split and checked (tools/new_project.py)."""
import json
import os
import os.path as osp

import cv2
import numpy as np
import pytest

from projects.core.datasets.converters.dlc import dlc_csv_text
from projects.core.datasets.converters.own_labels import (LabelsError, flip_pairs_from_names,
                                                          read_labels, split_frames)

#: bodyparts in a non-alphabetical order (sleap-io returns them sorted)
PARTS = ['snout', 'leftear', 'rightear', 'tailbase']


def write_dlc(root, frames, parts=PARTS, folder='mouse1', scorer='me', size=(64, 48)):
    """A DeepLabCut labeled-data folder: ``frames`` is a list of ``(K, 2)`` arrays; the images
    are distinct grey levels of ``size``. Returns the CSV path."""
    d = osp.join(root, 'labeled-data', folder)
    os.makedirs(d, exist_ok=True)
    rows = []
    for i, pts in enumerate(frames):
        name = f'img{i:03d}.png'
        cv2.imwrite(osp.join(d, name), np.full((size[1], size[0], 3), 10 + 7 * i, np.uint8))
        rows.append((folder, name, pts))
    csv = osp.join(d, f'CollectedData_{scorer}.csv')
    with open(csv, 'w') as f:
        f.write(dlc_csv_text(scorer, parts, rows))
    return csv


def mouse(i):
    """Frame i's keypoints: snout, leftear, rightear, tailbase (distinct per frame)."""
    return np.array([[10 + i, 5], [8 + i, 9], [12 + i, 9], [10 + i, 30]], np.float64)


def test_dlc_csv_layout_by_hand():
    text = dlc_csv_text('me', ['a', 'b'], [('v', 'img0.png', np.array([[1, 2], [np.nan,
                                                                                np.nan]]))])
    assert text.splitlines() == ['scorer,,,me,me,me,me', 'bodyparts,,,a,a,b,b',
                                 'coords,,,x,y,x,y', 'labeled-data,v,img0.png,1.00,2.00,,']


def test_flip_pairs_from_names_by_hand():
    nodes = ['snout', 'leftear', 'rightear', 'L_paw', 'R_paw', 'hip_l', 'hip_r', 'wingL',
             'wingR', 'forelegL4', 'forelegR4', 'LAnt', 'RAnt', 'Lip', 'TAIL', 'Left_Eye',
             'Right_Eye', 'l_knee', 'r_knee']
    assert flip_pairs_from_names(nodes) == [
        ('leftear', 'rightear'), ('L_paw', 'R_paw'), ('hip_l', 'hip_r'), ('wingL', 'wingR'),
        ('forelegL4', 'forelegR4'), ('LAnt', 'RAnt'), ('Left_Eye', 'Right_Eye'),
        ('l_knee', 'r_knee')]
    # no counterpart, or the token inside a word: no pair
    assert flip_pairs_from_names(['Lip', 'Rip2', 'head', 'leftear', 'tail']) == []


def test_dlc_labels_are_matched_by_name_not_position(tmp_path):
    csv = write_dlc(str(tmp_path), [mouse(i) for i in range(5)])
    labels = read_labels([csv])
    # sleap-io sorts the bodyparts; every keypoint still carries its own coordinates
    assert labels.nodes == sorted(PARTS)
    assert len(labels.frames) == 5 and labels.instances_per_frame.tolist() == [1] * 5
    for i, f in enumerate(labels.frames):
        assert f.source.endswith(f'img{i:03d}.png') and not f.is_video
        assert (f.width, f.height) == (64, 48)
        for j, name in enumerate(labels.nodes):
            np.testing.assert_allclose(f.instances[0, j], mouse(i)[PARTS.index(name)])
    # animal length = longer side of the keypoint box: tailbase.y - snout.y = 25 px
    np.testing.assert_allclose(labels.animal_lengths(), [25.0] * 5)


def test_split_sizes_by_hand(tmp_path):
    csv = write_dlc(str(tmp_path), [mouse(i) for i in range(20)])
    frames = read_labels([csv]).frames
    s = split_frames(frames, 0.1, 0.1, seed=0)
    assert [len(s[k]) for k in ('train', 'val', 'test')] == [16, 2, 2]
    assert sorted(s['train'] + s['val'] + s['test']) == list(range(20))
    assert s == split_frames(frames, 0.1, 0.1, seed=0)  # seeded
    assert s != split_frames(frames, 0.1, 0.1, seed=1)
    # 0.05 of 20 rounds to 1; 0 gives none
    s = split_frames(frames, 0.05, 0.0, seed=0)
    assert [len(s[k]) for k in ('train', 'val', 'test')] == [19, 1, 0]
    # by video: one video cannot be split three ways
    with pytest.raises(LabelsError, match='1 videos: too few for the split'):
        split_frames(frames, 0.1, 0.1, 0, by='video')
    # too few frames for the split
    with pytest.raises(LabelsError, match='2 labeled frames: too few'):
        split_frames(frames[:2], 0.1, 0.1, 0)


def test_split_by_video_keeps_each_video_on_one_side(tmp_path):
    csvs = [write_dlc(str(tmp_path), [mouse(i) for i in range(4)], folder=f'v{v}',
                      size=(64 + v, 48)) for v in range(5)]
    labels = read_labels(csvs)
    assert len(labels.frames) == 20 and len(labels.videos) == 5
    s = split_frames(labels.frames, 0.2, 0.2, seed=3, by='video')
    sides = {}
    for part, idx in s.items():
        for i in idx:
            sides.setdefault(labels.frames[i].video_key, set()).add(part)
    assert all(len(v) == 1 for v in sides.values())
    assert [len(s[k]) for k in ('train', 'val', 'test')] == [12, 4, 4]


def test_bad_labels_are_refused_with_the_file_named(tmp_path):
    root = str(tmp_path)
    # a node never labeled
    frames = [mouse(i) for i in range(3)]
    for f in frames:
        f[3] = np.nan
    csv = write_dlc(osp.join(root, 'a'), frames)
    with pytest.raises(LabelsError, match=r"node\(s\) \['tailbase'\] never labeled"):
        read_labels([csv])
    # a missing image
    csv = write_dlc(osp.join(root, 'b'), [mouse(i) for i in range(3)])
    os.remove(osp.join(osp.dirname(csv), 'img001.png'))
    with pytest.raises(LabelsError, match=r'row 5: image labeled-data/mouse1/img001.png not '
                                          'found'):
        read_labels([csv])
    # the same frames twice
    csv = write_dlc(osp.join(root, 'c'), [mouse(i) for i in range(3)])
    with pytest.raises(LabelsError, match='img000.png is labeled twice'):
        read_labels([csv, csv])
    # the same image under two names
    csv = write_dlc(osp.join(root, 'd'), [mouse(i) for i in range(3)])
    d = osp.dirname(csv)
    os.replace(osp.join(d, 'img002.png'), osp.join(d, 'img002.png.bak'))
    with open(osp.join(d, 'img000.png'), 'rb') as f:
        open(osp.join(d, 'img002.png'), 'wb').write(f.read())
    with pytest.raises(LabelsError, match='img002.png is the same frame as .*img000.png'):
        read_labels([csv])
    # points outside the image
    csv = write_dlc(osp.join(root, 'e'), [mouse(i) + [0, 40] for i in range(3)])
    with pytest.raises(LabelsError, match='outside its 64x48 pixels'):
        read_labels([csv])
    # no labeled frame
    csv = write_dlc(osp.join(root, 'f'), [np.full((4, 2), np.nan)] * 2)
    with pytest.raises(LabelsError, match='no labeled frame'):
        read_labels([csv])
    # skeletons that do not agree
    a = write_dlc(osp.join(root, 'g'), [mouse(i) for i in range(3)])
    b = write_dlc(osp.join(root, 'g'), [mouse(i)[:3] for i in range(3)], parts=PARTS[:3],
                  folder='mouse2')
    with pytest.raises(LabelsError, match=r"only in .*CollectedData_me.csv: \['tailbase'\]"):
        read_labels([a, b])
    # a format sleap-io does not read
    bad = osp.join(root, 'labels.txt')
    open(bad, 'w').write('x')
    with pytest.raises(LabelsError, match='labels.txt: sleap-io cannot read it.*formats read'):
        read_labels([bad])
    with pytest.raises(LabelsError, match='nope.slp: no such file'):
        read_labels([osp.join(root, 'nope.slp')])


def test_coco_labels_and_the_size_they_state(tmp_path):
    root = str(tmp_path)
    os.makedirs(osp.join(root, 'images'))
    images, anns = [], []
    for i in range(3):
        cv2.imwrite(osp.join(root, 'images', f'f{i}.png'), np.full((48, 64, 3), 40 * i,
                                                                    np.uint8))
        images.append(dict(id=i + 1, file_name=f'f{i}.png', width=64, height=48))
        for a in range(2):  # two animals a frame
            pts = mouse(i) + [20 * a, 0]
            kp = np.concatenate([pts, np.full((4, 1), 2.0)], 1).reshape(-1).tolist()
            anns.append(dict(id=len(anns) + 1, image_id=i + 1, category_id=1, keypoints=kp,
                             num_keypoints=4, bbox=[0, 0, 1, 1], area=1, iscrowd=0))
    coco = dict(images=images, annotations=anns, categories=[dict(
        id=1, name='mouse', keypoints=PARTS, skeleton=[[1, 2], [1, 3], [1, 4]])])
    path = osp.join(root, 'images', 'labels.json')
    json.dump(coco, open(path, 'w'))
    labels = read_labels([path])
    assert labels.nodes == PARTS and labels.instances_per_frame.tolist() == [2, 2, 2]
    assert ('snout', 'leftear') in labels.edges and len(labels.edges) == 3
    np.testing.assert_allclose(labels.frames[1].instances[1], mouse(1) + [20, 0])
    # a file that is not the size the labels say
    coco['images'][2]['width'] = 640
    json.dump(coco, open(path, 'w'))
    with pytest.raises(LabelsError, match=r'f2.png: the labels say 640x48 pixels, the file is '
                                          r'64x48'):
        read_labels([path])


def test_fly_clip_reads_as_two_animals_on_video_frames(shared_data):
    labels = read_labels([osp.join(shared_data, 'fly', 'clip.slp')])
    assert len(labels.frames) == 1500 and labels.instances_per_frame.max() == 2
    assert len(labels.nodes) == 13 and labels.frames[0].is_video
    assert (labels.frames[0].width, labels.frames[0].height) == (1024, 1024)
    assert set(labels.videos) == {'clip'} and labels.unlabeled['clip'] == []


def test_sleap_package_with_embedded_frames(shared_data, tmp_path):
    """A SLEAP training package (.pkg.slp) stores its labeled frames: read without the video,
    and the frames written from the file match the video's."""
    import sleap_io as sio
    from projects.core.datasets.converters.own_project import write_frames
    from projects.core.datasets.video import FrameReader
    clip = osp.join(shared_data, 'fly', 'clip.mp4')
    labels = sio.load_slp(osp.join(shared_data, 'fly', 'clip.slp'))
    labels.videos[0].replace_filename(clip, open=True)
    keep = [lf for lf in labels.labeled_frames if lf.frame_idx in (0, 10, 20)]
    pkg = tmp_path / 'flies.pkg.slp'
    sio.Labels(labeled_frames=keep, videos=labels.videos, skeletons=labels.skeletons,
               tracks=labels.tracks).save(str(pkg), embed='user')
    out = read_labels([str(pkg)])
    assert [f.frame_idx for f in out.frames] == [0, 10, 20]
    assert all(f.embedded is not None for f in out.frames)
    assert (out.frames[0].width, out.frames[0].height) == (1024, 1024)
    assert list(out.videos) == ['flies_video0'] and out.unlabeled['flies_video0'] == []
    names = write_frames(out, str(tmp_path / 'proj'))
    assert names == {0: 'flies_video0/000000.png', 1: 'flies_video0/000010.png',
                     2: 'flies_video0/000020.png'}
    reader = FrameReader(clip)
    for i, idx in enumerate((0, 10, 20)):
        img = cv2.imread(str(tmp_path / 'proj' / 'images' / names[i]))
        ref = reader[idx]
        assert img.shape == ref.shape
        assert np.abs(img.astype(np.int32) - ref).mean() < 3  # the same frame (decoders differ)


def test_missing_video_is_named(shared_data, tmp_path):
    import sleap_io as sio
    labels = sio.load_slp(osp.join(shared_data, 'fly', 'clip.slp'))
    labels.videos[0].replace_filename('/nowhere/clip_2019.mp4', open=False)
    keep = [lf for lf in labels.labeled_frames if lf.frame_idx < 3]
    path = tmp_path / 'moved.slp'
    sio.Labels(labeled_frames=keep, videos=labels.videos,
               skeletons=labels.skeletons).save(str(path))
    with pytest.raises(LabelsError, match=r'moved.slp: video /nowhere/clip_2019.mp4 not found'):
        read_labels([str(path)])
    # --video RECORDED=NOW says where it is now
    out = read_labels([str(path)], {'/nowhere/clip_2019.mp4':
                                    osp.join(shared_data, 'fly', 'clip.mp4')})
    assert [f.frame_idx for f in out.frames] == [0, 1, 2]


def test_corrected_predictions_merge_back_as_labels(shared_data, tmp_path):
    """The docs' proofreading loop: predictions corrected in SLEAP (user instances) merged into
    the labels with sleap-io; only the corrected instances become labels."""
    import sleap_io as sio
    clip = osp.join(shared_data, 'fly', 'clip.mp4')
    labels = sio.load_slp(osp.join(shared_data, 'fly', 'clip.slp'))
    labels.videos[0].replace_filename(clip, open=False)
    base = [lf for lf in labels.labeled_frames if lf.frame_idx in (0, 10)]
    sio.Labels(labeled_frames=base, videos=labels.videos, skeletons=labels.skeletons,
               tracks=labels.tracks).save(str(tmp_path / 'labels.slp'))
    # predictions of frames 20 and 30; in frame 20 both flies were corrected (now user
    # instances), frame 30 was left as predicted
    skel = labels.skeletons[0]
    frames = []
    for idx in (20, 30):
        lf = [f for f in labels.labeled_frames if f.frame_idx == idx][0]
        insts = [sio.PredictedInstance.from_numpy(points_data=i.numpy() + 3.0,
                                                  point_scores=np.ones(13), score=0.9,
                                                  skeleton=skel) for i in lf.user_instances]
        if idx == 20:
            insts = [sio.Instance.from_numpy(i.numpy(), skeleton=skel) for i in insts]
        frames.append(sio.LabeledFrame(video=labels.videos[0], frame_idx=idx, instances=insts))
    sio.Labels(labeled_frames=frames, videos=labels.videos,
               skeletons=labels.skeletons).save(str(tmp_path / 'predictions.slp'))
    merged = sio.load_slp(str(tmp_path / 'labels.slp'))
    merged.merge(sio.load_slp(str(tmp_path / 'predictions.slp')))
    merged.save(str(tmp_path / 'labels.v002.slp'))
    out = read_labels([str(tmp_path / 'labels.v002.slp')])
    assert [f.frame_idx for f in out.frames] == [0, 10, 20]
    assert out.instances_per_frame.tolist() == [2, 2, 2] and list(out.videos) == ['clip']
