"""The keypoint-mapping facility: by name, derived keypoints, missing ones, MMPose's converter."""
import numpy as np
import pytest
from mmpose.datasets.transforms import KeypointConverter

from projects.core.keypoints import KeypointMapping, build_mapping, keypoint_names

MPII = ['right_ankle', 'right_knee', 'right_hip', 'left_hip', 'left_knee', 'left_ankle',
        'pelvis', 'thorax', 'upper_neck', 'head_top', 'right_wrist', 'right_elbow',
        'right_shoulder', 'left_shoulder', 'left_elbow', 'left_wrist']
COCO17 = ['nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear', 'left_shoulder',
          'right_shoulder', 'left_elbow', 'right_elbow', 'left_wrist', 'right_wrist', 'left_hip',
          'right_hip', 'left_knee', 'right_knee', 'left_ankle', 'right_ankle']


def test_definitions_from_mmpose_and_this_repository():
    assert keypoint_names('mpii') == MPII
    assert keypoint_names('macaque') == COCO17
    assert keypoint_names('honeybee') == ['Tail', 'Head', 'Thorax', 'RAnt', 'LAnt']
    assert keypoint_names('fly')[:3] == ['head', 'thorax', 'abdomen']
    with pytest.raises(FileNotFoundError, match='no dataset-info'):
        keypoint_names('no_such_animal')


def test_macaque_to_mpii_by_hand():
    m = build_mapping('macaque_to_mpii')
    kp = np.zeros((1, 17, 2))
    vis = np.ones((1, 17))
    kp[0, COCO17.index('left_hip')] = [10, 20]
    kp[0, COCO17.index('right_hip')] = [30, 40]
    kp[0, COCO17.index('left_shoulder')] = [0, 0]
    kp[0, COCO17.index('right_shoulder')] = [8, 2]
    kp[0, COCO17.index('right_wrist')] = [5, 7]
    vis[0, COCO17.index('right_shoulder')] = 0.25
    out, score = m.apply(kp, vis)
    assert out.shape == (1, 16, 2) and score.shape == (1, 16)
    assert out[0, MPII.index('pelvis')].tolist() == [20, 30]  # mean of the hips
    assert out[0, MPII.index('thorax')].tolist() == [4, 1]  # mean of the shoulders
    assert score[0, MPII.index('thorax')] == 0.25  # as visible as the weaker shoulder
    assert out[0, MPII.index('right_wrist')].tolist() == [5, 7]
    assert out[0, MPII.index('right_hip')].tolist() == [30, 40]
    # MPII's head_top and upper_neck have no macaque counterpart
    assert np.flatnonzero(~m.valid).tolist() == [MPII.index('upper_neck'), MPII.index('head_top')]
    assert score[0, ~m.valid].tolist() == [0, 0] and not out[0, ~m.valid].any()
    assert len(m.one_to_one()) == 12


def test_fly_to_honeybee():
    m = build_mapping('fly_to_honeybee')
    assert m.one_to_one() == {0: 2, 1: 0, 2: 1}  # Tail<-abdomen, Head<-head, Thorax<-thorax
    assert m.valid.tolist() == [True, True, True, False, False]


def test_matches_mmpose_keypoint_converter():
    m = build_mapping('macaque_to_mpii')
    rng = np.random.default_rng(0)
    kp = rng.uniform(0, 100, (3, 17, 2))
    vis = (rng.uniform(size=(3, 17)) > 0.3).astype(float)
    ours, ours_vis = m.apply(kp, vis)
    res = KeypointConverter(num_keypoints=16, mapping=m.converter_mapping())(
        dict(keypoints=kp.copy(), keypoints_visible=vis.copy()))
    np.testing.assert_allclose(res['keypoints'], ours)
    # MMPose multiplies 0/1 visibilities; the minimum is the same for 0/1 flags
    np.testing.assert_allclose(res['keypoints_visible'][..., 0] if res['keypoints_visible'].ndim == 3
                               else res['keypoints_visible'], ours_vis)


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match=r"\['upper_neck', 'head_top'\]"):
        KeypointMapping('macaque', 'mpii', {'pelvis': ('mean', ['left_hip', 'right_hip']),
                                            'thorax': ('mean', ['left_shoulder',
                                                                'right_shoulder'])})
    with pytest.raises(ValueError, match='not in'):
        KeypointMapping(['a', 'b'], ['a', 'c'], {'c': 'zz'})
    with pytest.raises(ValueError, match='must be'):
        KeypointMapping(['a', 'b'], ['a', 'c'], {'c': ('max', ['a'])})
    with pytest.raises(ValueError, match='expected'):
        KeypointMapping(['a', 'b'], ['a']).apply(np.zeros((1, 3, 2)))
    with pytest.raises(KeyError, match='unknown keypoint mapping'):
        build_mapping('cow_to_horse')


def test_mini_rgbd_to_mpii_is_the_authors_correspondence():
    # the authors' index list (MPII order -> SMIL index), written out independently
    authors = [8, 5, 2, 1, 4, 7, 0, 9, 12, 24, 21, 19, 17, 16, 18, 20]
    m = build_mapping('mini_rgbd_to_mpii')
    assert len(keypoint_names('mini_rgbd')) == 25 and m.valid.all()
    assert [m.one_to_one()[t] for t in range(16)] == authors
    kp = np.arange(25 * 3, dtype=float).reshape(1, 25, 3)  # 3D joints map the same way
    out, _ = m.apply(kp)
    np.testing.assert_array_equal(out[0], kp[0, authors])
