import numpy as np

from mmpose.registry import DATASETS

import projects.core  # noqa: F401


def test_honeybee_dataset_bottomup(honeybee_coco):
    ds = DATASETS.build(dict(type='HoneybeeDataset', data_root=honeybee_coco,
                             ann_file='annotations/honeybee_test.json', data_mode='bottomup',
                             data_prefix=dict(img='images/'), test_mode=True, pipeline=[]))
    assert len(ds) == 30
    meta = ds.metainfo
    assert meta['num_keypoints'] == 5
    assert meta['keypoint_id2name'][3] == 'RAnt' and meta['flip_indices'] == [0, 1, 2, 4, 3]
    info = ds[0]
    k = info['keypoints']
    assert k.ndim == 3 and k.shape[1:] == (5, 2) and k.shape[0] >= 3
    assert info['img_path'].endswith('.jpg')
    assert np.all(info['keypoints_visible'] <= 1)


def test_fly_and_mouse_pup_metainfo():
    from mmpose.datasets.datasets.utils import parse_pose_metainfo

    from projects.core.datasets import SleapFlyDataset, MousePupDataset
    fly = parse_pose_metainfo(SleapFlyDataset.METAINFO)
    assert fly['num_keypoints'] == 13
    # head, thorax, abdomen stay; wingL<->wingR, legs L4<->R4, eyeL<->eyeR swap
    assert fly['flip_indices'] == [0, 1, 2, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11]
    assert len(fly['skeleton_links']) == 12
    pup = parse_pose_metainfo(MousePupDataset.METAINFO)
    assert pup['num_keypoints'] == 3 and pup['flip_indices'] == [0, 1, 2]


def test_training_json_errors_name_file_and_record(honeybee_coco, tmp_path):
    import json
    import math

    import pytest
    src = json.load(open(f'{honeybee_coco}/annotations/honeybee_test.json'))

    def build(data, test_mode=False):
        path = tmp_path / 'bad.json'
        path.write_text(json.dumps(data))
        return DATASETS.build(dict(type='HoneybeeDataset', data_root=honeybee_coco,
                                   ann_file=str(path), data_mode='bottomup',
                                   data_prefix=dict(img='images/'), test_mode=test_mode,
                                   pipeline=[]))

    bad = json.loads(json.dumps(src))
    bad['annotations'][3]['keypoints'] = bad['annotations'][3]['keypoints'][:12]
    aid = bad['annotations'][3]['id']
    with pytest.raises(ValueError, match=rf'bad.json: annotation id {aid}: field "keypoints": '
                                         r'expected 15 numbers .* got 12'):
        build(bad)
    nan = json.loads(json.dumps(src))
    nan['annotations'][0]['keypoints'][0] = math.nan
    with pytest.raises(ValueError, match='NaN or infinite'):
        build(nan)
    empty = dict(src, annotations=[])
    with pytest.raises(ValueError, match='bad.json: no annotated instance'):
        build(empty)
    assert len(build(empty, test_mode=True)) == 30  # a test list without labels is fine


def test_duplicated_ids_paths_outside_and_far_coordinates_are_refused(honeybee_coco,
                                                                       tmp_path):
    """Each case trained silently before: one frame's labels on another frame's pixels, a
    file read from outside data_root, a coordinate of 1e12."""
    import json

    import pytest
    src = json.load(open(f'{honeybee_coco}/annotations/honeybee_test.json'))

    def build(data, **kw):
        path = tmp_path / 'bad.json'
        path.write_text(json.dumps(data))
        return DATASETS.build(dict(type='HoneybeeDataset', data_root=honeybee_coco,
                                   ann_file=str(path), data_mode='bottomup',
                                   data_prefix=dict(img='images/'), pipeline=[], **kw))

    assert len(build(src)) == 30
    dup = json.loads(json.dumps(src))
    dup['images'][4]['id'] = dup['images'][3]['id']
    with pytest.raises(ValueError, match=rf'bad.json: field "images": id '
                                         rf'{src["images"][3]["id"]} appears twice'):
        build(dup)
    dup = json.loads(json.dumps(src))
    dup['annotations'][7]['id'] = dup['annotations'][2]['id']
    with pytest.raises(ValueError, match='field "annotations": id .* appears twice'):
        build(dup)
    for name in ('../../../etc/hostname', '/etc/hostname'):
        out = json.loads(json.dumps(src))
        out['images'][0]['file_name'] = name
        with pytest.raises(ValueError, match=r'field "file_name" .* outside data_root .*'
                                             'allow_outside_data_root=True'):
            build(out)
    assert len(build(out, allow_outside_data_root=True)) == 30
    far = json.loads(json.dumps(src))
    far['annotations'][0]['keypoints'][0] = 1e12
    with pytest.raises(ValueError, match='more than one image size outside its 2560x1440'):
        build(far)
    # a point just outside the frame (an animal at the border) is kept
    near = json.loads(json.dumps(src))
    near['annotations'][0]['keypoints'][0] = -20.0
    assert len(build(near)) == 30
