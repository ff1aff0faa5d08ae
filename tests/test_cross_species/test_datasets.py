"""The MPII subset draw and the whole-image transform, on MMPose's real MPII sample."""
import json
import os.path as osp

import numpy as np
import pytest
from mmcv.transforms import Compose

import projects.cross_species  # noqa: F401
from projects.cross_species import draw_mpii_subset
from projects.cross_species.datasets.mpii_subset import load_mpii


def test_mpii_subset_is_disjoint_and_seeded(tmp_path, shared_data):
    src = osp.join(shared_data, 'mmpose_samples', 'mpii', 'test_mpii.json')
    a = draw_mpii_subset(src, str(tmp_path / 'a'), num=3, seed=0, val_fraction=0.34)
    b = draw_mpii_subset(src, str(tmp_path / 'b'), num=3, seed=0, val_fraction=0.34)
    sets = {k: [e['image'] for e in json.load(open(v))] for k, v in a.items()}
    assert (len(sets['train']), len(sets['val']), len(sets['test'])) == (2, 1, 2)
    assert not (set(sets['train']) | set(sets['val'])) & set(sets['test'])
    assert sets == {k: [e['image'] for e in json.load(open(v))] for k, v in b.items()}
    # the Benchmark trains on every image of the source file but the test images
    everything = {e['image'] for e in json.load(open(src))}
    assert not set(sets['benchmark_train']) & set(sets['test'])
    assert set(sets['benchmark_train']) == everything - set(sets['test'])
    assert set(sets['train']) | set(sets['val']) <= set(sets['benchmark_train'])
    with pytest.raises(ValueError, match='5 single-person images, 6 requested'):
        draw_mpii_subset(src, str(tmp_path / 'c'), num=6)


def test_mpii_format_errors_name_file_entry_field(tmp_path):
    bad = tmp_path / 'bad.json'
    bad.write_text(json.dumps([{'image': 'x.jpg', 'joints': [[0, 0]] * 16, 'joints_vis': [1] * 16,
                                'center': [1, 1]}]))
    with pytest.raises(ValueError, match=r'bad.json: entry 0: fields \[.scale.\] are missing'):
        load_mpii(str(bad))


def test_whole_image_setting_keeps_the_aspect(shared_data):
    img_dir = osp.join(shared_data, 'mmpose_samples', 'mpii')
    pipeline = Compose([
        dict(type='LoadImage'), dict(type='WholeImageBBox'),
        dict(type='GetBBoxCenterScale', padding=1.0),
        dict(type='TopdownAffine', input_size=(640, 480))])
    # a sample as MpiiDataset makes it: the person box also as bbox_center / bbox_scale,
    # which GetBBoxCenterScale would prefer
    res = pipeline(dict(img_path=osp.join(img_dir, '005808361.jpg'),
                        bbox=np.array([[10, 10, 50, 50]], np.float32),
                        bbox_center=np.array([[30, 30]], np.float32),
                        bbox_scale=np.array([[40, 40]], np.float32),
                        bbox_score=np.ones(1, np.float32)))
    h, w = res['ori_shape']
    np.testing.assert_allclose(res['bbox_center'][0], [w / 2, h / 2])
    # the box became the whole image, enlarged to 640:480 on one side only (aspect kept)
    sw, sh = res['bbox_scale'][0]
    assert sw / sh == pytest.approx(640 / 480)
    assert (sw == pytest.approx(w) and sh >= h - 1e-3) or (sh == pytest.approx(h) and sw >= w)
    assert res['img'].shape[:2] == (480, 640)


def test_whole_image_through_mpii_dataset(shared_data):
    """Through MMPose's real MpiiDataset, whose samples carry MPII's person box as
    bbox_center / bbox_scale: the whole image must be used, not the person."""
    from mmpose.datasets import MpiiDataset
    img_dir = osp.join(shared_data, 'mmpose_samples', 'mpii')
    ds = MpiiDataset(ann_file=osp.join(img_dir, 'test_mpii.json'), data_root=img_dir,
                     data_prefix=dict(img=''), pipeline=[
                         dict(type='LoadImage'), dict(type='WholeImageBBox'),
                         dict(type='GetBBoxCenterScale', padding=1.0)])
    sizes = []
    for i in range(len(ds)):
        assert 'bbox_center' in ds.get_data_info(i)  # the person box MMPose provides
        res = ds[i]
        h, w = res['ori_shape']
        sizes.append((w, h))
        np.testing.assert_allclose(res['bbox_center'][0], [w / 2, h / 2])
        np.testing.assert_allclose(res['bbox_scale'][0], [w, h])
    assert (1280, 720) in sizes  # the image whose person box was used before
