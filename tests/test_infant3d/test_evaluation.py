"""PCKh and AJPE (Ellershaw et al. 2020) against hand-computed values; the metric in 2D and
3D; the Table 1 report."""
import csv
import json

import numpy as np
import pytest

from projects.infant3d.evaluation import PCKhAJPE, ajpe, joint_errors, pckh


def _offset(errors):
    """Ground truth at 0 and predictions ``errors`` away along x: ``(N, K, 2)`` each."""
    errors = np.asarray(errors, np.float64)
    gt = np.zeros(errors.shape + (2, ))
    pred = gt.copy()
    pred[..., 0] = errors
    return pred, gt


def test_pckh_and_ajpe_by_hand():
    pred, gt = _offset([[1., 2.5], [3., 0.5]])
    visible = np.array([[1, 1], [1, 0]])
    head = np.array([2., 1.])
    # factor 1: frame 0 threshold 2 (1 yes, 2.5 no); frame 1 threshold 1 (3 no; 0.5 hidden)
    pj, overall = pckh(pred, gt, visible, head, 1.0)
    np.testing.assert_allclose(pj, [0.5, 0.0])
    assert overall == pytest.approx(0.25)  # the mean over joints (MMPose's avg_acc)
    pj, overall = pckh(pred, gt, visible, head, 2.0)  # thresholds 4 and 2
    np.testing.assert_allclose(pj, [0.5, 1.0])
    assert overall == pytest.approx(0.75)
    # the one rule: strictly below the threshold (MMPose's keypoint_pck_accuracy)
    p1, g1 = _offset([[2., 1.999]])
    np.testing.assert_allclose(pckh(p1, g1, np.ones((1, 2)), np.array([2.]), 1.0)[0], [0, 1])
    # a joint never visible is NaN and left out of the mean
    pj, overall = pckh(pred, gt, np.array([[1, 0], [1, 0]]), head, 2.0)
    assert pj[0] == 0.5 and np.isnan(pj[1]) and overall == 0.5
    pj, overall = ajpe(pred, gt, visible)
    np.testing.assert_allclose(pj, [2.0, 2.5])  # (1 + 3) / 2; 2.5 (0.5 is hidden)
    assert overall == pytest.approx(2.25)
    np.testing.assert_allclose(joint_errors([[[0, 0], [3, 4]]], [[[0, 0], [0, 0]]]), [[0, 5]])
    with pytest.raises(ValueError, match='head_size'):
        pckh(pred, gt, visible, np.ones(3), 1.0)
    with pytest.raises(ValueError, match='visibility'):
        ajpe(pred, gt, np.ones((2, 3)))


def _sample_3d(pred, gt, head=None):
    ds = dict(pred_instances=dict(keypoints=pred[None]),
              gt_instances=dict(lifting_target=gt[None],
                                lifting_target_visible=np.ones((1, 16))),
              target_img_path=['x.png'])
    if head is not None:
        ds['head_size_3d'] = head
    return ds


def test_metric_3d_is_root_relative_in_mm(tmp_path):
    gt = np.zeros((16, 3))
    gt[0] = [0.03, 0.04, 0.]  # 50 mm from the pelvis (joint 6)
    gt += [0.5, -0.2, 3.0]  # absolute camera-frame position
    pred = gt - gt[6]  # a root-relative prediction ...
    pred[0, 2] += 0.012  # ... 12 mm off in one joint
    m = PCKhAJPE(mode='3d', outfile_prefix=str(tmp_path / 'r'))
    m.dataset_meta = dict(keypoint_id2name={i: f'j{i}' for i in range(16)})
    m.process([], [_sample_3d(pred, gt, head=10.0)])
    out = m.compute_metrics(m.results)
    # the authors' rule: all 16 joints, the pelvis output (0 here) scored against 0
    assert out['AJPE'] == pytest.approx(12 / 16)
    assert out['AJPE_j0'] == pytest.approx(12.)
    assert out['PCKh@1.0'] == pytest.approx(15 / 16)  # 12 mm > 1.0 x 10 mm
    assert out['PCKh@2.0'] == pytest.approx(1.0)
    saved = json.load(open(tmp_path / 'r.3d.json'))
    assert saved['unit'] == 'mm' and saved['overall']['AJPE'] == pytest.approx(12 / 16)
    assert saved['root_rule'] == 'authors'
    m = PCKhAJPE(mode='3d', root_rule='recentre')
    m.process([], [_sample_3d(pred, gt, head=10.0)])
    out = m.compute_metrics(m.results)
    assert out['AJPE'] == pytest.approx(12 / 15)  # the pelvis (root) is left out
    assert out['PCKh@1.0'] == pytest.approx(14 / 15)
    # without head sizes (MPI-INF-3DHP) only AJPE
    m = PCKhAJPE(mode='3d')
    m.process([], [_sample_3d(pred, gt)])
    assert set(m.compute_metrics(m.results)) >= {'AJPE'}
    assert not any(k.startswith('PCKh') for k in m.compute_metrics(m.results))


def test_metric_3d_root_rules_differ_when_the_pelvis_output_is_off():
    """The authors' rule scores the lifter's pelvis output against 0 and does not re-centre;
    'recentre' moves the 15 other joints by the pelvis error instead."""
    gt = np.zeros((16, 3))
    gt[:, 0] = np.arange(16) * 0.05
    gt += [0.1, 0.2, 2.5]
    pred = gt - gt[6]
    pred[6] = [0., 0., 0.015]  # the pelvis output 15 mm off, every other joint exact
    a = PCKhAJPE(mode='3d')
    a.process([], [_sample_3d(pred, gt, head=10.0)])
    out = a.compute_metrics(a.results)
    assert out['AJPE'] == pytest.approx(15 / 16)
    assert out['PCKh@1.0'] == pytest.approx(15 / 16)  # the pelvis: 15 mm > 10 mm
    assert out['PCKh@2.0'] == 1.0  # 15 mm < 2 x 10 mm
    r = PCKhAJPE(mode='3d', root_rule='recentre')
    r.process([], [_sample_3d(pred, gt, head=10.0)])
    out = r.compute_metrics(r.results)
    assert out['AJPE'] == pytest.approx(15.0)  # 15 joints, each 15 mm off after re-centring
    assert out['PCKh@1.0'] == 0.0 and out['PCKh@2.0'] == 1.0  # 15 > 10, 15 < 20
    with pytest.raises(ValueError, match='root_rule'):
        PCKhAJPE(mode='3d', root_rule='x')


def test_metric_2d_uses_the_frame_head_size():
    gt = np.zeros((1, 16, 2))
    pred = gt.copy()
    pred[0, :4, 0] = 15.  # 4 joints 15 px off
    samples = [dict(pred_instances=dict(keypoints=pred),
                    gt_instances=dict(keypoints=gt, keypoints_visible=np.ones((1, 16)),
                                      head_size=np.array([h])), img_path=f'{h}.png')
               for h in (10., 20.)]
    m = PCKhAJPE(mode='2d', factors=(1.0, 2.0))
    m.process([], samples)
    out = m.compute_metrics(m.results)
    # head 10: 15 > 10 (wrong), 15 < 20 (right); head 20: right at both factors
    assert out['PCKh@1.0'] == pytest.approx((12 + 16) / 32)
    assert out['PCKh@2.0'] == pytest.approx(1.0)
    assert out['AJPE'] == pytest.approx(15 * 4 / 16)
    with pytest.raises(ValueError, match='mode'):
        PCKhAJPE(mode='4d')


def test_report_writes_table1(tmp_path):
    import subprocess
    import sys
    from tests.conftest import ROOT
    for mode, ajpe_v in (('2d', 8.0), ('3d', 30.0)):
        json.dump(dict(mode=mode, overall={'PCKh@1.0': 0.9, 'PCKh@2.0': 0.95, 'AJPE': ajpe_v},
                       joints=['a', 'b'], per_joint={'AJPE': [ajpe_v, ajpe_v]}, num_frames=7),
                  open(tmp_path / f'r.{mode}.json', 'w'))
    subprocess.run([sys.executable, 'tools/analysis/infant3d/infant_report.py', '--out',
                    str(tmp_path / 'out'), '--paper', f'Ours 2D={tmp_path}/r.2d.json',
                    f'Ours 3D={tmp_path}/r.3d.json'], cwd=ROOT, check=True,
                   capture_output=True)
    rows = list(csv.reader(open(tmp_path / 'out' / 'table1.csv')))
    assert rows[1] == ['Ours 2D', '90.0', '95.0', '8.0', 'px', '7', '']
    # a 3D result file without a recorded rule was written with the former 'recentre'
    assert rows[2][3:] == ['30.0', 'mm', '7', 'recentre']
    # --paper: all six rows of the paper's Table 1, the two state-of-the-art rows included
    quoted = rows[3:]
    assert len(quoted) == 6 and all(r[0].endswith('(quoted)') for r in quoted)
    assert quoted[2][0].startswith('Adapted OpenPose') and quoted[2][1:4] == ['86.54', '91.64',
                                                                               '']
    assert quoted[3][0].startswith('Ellershaw et al. 3D') and quoted[3][1] == '65.2'
    assert quoted[5][0].startswith('Hesse et al.') and quoted[5][1:4] == ['51.09', '83.87',
                                                                          '44.9']
    assert '| Ours 3D | 90.0 | 95.0 | 30.0 | mm | 7 | recentre |' in \
        open(tmp_path / 'out' / 'table1.md').read()
    # the one-writer rule: an existing report of other content needs --overwrite, and an
    # input is never written over, even with it
    before = open(tmp_path / 'out' / 'table1.csv').read()
    cmd = [sys.executable, 'tools/analysis/infant3d/infant_report.py', '--out',
           str(tmp_path / 'out'), f'Ours 2D={tmp_path}/r.2d.json']
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 2 and 'exists with other content' in p.stderr
    assert open(tmp_path / 'out' / 'table1.csv').read() == before
    subprocess.run(cmd + ['--overwrite'], cwd=ROOT, check=True, capture_output=True)
    assert len(list(csv.reader(open(tmp_path / 'out' / 'table1.csv')))) == 2
    (tmp_path / 'in').mkdir()
    (tmp_path / 'in' / 'table1.csv').write_text(open(tmp_path / 'r.2d.json').read())
    p = subprocess.run([sys.executable, 'tools/analysis/infant3d/infant_report.py', '--out',
                        str(tmp_path / 'in'), f'x={tmp_path}/in/table1.csv', '--overwrite'],
                       cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 2 and 'it is the input file' in p.stderr
    bad = tmp_path / 'bad.json'
    bad.write_text('{}')
    p = subprocess.run([sys.executable, 'tools/analysis/infant3d/infant_report.py', '--out',
                        str(tmp_path / 'o2'), f'x={bad}'], cwd=ROOT,
                       capture_output=True, text=True)
    assert p.returncode != 0 and 'not a PCKhAJPE result' in p.stderr
