"""Scott et al.'s threshold sweep against counts, AUC and RMSE worked out by hand."""
import json
import math

import numpy as np
import pytest
from mmengine.structures import InstanceData

from projects.core.evaluation import ThresholdSweepMetric, roc_auc, roc_curve, threshold_sweep
from projects.core.keypoints import keypoint_names

# two instances, two keypoints; head sizes 10 and 20 -> PCKh@0.5 radii 5 and 10 px
PRED = np.array([[[3, 4], [10, 16]], [[6, 8], [1, 1]]], float)
GT = np.array([[[0, 0], [10, 10]], [[0, 0], [0, 0]]], float)
CONF = np.array([[0.9, 0.8], [0.3, 0.6]])
PRESENT = np.array([[True, True], [True, False]])
HEAD = np.array([10.0, 20.0])
# distances 5 (correct), 6 (> 5: wrong), 10 (correct), keypoint absent (wrong)


def test_counts_precision_recall_f1_by_hand():
    s = threshold_sweep(PRED, CONF, GT, PRESENT, HEAD, thresholds=[0, 0.5, 0.85, 0.95])
    assert s['tp'].tolist() == [2, 1, 1, 0]
    assert s['fp'].tolist() == [2, 2, 0, 0]
    assert s['fn'].tolist() == [1, 2, 2, 3]
    np.testing.assert_allclose(s['precision'], [0.5, 1 / 3, 1.0, 0.0])
    np.testing.assert_allclose(s['recall'], [2 / 3, 1 / 3, 1 / 3, 0.0])
    np.testing.assert_allclose(s['f1'], [4 / 7, 1 / 3, 0.5, 0.0])
    assert s['best'] == 0 and s['n_correct'] == 2 and s['n_present'] == 3
    # RMSE at t = 0 over the three present keypoints: (3, 4), (0, 6), (6, 8)
    assert s['rmse_x'] == pytest.approx(math.sqrt((9 + 0 + 36) / 3))
    assert s['rmse_y'] == pytest.approx(math.sqrt((16 + 36 + 64) / 3))
    assert s['rmse'] == pytest.approx(math.sqrt((25 + 36 + 100) / 3))
    # correct {0.9, 0.3} vs wrong {0.8, 0.6}: 0.9 beats both, 0.3 neither -> 2 / 4
    assert s['auc'] == pytest.approx(0.5)


def test_excluded_keypoints_count_nowhere():
    s = threshold_sweep(PRED, CONF, GT, PRESENT, HEAD, valid=[True, False],
                        thresholds=[0, 0.5])
    assert s['tp'].tolist() == [2, 1] and s['fp'].tolist() == [0, 0]
    assert s['fn'].tolist() == [0, 1] and s['n_present'] == 2
    assert math.isnan(s['auc'])  # only correct predictions are left
    assert s['rmse'] == pytest.approx(math.sqrt((25 + 100) / 2))


def test_auc_ties_and_roc_curve():
    assert roc_auc([0.5, 0.5], [1, 0]) == 0.5
    assert roc_auc([0.2, 0.8, 0.8], [0, 1, 0]) == pytest.approx(0.75)
    fpr, tpr, thr = roc_curve([0.2, 0.8, 0.8], [0, 1, 0])
    assert thr[1:].tolist() == [0.8, 0.2]
    assert fpr.tolist() == [0, 0.5, 1] and tpr.tolist() == [0, 1, 1]
    # trapezoidal area under the curve equals the rank statistic
    assert np.trapz(tpr, fpr) == pytest.approx(0.75)


def test_shape_errors():
    with pytest.raises(ValueError, match='expected'):
        threshold_sweep(PRED, CONF, GT, PRESENT, HEAD[:1])


def _sample(pred, scores, gt, vis, **gt_extra):
    p = InstanceData(keypoints=pred[None], keypoint_scores=scores[None])
    g = InstanceData(keypoints=gt[None], keypoints_visible=vis[None])
    for k, v in gt_extra.items():
        g.set_field(np.array([v]), k)
    return dict(pred_instances=p, gt_instances=g, img_path='x.jpg')


def test_metric_baseline_mapping_macaque_to_mpii(tmp_path):
    mpii = keypoint_names('mpii')
    macaque = keypoint_names('macaque')
    rng = np.random.default_rng(0)
    gt = rng.uniform(100, 300, (16, 2))
    gt[mpii.index('head_top')] = [200, 40]
    gt[mpii.index('upper_neck')] = [200, 60]  # head segment 20 px -> PCKh@0.5 radius 10 px
    gt[mpii.index('pelvis')] = (gt[mpii.index('left_hip')] + gt[mpii.index('right_hip')]) / 2
    gt[mpii.index('thorax')] = (gt[mpii.index('left_shoulder')] +
                                gt[mpii.index('right_shoulder')]) / 2
    pred = np.zeros((17, 2))
    for i, n in enumerate(macaque):
        if n in mpii:
            pred[i] = gt[mpii.index(n)]
    pred[macaque.index('right_wrist')] += [11, 0]  # 11 px > 10 px: wrong
    scores = np.full(17, 0.9)
    metric = ThresholdSweepMetric(mapping='macaque_to_mpii',
                                  outfile_prefix=str(tmp_path / 'baseline'))
    metric.process({}, [_sample(pred, scores, gt, np.ones(16))])
    out = metric.compute_metrics(metric.results)
    # 16 MPII joints, head_top and upper_neck excluded: 14 evaluated, 13 correct
    assert out['n_present'] == 14 and out['n_correct_all'] == 13
    assert out['precision'] == pytest.approx(13 / 14) and out['recall'] == pytest.approx(13 / 14)
    assert out['RMSE_x'] == pytest.approx(11 / math.sqrt(14)) and out['RMSE_y'] == 0
    assert out['PCKh/right_wrist'] == 0 and out['PCKh/pelvis'] == 1
    assert 'PCKh/head_top' not in out and 'PCKh/upper_neck' not in out
    assert out['PCKh'] == pytest.approx(13 / 14)
    dump = json.load(open(tmp_path / 'baseline.sweep.json'))
    assert len(dump['conf']) == 14 and sum(dump['correct']) == 13


def test_metric_uses_sample_head_size_and_reports_missing_head():
    names = ['a', 'b']
    metric = ThresholdSweepMetric(target=names, thresholds=[0.0])
    # MPII's head_size (0.6 x head-box diagonal) given with the sample: radius 2.5 px
    metric.process({}, [_sample(np.array([[3.0, 0], [0, 2]]), np.array([1.0, 1.0]),
                                np.zeros((2, 2)), np.ones(2), head_size=5.0)])
    out = metric.compute_metrics(metric.results)
    assert out['n_correct_all'] == 1
    bad = ThresholdSweepMetric(target=names)
    with pytest.raises(ValueError, match='head segment'):
        bad.process({}, [_sample(np.zeros((2, 2)), np.ones(2), np.zeros((2, 2)), np.ones(2))])
