"""MINI-RGBD on files written in its published layout; MPI-INF-3DHP and Human3.6M from
MMPose's real samples; their mappings to MPII-16."""
import os.path as osp
import pickle

import numpy as np
import pytest

from projects.core.keypoints.mapping import build_mapping, keypoint_names
from projects.infant3d.datasets import (HEAD_SIZE_2D, HEAD_SIZE_3D, MappedMocapDataset,
                                        MiniRGBDDataset, MpiInf3dhpDataset, mask_box)
from tests.helpers.mini_rgbd import write_mini_rgbd

#: MINI-RGBD (SMIL) index of every MPII-16 joint, from the authors' code
SMIL_FOR_MPII = [8, 5, 2, 1, 4, 7, 0, 9, 12, 24, 21, 19, 17, 16, 18, 20]


@pytest.fixture(scope='module')
def mini_rgbd(tmp_path_factory):
    root = tmp_path_factory.mktemp('mini_rgbd')
    return str(root), write_mini_rgbd(str(root))


def test_mini_rgbd_reads_layout_maps_joints_and_boxes(mini_rgbd):
    root, gt = mini_rgbd
    ds = MiniRGBDDataset(data_root=root, sequences='test')
    assert len(ds) == 4  # sequences 11, 12 x 2 frames
    s = ds[2]  # sequence 12, frame 0
    assert s['img_path'] == osp.join(root, '12', 'rgb', 'syn_00000.png')
    np.testing.assert_allclose(s['keypoints'][0], gt[12]['j2d'][0][SMIL_FOR_MPII], atol=1e-3)
    np.testing.assert_allclose(s['lifting_target'][0], gt[12]['j3d'][0][SMIL_FOR_MPII],
                               atol=1e-5)
    x1, y1, x2, y2 = gt[12]['mask_box'][0]
    np.testing.assert_allclose(s['bbox'][0], [x1 - 5, y1 - 5, x2 + 5, y2 + 5])
    assert s['head_size'][0] == pytest.approx(HEAD_SIZE_2D[11])
    assert s['head_size_3d'] == pytest.approx(HEAD_SIZE_3D[11])
    assert ds.metainfo['dataset_name'] == 'mpii'
    assert [len(MiniRGBDDataset(data_root=root, sequences=k)) for k in ('train', 'val')] == [16, 4]


def test_mask_box_margin_and_clipping():
    m = np.zeros((10, 20), bool)
    m[2:5, 1:18] = True
    np.testing.assert_allclose(mask_box(m, 5), [0, 0, 19, 9])
    np.testing.assert_allclose(mask_box(m, 1), [0, 1, 18, 5])
    with pytest.raises(ValueError, match='empty'):
        mask_box(np.zeros((4, 4), bool))


def test_mini_rgbd_bad_files_are_named(mini_rgbd, tmp_path):
    root, _ = mini_rgbd
    import shutil
    bad = tmp_path / 'bad'
    shutil.copytree(osp.join(root, '11'), bad / '11')
    joints = bad / '11' / 'joints_3D' / 'syn_joints_3D_00001.txt'
    joints.write_text('\n'.join(joints.read_text().splitlines()[:20]))
    with pytest.raises(ValueError, match='syn_joints_3D_00001.txt.*expected \\(25, 3\\)'):
        MiniRGBDDataset(data_root=str(bad), sequences=[11])
    with pytest.raises(FileNotFoundError, match='12/rgb'):
        MiniRGBDDataset(data_root=str(bad), sequences=[12])


def test_mini_rgbd_lifter_input_from_predictions(mini_rgbd, tmp_path):
    import json
    root, gt = mini_rgbd
    frames = []
    for seq in (11, 12):
        for i in range(2):
            frames.append(dict(image=f'/somewhere/{seq:02d}/rgb/syn_{i:05d}.png',
                               bbox=[1, 2, 300, 400], keypoints_2d=np.full((16, 2), seq + i)
                               .tolist()))
    pred = tmp_path / 'pred.json'
    pred.write_text(json.dumps(dict(frames=frames)))
    ds = MiniRGBDDataset(data_root=root, sequences='test', keypoints_2d_file=str(pred))
    s = ds[3]
    assert np.all(s['keypoints'] == 13)
    np.testing.assert_allclose(s['bbox'][0], [1, 2, 300, 400])
    # the 3D target stays the ground truth
    np.testing.assert_allclose(s['lifting_target'][0], gt[12]['j3d'][1][SMIL_FOR_MPII],
                               atol=1e-5)
    # boxes only (the 2D stage on detector crops): ground-truth keypoints stay
    ds = MiniRGBDDataset(data_root=root, sequences='test', boxes_file=[str(pred)])
    np.testing.assert_allclose(ds[3]['bbox'][0], [1, 2, 300, 400])
    np.testing.assert_allclose(ds[3]['keypoints'][0], gt[12]['j2d'][1][SMIL_FOR_MPII],
                               atol=1e-3)
    pred.write_text(json.dumps(dict(frames=frames[:3])))
    with pytest.raises(ValueError, match='no keypoints_2d for 1 frames'):
        MiniRGBDDataset(data_root=root, sequences='test', keypoints_2d_file=str(pred))


class _Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, 'w'))


def test_prediction_files_are_read_as_json_only(mini_rgbd, tmp_path):
    """A .pkl given as keypoints_2d_file / boxes_file is refused and never unpickled."""
    root, _ = mini_rgbd
    marker = tmp_path / 'marker'
    pkl = tmp_path / 'preds.pkl'
    pkl.write_bytes(pickle.dumps(dict(frames=[_Payload(str(marker))])))
    for key in ('keypoints_2d_file', 'boxes_file'):
        with pytest.raises(ValueError, match=f'{key} .*preds.pkl is not a JSON file'):
            MiniRGBDDataset(data_root=root, sequences='test', **{key: str(pkl)})
    assert not marker.exists()
    bad = tmp_path / 'list.json'
    bad.write_text('[1, 2]')
    with pytest.raises(ValueError, match='"frames" list'):
        MiniRGBDDataset(data_root=root, sequences='test', boxes_file=str(bad))


def test_camera_file_with_code_is_refused(shared_data, tmp_path):
    import shutil
    src = osp.join(shared_data, 'mmpose_samples', 'mpi_inf_3dhp')
    shutil.copy(osp.join(src, 'test_3dhp_test.npz'), tmp_path)
    cams = pickle.load(open(osp.join(src, 'cameras_test.pkl'), 'rb'))
    marker = tmp_path / 'marker'
    cams['TS1']['extra'] = _Payload(str(marker))
    (tmp_path / 'cameras_test.pkl').write_bytes(pickle.dumps(cams))
    with pytest.raises(ValueError, match='cameras_test.pkl: refused'):
        MpiInf3dhpDataset(ann_file='test_3dhp_test.npz', data_root=str(tmp_path),
                          camera_param_file='cameras_test.pkl')
    assert not marker.exists()


def test_mpi_inf_3dhp_samples_project_through_their_cameras(shared_data):
    root = osp.join(shared_data, 'mmpose_samples', 'mpi_inf_3dhp')
    for split in ('train', 'test'):
        ds = MpiInf3dhpDataset(ann_file=f'test_3dhp_{split}.npz', data_root=root,
                               camera_param_file=f'cameras_{split}.pkl')
        assert len(ds) == 2 and ds.metainfo['num_keypoints'] == 17
        for i in range(2):
            s = ds[i]
            cam = s['camera_param']
            xyz = s['keypoints_3d'][0]
            uv = xyz[:, :2] / xyz[:, 2:] * cam['f'].ravel() + cam['c'].ravel()
            # the 3D joints are camera-frame metres: they reproject onto the 2D joints
            assert np.abs(uv - s['keypoints'][0]).max() < 2.5
            assert osp.isfile(s['img_path'])
    # camera keys: S4_Seq2_Cam0_001033.jpg -> S4_Seq2_Cam0, TS1_002001.jpg -> TS1
    assert ds._camera_key('TS1_002001.jpg') == 'TS1'
    assert ds._camera_key('S4_Seq2_Cam0_001033.jpg') == 'S4_Seq2_Cam0'
    cams = pickle.load(open(osp.join(root, 'cameras_test.pkl'), 'rb'))
    np.testing.assert_allclose(ds.get_camera_param('TS2_001850.jpg')['f'], cams['TS2']['f'])


def test_mpi_inf_3dhp_mapped_to_mpii(shared_data):
    root = osp.join(shared_data, 'mmpose_samples', 'mpi_inf_3dhp')
    raw = np.load(osp.join(root, 'test_3dhp_test.npz'))
    ds = MpiInf3dhpDataset(ann_file='test_3dhp_test.npz', data_root=root,
                           metainfo=dict(from_file='configs/_base_/datasets/mpii.py'),
                           mapping='mpi_inf_3dhp_to_mpii')
    s = ds[0]
    assert s['keypoints'].shape == (1, 16, 2)
    src = keypoint_names('mpi_inf_3dhp')
    # Ellershaw et al.'s head joints: upper_neck <- neck, head_top <- head (thorax <- spine4,
    # absent from the 17 joints: the shoulders' midpoint)
    for mpii, name3dhp in (('pelvis', 'root'), ('upper_neck', 'neck'), ('head_top', 'head'),
                           ('left_wrist', 'left_wrist')):
        t = keypoint_names('mpii').index(mpii)
        np.testing.assert_allclose(s['lifting_target'][0, t], raw['S'][0, src.index(name3dhp), :3],
                                   atol=1e-5)
    sh = (raw['S'][0, src.index('left_shoulder'), :3] +
          raw['S'][0, src.index('right_shoulder'), :3]) / 2
    np.testing.assert_allclose(s['lifting_target'][0, keypoint_names('mpii').index('thorax')], sh,
                               atol=1e-5)
    # box: square of side scale * 200 around the centre (MMPose's convention)
    c, sc = raw['center'][0], raw['scale'][0]
    np.testing.assert_allclose(s['bbox'][0], [*(c - sc * 100), *(c + sc * 100)], rtol=1e-5)
    with pytest.raises(ValueError, match='16 joints|17 joints'):
        MpiInf3dhpDataset(ann_file='test_3dhp_test.npz', data_root=root,
                          metainfo=dict(from_file='configs/_base_/datasets/mpii.py'))


def test_human36m_mapped_to_mpii(shared_data):
    root = osp.join(shared_data, 'mmpose_samples', 'h36m')
    raw = np.load(osp.join(root, 'test_h36m_body3d.npz'))
    ds = MappedMocapDataset(ann_file='test_h36m_body3d.npz', data_root=root,
                            metainfo=dict(from_file='configs/_base_/datasets/mpii.py'),
                            mapping='h36m_to_mpii')
    assert len(ds) == 4
    s = ds[1]
    h36m, mpii = keypoint_names('h36m'), keypoint_names('mpii')
    for t, src in (('pelvis', 'root'), ('right_ankle', 'right_foot'), ('thorax', 'thorax'),
                   ('upper_neck', 'neck_base'), ('head_top', 'head')):
        np.testing.assert_allclose(s['keypoints'][0, mpii.index(t)],
                                   raw['part'][1, h36m.index(src), :2], atol=1e-4)
    assert osp.isfile(s['img_path'])


def test_mappings_match_mmpose_keypoint_converter():
    from mmpose.datasets.transforms import KeypointConverter
    rng = np.random.default_rng(0)
    for name, k_src in (('mpi_inf_3dhp_to_mpii', 17), ('h36m_to_mpii', 17),
                        ('mini_rgbd_to_mpii', 25)):
        m = build_mapping(name)
        assert m.num_target == 16 and all(len(s) in (1, 2) for s in m.sources)
        kp = rng.uniform(0, 100, (1, k_src, 2))
        ours, _ = m.apply(kp)
        conv = KeypointConverter(num_keypoints=16, mapping=m.converter_mapping())
        out = conv.transform(dict(keypoints=kp.astype(np.float32),
                                  keypoints_visible=np.ones((1, k_src), np.float32)))
        np.testing.assert_allclose(out['keypoints'], ours, atol=1e-4)
    assert [s[0] for s in build_mapping('mini_rgbd_to_mpii').sources] == SMIL_FOR_MPII


def test_normalize_keypoints_to_box_by_hand():
    from projects.infant3d.datasets import NormalizeKeypointsToBox
    t = NormalizeKeypointsToBox()
    # box centre (60, 45), longer side 100: half-side 50 is the unit
    out = t(dict(keypoints=np.array([[[110., 45.], [60., 95.], [35., 20.]]]),
                 bbox=np.array([[10., 20., 110., 70.]])))
    np.testing.assert_allclose(out['keypoints'][0], [[1, 0], [0, 1], [-0.5, -0.5]])
    np.testing.assert_allclose(out['keypoints_box_center'], [[60, 45]])
    with pytest.raises(KeyError, match='bbox'):
        t(dict(keypoints=np.zeros((1, 2, 2))))
    with pytest.raises(ValueError, match='degenerate'):
        t(dict(keypoints=np.zeros((1, 2, 2)), bbox=np.array([[5., 5., 5., 5.]])))


def test_mpi_inf_3dhp_feeds_mmpose_top_down_pipeline(shared_data):
    """The 2D use of MPI-INF-3DHP: MMPose's top-down pipeline on a real frame."""
    codec = dict(type='MSRAHeatmap', input_size=(256, 256), heatmap_size=(64, 64), sigma=2)
    pipeline = [dict(type='LoadImage'), dict(type='GetBBoxCenterScale'),
                dict(type='TopdownAffine', input_size=(256, 256)),
                dict(type='GenerateTarget', encoder=codec),
                dict(type='PackPoseInputs')]
    ds = MpiInf3dhpDataset(ann_file='test_3dhp_train.npz', data_root=osp.join(
        shared_data, 'mmpose_samples', 'mpi_inf_3dhp'), data_prefix=dict(img=''),
        metainfo=dict(from_file='configs/_base_/datasets/mpii.py'),
        mapping='mpi_inf_3dhp_to_mpii', pipeline=pipeline)
    out = ds[0]
    assert tuple(out['inputs'].shape) == (3, 256, 256)
    heat = out['data_samples'].gt_fields.heatmaps
    assert tuple(heat.shape) == (16, 64, 64)
    # the pelvis lies inside the crop, so its heatmap has a peak of 1
    assert float(heat[6].max()) == pytest.approx(1.0, abs=1e-3)
