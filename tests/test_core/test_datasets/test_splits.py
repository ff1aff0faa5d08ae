"""Split drawing shared by the converters, and the fly protocol splits of the real SLEAP clip."""
import json
import os.path as osp
import random

import pytest

from projects.core.datasets.converters import sleap, splits


def _coco(n):
    images = [dict(id=i, file_name=f'f{i:02d}.png') for i in range(n)]
    anns = [dict(id=10 + i, image_id=i, keypoints=[1, 2, 2]) for i in range(n)]
    return dict(info={}, images=images, annotations=anns, categories=[dict(id=1)])


def test_draw_splits_by_hand():
    coco = _coco(10)
    test = ['f08.png', 'f09.png']
    pool = [f'f{i:02d}.png' for i in range(8)]
    extra = [dict(id=99, file_name='u.png')]
    out = splits.draw_splits(coco, test, pool, sizes=[3], num_draws=2, seed=7,
                             extra_unlabeled=extra)
    assert sorted(out) == ['test', 'train3-d0', 'train3-d0_unlabeled', 'train3-d1',
                           'train3-d1_unlabeled', 'train_full', 'train_full_unlabeled']
    assert [im['file_name'] for im in out['test']['images']] == test
    assert [a['image_id'] for a in out['test']['annotations']] == [8, 9]
    for d in range(2):
        # the documented seed rule, recomputed here
        picked = sorted(random.Random(7 + 1000 * 3 + d).sample(sorted(pool), 3))
        got = out[f'train3-d{d}']
        assert [im['file_name'] for im in got['images']] == picked
        assert len(got['annotations']) == 3
        unl = out[f'train3-d{d}_unlabeled']
        # the 5 pool frames not drawn (no labels) plus the extra frame; never a test frame
        assert [im['file_name'] for im in unl['images']] == \
            [p for p in pool if p not in picked] + ['u.png']
        assert unl['annotations'] == []
    assert out['train_full_unlabeled']['images'] == extra
    assert coco == _coco(10)  # the input is not modified


def test_draw_splits_with_validation_frames():
    coco = _coco(10)
    test = ['f08.png', 'f09.png']
    pool = [f'f{i:02d}.png' for i in range(8)]
    val = ['f01.png', 'f05.png']
    extra = [dict(id=99, file_name='u.png')]
    out = splits.draw_splits(coco, test, pool, sizes=[3], num_draws=2, seed=7,
                             extra_unlabeled=extra, val=val)
    names = {k: [im['file_name'] for im in v['images']] for k, v in out.items()}
    train = ['f00.png', 'f02.png', 'f03.png', 'f04.png', 'f06.png', 'f07.png']
    assert names['val'] == val and names['train'] == train
    assert names['train_full'] == pool  # train + val, for the final retraining
    assert names['train_unlabeled'] == ['u.png'] and out['train_unlabeled']['annotations'] == []
    assert [a['image_id'] for a in out['val']['annotations']] == [1, 5]
    for d in range(2):
        # small draws come from the 6 training frames, never from val
        picked = sorted(random.Random(7 + 1000 * 3 + d).sample(train, 3))
        assert names[f'train3-d{d}'] == picked
        assert names[f'train3-d{d}_unlabeled'] == [t for t in train if t not in picked] + \
            ['u.png']
    for k, v in names.items():
        if k not in ('val', 'train_full'):
            assert not set(v) & set(val), k
    with pytest.raises(ValueError, match='not training frames'):
        splits.draw_splits(coco, test, pool, [1], val=['f08.png'])
    with pytest.raises(ValueError, match='no training frame'):
        splits.draw_splits(coco, test, pool, [1], val=pool)
    with pytest.raises(ValueError, match='exceed the 6 training'):
        splits.draw_splits(coco, test, pool, [7], val=val)


def test_draw_splits_errors():
    coco = _coco(4)
    with pytest.raises(ValueError, match='overlap'):
        splits.draw_splits(coco, ['f00.png'], ['f00.png', 'f01.png'], [1])
    with pytest.raises(ValueError, match='missing'):
        splits.draw_splits(coco, ['f00.png'], ['zz.png'], [1])
    with pytest.raises(ValueError, match='exceed'):
        splits.draw_splits(coco, ['f00.png'], ['f01.png'], [2])


def test_random_draws_disjoint_seeded_reproducible():
    pool = list(range(100))
    draws = splits.random_draws(pool, 40, 40, 20, num_draws=3, seed=5)
    for d, (lab, unl, test) in enumerate(draws):
        assert (len(lab), len(unl), len(test)) == (40, 40, 20)
        assert not (set(lab) & set(unl)) and not (set(lab) & set(test)) and \
            not (set(unl) & set(test))
        # the documented rule, recomputed
        picked = random.Random(5 + d).sample(pool, 100)
        assert lab == sorted(picked[:40]) and test == sorted(picked[80:])
    assert draws[0] != draws[1]
    # reproducible, and a draw does not change when more draws are asked for
    assert splits.random_draws(pool, 40, 40, 20, num_draws=1, seed=5)[0] == draws[0]
    with pytest.raises(ValueError, match='requested from 100'):
        splits.random_draws(pool, 40, 40, 21)


def test_fly_random_splits_on_real_clip(tmp_path, shared_data):
    slp = osp.join(shared_data, 'fly', 'clip.slp')
    written = sleap.convert_slp_random(slp, str(tmp_path), 3, 2, 2, num_draws=2, seed=1,
                                       frames=range(0, 1500, 10))
    pool = list(range(0, 1500, 10))
    for d in range(2):
        lab, unl, test = (json.load(open(written[f'rand3-d{d}{s}']))
                          for s in ('', '_unlabeled', '_test'))
        want = splits.random_draws(pool, 3, 2, 2, num_draws=2, seed=1)[d]
        assert [[im['frame_idx'] for im in x['images']] for x in (lab, unl, test)] == \
            [list(w) for w in want]
        assert len(lab['annotations']) == 6 and len(test['annotations']) == 4
        assert unl['annotations'] == []
        for im in lab['images'] + unl['images'] + test['images']:
            assert osp.isfile(tmp_path / 'images' / im['file_name'])
    # a second run writes the same files (nothing to overwrite)
    again = sleap.convert_slp_random(slp, str(tmp_path), 3, 2, 2, num_draws=2, seed=1,
                                     frames=range(0, 1500, 10))
    assert again == written


def test_fly_protocol_splits_on_real_clip(tmp_path, shared_data):
    slp = osp.join(shared_data, 'fly', 'clip.slp')
    written = sleap.convert_slp_protocol(slp, str(tmp_path), test_frames=range(1200, 1230, 10),
                                         pool_frames=range(0, 50, 10), sizes=[2], num_draws=2)
    assert osp.basename(written['test']) == 'fly_test.json'
    test = json.load(open(written['test']))
    assert [im['frame_idx'] for im in test['images']] == [1200, 1210, 1220]
    assert len(test['annotations']) == 6  # two flies per frame in clip.slp
    d0 = json.load(open(written['train2-d0']))
    unl = json.load(open(written['train2-d0_unlabeled']))
    drawn = {im['frame_idx'] for im in d0['images']}
    assert len(drawn) == 2 and drawn <= {0, 10, 20, 30, 40}
    assert {im['frame_idx'] for im in unl['images']} == {0, 10, 20, 30, 40} - drawn
    assert unl['annotations'] == []
    for im in test['images'] + unl['images']:
        assert osp.isfile(tmp_path / 'images' / im['file_name'])
    with pytest.raises(ValueError, match='overlap'):
        sleap.convert_slp_protocol(slp, str(tmp_path / 'x'), [10], [10, 20])

def test_fly_protocol_validation_frames_on_real_clip(tmp_path, shared_data):
    slp = osp.join(shared_data, 'fly', 'clip.slp')
    kw = dict(test_frames=range(1200, 1220, 10), pool_frames=range(0, 40, 10), sizes=[2],
              num_draws=1)
    plain = sleap.convert_slp_protocol(slp, str(tmp_path / 'a'), **kw)
    written = sleap.convert_slp_protocol(slp, str(tmp_path / 'b'), val_frames=[1100, 1110],
                                         **kw)

    def frames(path):
        return [im['frame_idx'] for im in json.load(open(path))['images']]

    assert frames(written['val']) == [1100, 1110]
    assert frames(written['train']) == [0, 10, 20, 30]
    assert frames(written['train_full']) == [0, 10, 20, 30, 1100, 1110]
    assert len(json.load(open(written['val']))['annotations']) == 4  # two flies per frame
    # the draws from the pool are those made without validation frames
    assert frames(written['train2-d0']) == frames(plain['train2-d0'])
    assert frames(written['train2-d0_unlabeled']) == frames(plain['train2-d0_unlabeled'])
    for what, val in (('validation and training', [10]), ('test and validation', [1200])):
        with pytest.raises(ValueError, match=what):
            sleap.convert_slp_protocol(slp, str(tmp_path / 'c'), val_frames=val, **kw)
    assert not osp.exists(tmp_path / 'c')  # refused before any frame is written

