"""A predicted .slp scored against a labeled .slp, against AP worked out by hand."""
import json
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))


def _write(tmp_path, far: bool):
    """Labels: 2 frames x 2 animals, 3 nodes; predictions: the same points (nodes listed in
    another order), one animal moved far away when ``far`` and given the lowest score."""
    import sleap_io as sio
    skel = sio.Skeleton(['a', 'b', 'c'])
    pskel = sio.Skeleton(['c', 'a', 'b'])
    video = sio.Video(filename=str(tmp_path / 'v.mp4'))
    pts = {0: [np.array([[10., 10], [30, 10], [20, 40]]), np.array([[100., 100], [130, 100],
                                                                     [110, 150]])],
           5: [np.array([[50., 60], [70, 60], [60, 90]]), np.array([[200., 20], [220, 30],
                                                                    [210, 70]])]}
    gt, pr = [], []
    for idx, animals in pts.items():
        gt.append(sio.LabeledFrame(video=video, frame_idx=idx, instances=[
            sio.Instance.from_numpy(p, skeleton=skel) for p in animals]))
        insts = []
        for j, p in enumerate(animals):
            q = p + (500 if far and idx == 5 and j == 1 else 0)
            score = 0.1 if far and idx == 5 and j == 1 else 0.9 - 0.1 * j
            q = q[[2, 0, 1]]  # the prediction's node order c, a, b
            insts.append(sio.PredictedInstance.from_numpy(
                np.c_[q, np.full(3, 0.8)], skeleton=pskel, score=score))
        pr.append(sio.LabeledFrame(video=video, frame_idx=idx, instances=insts))
    sio.save_slp(sio.Labels(labeled_frames=gt, videos=[video], skeletons=[skel]),
                 str(tmp_path / 'gt.slp'))
    sio.save_slp(sio.Labels(labeled_frames=pr, videos=[video], skeletons=[pskel]),
                 str(tmp_path / 'pred.slp'))
    return str(tmp_path / 'gt.slp'), str(tmp_path / 'pred.slp')


def test_score_labels_by_hand(tmp_path):
    from projects.core.evaluation import score_labels
    gt, pred = _write(tmp_path, far=False)
    out = score_labels(gt, pred, str(tmp_path / 'w1'))
    assert out['n_frames'] == 2 and out['n_instances'] == 4 and out['n_predictions'] == 4
    assert out['coco/AP'] == pytest.approx(1.0) and out['sleap/AP'] == pytest.approx(1.0)
    gt, pred = _write(tmp_path, far=True)
    out = score_labels(gt, pred, str(tmp_path / 'w2'))
    # 3 of 4 animals exact (OKS 1) and ranked first, the fourth far away (OKS 0): precision 1
    # up to recall 0.75, then nothing -> COCO's 101-point AP = 76 / 101 at every threshold
    assert out['coco/AP'] == pytest.approx(76 / 101, abs=1e-6)
    assert out['sleap/AP'] == pytest.approx(76 / 101, abs=1e-6)
    # only frame 0: both exact
    assert score_labels(gt, pred, str(tmp_path / 'w3'), frames=[0])['coco/AP'] == 1.0
    with pytest.raises(ValueError, match='none of the chosen frames'):
        score_labels(gt, pred, str(tmp_path / 'w4'), frames=[3])


def test_score_slp_cli(tmp_path):
    gt, pred = _write(tmp_path, far=True)
    p = subprocess.run([sys.executable, 'tools/analysis/score_slp.py', gt, pred, '--out',
                        str(tmp_path / 'o'), '--frames', '0:6'], cwd=ROOT,
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr[-2000:]
    m = json.load(open(tmp_path / 'o' / 'metrics.json'))
    assert m['coco/AP'] == pytest.approx(76 / 101, abs=1e-6)
    p = subprocess.run([sys.executable, 'tools/analysis/score_slp.py', gt,
                        str(tmp_path / 'nope.slp'), '--out', str(tmp_path / 'o2')], cwd=ROOT,
                       capture_output=True, text=True)
    assert p.returncode == 2 and 'nope.slp: no such file' in p.stderr
