import json
import os
import os.path as osp
import random
import shutil
from collections import Counter

import numpy as np
import pytest

from projects.core.datasets.converters import honeybee
from projects.core.fileio import write_json


def load(path):
    with open(path) as f:
        return json.load(f)


def test_real_file_cleaned(shared_data):
    src = osp.join(shared_data, 'honeybee', honeybee.ANNOTATION_FILE)
    raw = load(src)
    coco = honeybee.load_published(src)
    # published: 270 image entries for 135 frames, 3228 annotations for 1614 bees
    assert len(raw['images']) == 270 and len(coco['images']) == 135
    assert len(raw['annotations']) == 3228 and len(coco['annotations']) == 1614
    assert len({a['id'] for a in coco['annotations']}) == 1614
    assert coco['categories'][0]['keypoints'] == ['Tail', 'Head', 'Thorax', 'RAnt', 'LAnt']
    # first published bee: Tail (414, 872) Head (608, 1028) Thorax (564, 964)
    # Rant (634, 1036) Lant (576, 1088); box from keypoints, not the [x, y, 100, 100] placeholder
    first = [a for a in coco['annotations'] if a['image_id'] == 17062324000][0]
    assert first['keypoints'] == [414, 872, 2, 608, 1028, 2, 564, 964, 2, 634, 1036, 2,
                                  576, 1088, 2]
    assert first['bbox'] == [414, 872, 634 - 414, 1088 - 872]
    assert first['area'] == (634 - 414) * (1088 - 872)
    for a in coco['annotations']:
        k = np.array(a['keypoints']).reshape(-1, 3)
        vis = k[:, 2] > 0
        assert a['num_keypoints'] == vis.sum() > 0
        assert np.all(k[~vis, :2] == 0)
        x, y, w, h = a['bbox']
        assert x == k[vis, 0].min() and x + w == k[vis, 0].max()
        assert y == k[vis, 1].min() and y + h == k[vis, 1].max()
    per_image = Counter(a['image_id'] for a in coco['annotations'])
    assert min(per_image.values()) == 3 and max(per_image.values()) == 29


def test_real_splits(honeybee_coco, shared_data):
    ann = osp.join(honeybee_coco, 'annotations')
    test = load(osp.join(ann, 'honeybee_test.json'))
    full = load(osp.join(ann, 'honeybee_train_full.json'))
    test_names = {im['file_name'] for im in test['images']}
    full_names = {im['file_name'] for im in full['images']}
    assert len(test_names) == 30 and len(full_names) == 105
    assert not test_names & full_names
    assert len(test['annotations']) + len(full['annotations']) == 1614
    unl_full = load(osp.join(ann, 'honeybee_train_full_unlabeled.json'))
    assert len(unl_full['images']) == 80 and unl_full['annotations'] == []
    all_frames = set(os.listdir(osp.join(shared_data, 'honeybee', 'train')))
    assert {im['file_name'] for im in unl_full['images']} == all_frames - test_names - full_names
    for n in (25, 5):
        draws = []
        for d in range(5):
            s = load(osp.join(ann, f'honeybee_train{n}-d{d}.json'))
            u = load(osp.join(ann, f'honeybee_train{n}-d{d}_unlabeled.json'))
            names = {im['file_name'] for im in s['images']}
            unl = {im['file_name'] for im in u['images']}
            assert len(names) == n and names <= full_names
            # unlabeled: the 80 unlabeled frames + the 90 training frames left out, no labels
            assert len(unl) == 80 + 90 - n and u['annotations'] == []
            assert not unl & names and not unl & test_names
            draws.append(frozenset(names))
        assert len(set(draws)) == 5  # five different draws
    # validation: 15 frames drawn with seed 0 + 1 from the 105 training frames
    val = load(osp.join(ann, 'honeybee_val.json'))
    train = load(osp.join(ann, 'honeybee_train.json'))
    val_names = {im['file_name'] for im in val['images']}
    train_names = {im['file_name'] for im in train['images']}
    assert val_names == set(random.Random(1).sample(sorted(full_names), 15))
    assert train_names == full_names - val_names and len(train_names) == 90
    assert len(val['annotations']) + len(train['annotations']) == len(full['annotations'])
    unl_train = load(osp.join(ann, 'honeybee_train_unlabeled.json'))
    assert unl_train['images'] == unl_full['images']
    for n in (25, 5):
        for d in range(5):
            for suffix in ('', '_unlabeled'):
                s = load(osp.join(ann, f'honeybee_train{n}-d{d}{suffix}.json'))
                assert not {im['file_name'] for im in s['images']} & val_names
    # images are linked, not copied
    assert osp.islink(osp.join(honeybee_coco, 'images'))
    # the conversion is deterministic
    again = honeybee.make_splits(honeybee.load_published(
        osp.join(shared_data, 'honeybee', honeybee.ANNOTATION_FILE)), [], num_test=30, seed=0)
    assert {im['file_name'] for im in again['test']['images']} == test_names


def test_older_layout_pairs_and_spellings(tmp_path):
    # [x, y] pairs, names Torax/RAnt/LAnt in another order, bbox an 8-number polygon
    data = dict(
        images=[dict(id=1, file_name='a.jpg', width=100, height=80)],
        categories=[dict(id=1, name='bee', keypoints=['Head', 'Torax', 'Tail', 'LAnt', 'RAnt'])],
        annotations=[dict(id=7, image_id=1, bbox=[0, 0, 1, 0, 1, 1, 0, 1],
                          keypoints=[10, 20, 12, 30, 14, 50, 0, 0, 8, 12])])
    path = tmp_path / 'old.json'
    path.write_text(json.dumps(data))
    coco = honeybee.load_published(str(path))
    ann = coco['annotations'][0]
    # canonical order Tail, Head, Thorax, RAnt, LAnt; LAnt at (0, 0) is unlabeled
    assert ann['keypoints'] == [14, 50, 2, 10, 20, 2, 12, 30, 2, 8, 12, 2, 0, 0, 0]
    assert ann['bbox'] == [8, 12, 6, 38] and ann['num_keypoints'] == 4


@pytest.mark.parametrize('mutate,field', [
    (lambda d: d.pop('annotations'), 'annotations'),
    (lambda d: d['annotations'][1].update(keypoints=[1, 2, 3]), 'keypoints'),
    (lambda d: d['annotations'][1].update(image_id=999), 'image_id'),
    (lambda d: d['annotations'][1]['keypoints'].__setitem__(2, 5), 'keypoints'),
    (lambda d: d['categories'][0].update(keypoints=['a', 'b', 'c', 'd', 'e']), 'keypoints'),
    (lambda d: d['images'].append(dict(d['images'][0], width=1)), 'id'),
    # bad input that used to pass silently (issue 13, item 5)
    (lambda d: d['annotations'][1]['keypoints'].__setitem__(0, float('nan')), 'keypoints'),
    (lambda d: d['annotations'][1]['keypoints'].__setitem__(4, float('inf')), 'keypoints'),
    (lambda d: d.update(annotations=[]), 'annotations'),
    (lambda d: d.update(images=[]), 'images'),
    (lambda d: d['images'][0].update(width='wide'), 'width'),
    # an edited copy of a duplicated record (same id, other keypoints)
    (lambda d: d['annotations'].append(dict(d['annotations'][0],
                                            keypoints=[1, 2, 1] * 4 + [9, 9, 1])), 'id'),
])
def test_malformed_file_errors_name_file_record_field(tmp_path, mutate, field):
    data = dict(
        images=[dict(id=1, file_name='a.jpg', width=100, height=80)],
        categories=[dict(id=1, keypoints=['Tail', 'Head', 'Thorax', 'Rant', 'Lant'])],
        annotations=[dict(id=i, image_id=1, keypoints=[1, 2, 1] * 5) for i in (1, 2)])
    mutate(data)
    path = tmp_path / 'bad.json'
    path.write_text(json.dumps(data))
    with pytest.raises(honeybee.HoneybeeFormatError) as e:
        honeybee.load_published(str(path))
    msg = str(e.value)
    assert str(path) in msg and f'"{field}"' in msg


def test_never_overwrites_inputs(tmp_path, shared_data):
    with pytest.raises(ValueError, match='input folder'):
        honeybee.convert(osp.join(shared_data, 'honeybee'), osp.join(shared_data, 'honeybee'))
    # the frames folder it lists (and would link as out/images): never written into
    train = osp.join(shared_data, 'honeybee', 'train')
    listing = sorted(os.listdir(train))
    with pytest.raises(ValueError, match=f'it is the input folder {train}'):
        honeybee.convert(osp.join(shared_data, 'honeybee'), train)
    assert sorted(os.listdir(train)) == listing
    with pytest.raises(ValueError, match='it is the input file'):
        write_json({}, str(tmp_path / 'x.json'), [str(tmp_path / 'x.json')])


def test_rerun_keeps_outputs_and_refuses_edited_ones(tmp_path, shared_data, honeybee_coco):
    """A re-run writing the same splits succeeds; an edited (e.g. hand-labeled) split is not
    replaced without overwrite=True."""
    src = osp.join(shared_data, 'honeybee')
    out = tmp_path / 'bee'
    honeybee.convert(src, str(out))
    test = out / 'annotations' / 'honeybee_test.json'
    honeybee.convert(src, str(out))  # same content: nothing to do
    edited = json.load(open(test))
    edited['annotations'] = edited['annotations'][:3]
    test.write_text(json.dumps(edited))
    with pytest.raises(ValueError, match='honeybee_test.json: it exists with other content'):
        honeybee.convert(src, str(out))
    assert len(json.load(open(test))['annotations']) == 3
    honeybee.convert(src, str(out), overwrite=True)
    assert json.load(open(test)) == json.load(open(osp.join(honeybee_coco, 'annotations',
                                                            'honeybee_test.json')))


def test_download_checks_sha256(tmp_path, shared_data):
    src = osp.join(shared_data, 'honeybee')
    sums = honeybee.read_checksums()
    assert len(sums) == 216  # the annotation file and the 215 frames
    subset = {k: sums[k] for k in [honeybee.ANNOTATION_FILE, 'train/000001706210.jpg']}
    url = 'file://' + src
    dest = tmp_path / 'dl'
    honeybee.download(str(dest), url=url, checksums=subset)
    for rel, digest in subset.items():
        assert honeybee.sha256(str(dest / rel)) == digest
    # a file whose content differs from the record is refused and not kept
    bad = dict(subset)
    bad['train/000001706210.jpg'] = '0' * 64
    shutil.rmtree(dest)
    with pytest.raises(OSError, match='differs from the recorded'):
        honeybee.download(str(dest), url=url, checksums=bad)
    assert not (dest / 'train' / '000001706210.jpg').exists()
    with pytest.raises(OSError, match='failed'):
        honeybee.download(str(tmp_path / 'x'), url='file:///nonexistent', checksums=subset)


def test_points_outside_the_image_are_unlabeled_and_counted(tmp_path):
    data = dict(
        images=[dict(id=1, file_name='a.jpg', width=100, height=80)],
        categories=[dict(id=1, keypoints=['Tail', 'Head', 'Thorax', 'Rant', 'Lant'])],
        annotations=[dict(id=1, image_id=1, keypoints=[10, 20, 1, -500, 5, 1, 30, 1e12, 1,
                                                       99, 79, 1, 100, 10, 1]),
                     dict(id=1, image_id=1, keypoints=[10, 20, 1, -500, 5, 1, 30, 1e12, 1,
                                                       99, 79, 1, 100, 10, 1]),
                     dict(id=2, image_id=1, keypoints=[-1, -1, 1] * 5)])
    path = tmp_path / 'out.json'
    path.write_text(json.dumps(data))
    coco = honeybee.load_published(str(path))
    assert len(coco['annotations']) == 1
    # Head (-500, 5), Thorax (30, 1e12) and LAnt (x = width) are outside: v = 0
    assert coco['annotations'][0]['keypoints'] == [10, 20, 2, 0, 0, 0, 0, 0, 0, 99, 79, 2,
                                                   0, 0, 0]
    assert coco['info']['summary'] == dict(duplicate_annotations=1, points_outside_image=8,
                                           annotations_without_points=1)


def test_empty_and_truncated_frames_are_refused(tmp_path, shared_data):
    frame = osp.join(shared_data, 'honeybee', 'train', '000001706210.jpg')
    honeybee.check_jpeg(frame)
    data = open(frame, 'rb').read()
    for name, content in (('empty.jpg', b''), ('cut.jpg', data[:len(data) // 2])):
        (tmp_path / name).write_bytes(content)
        with pytest.raises(honeybee.HoneybeeFormatError, match=f'{name}: not a complete JPEG'):
            honeybee.check_jpeg(str(tmp_path / name))
