"""Scott et al.'s threshold sweep against counts, AUC and RMSE worked out by hand."""
import json
import math

import numpy as np
import pytest
from mmengine.structures import InstanceData

from projects.core.evaluation import ThresholdSweepMetric, roc_auc, roc_curve, threshold_sweep
from projects.core.keypoints import keypoint_names

# two instances, two keypoints; head sizes 11 and 22 -> PCKh@0.5 radii 5.5 and 11 px
PRED = np.array([[[3, 4], [10, 16]], [[6, 8], [1, 1]]], float)
GT = np.array([[[0, 0], [10, 10]], [[0, 0], [0, 0]]], float)
CONF = np.array([[0.9, 0.8], [0.3, 0.6]])
PRESENT = np.array([[True, True], [True, False]])
HEAD = np.array([11.0, 22.0])
# distances 5 (correct), 6 (> 5.5: wrong), 10 (correct), keypoint absent (wrong)


def test_counts_precision_recall_f1_by_hand():
    s = threshold_sweep(PRED, CONF, GT, PRESENT, HEAD, thresholds=[0, 0.5, 0.85, 0.95],
                        fn_rule='present')
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


def test_fn_correct_below_threshold_by_hand():
    """The default rule (consistent with Scott et al.'s Table 1): FN = correct predictions
    below the threshold, so recall = TP / #correct."""
    s = threshold_sweep(PRED, CONF, GT, PRESENT, HEAD, thresholds=[0, 0.5, 0.85, 0.95])
    # correct predictions have confidences 0.9 and 0.3
    assert s['tp'].tolist() == [2, 1, 1, 0]
    assert s['fn'].tolist() == [0, 1, 1, 2]
    np.testing.assert_allclose(s['recall'], [1.0, 0.5, 0.5, 0.0])
    np.testing.assert_allclose(s['precision'], [0.5, 1 / 3, 1.0, 0.0])
    # F1: 2 * 0.5 * 1 / 1.5, 2 * (1/3) * (1/2) / (5/6), 2 * 1 * 0.5 / 1.5, 0; ties -> lowest t
    np.testing.assert_allclose(s['f1'], [2 / 3, 0.4, 2 / 3, 0.0])
    assert s['best'] == 0
    with pytest.raises(ValueError, match='fn_rule'):
        threshold_sweep(PRED, CONF, GT, PRESENT, HEAD, fn_rule='x')


def test_table1_baseline_needs_the_correct_below_rule():
    """Scott et al.'s Baseline (precision 0.21, recall 0.74) on MPII-like data: 100 instances
    x 14 joints, all present; 25 % of the predictions correct; confidences such that t = 0.5
    keeps 74 % of the correct and 88 % of the wrong predictions."""
    n = 100
    correct = np.zeros((n, 14), bool)
    correct.flat[::4] = True  # 350 of 1400 correct
    conf = np.zeros((n, 14))
    ci, wi = np.flatnonzero(correct), np.flatnonzero(~correct)
    conf.flat[ci[:259]] = 0.9  # 259 / 350 = 0.74 of the correct kept
    conf.flat[wi[:924]] = 0.9  # 924 / 1050 = 0.88 of the wrong kept
    gt = np.zeros((n, 14, 2))
    pred = np.where(correct[..., None], 0.0, 100.0) + gt
    head = np.full(n, 10.0)
    present = np.ones((n, 14), bool)
    a = threshold_sweep(pred, conf, gt, present, head, thresholds=[0.5])
    assert a['precision'][0] == pytest.approx(259 / (259 + 924))  # 0.219
    assert a['recall'][0] == pytest.approx(0.74)
    b = threshold_sweep(pred, conf, gt, present, head, thresholds=[0.5], fn_rule='present')
    assert b['recall'][0] == pytest.approx(259 / 1400)  # 0.185: not Table 1's 0.74


def test_default_thresholds_span_the_confidences():
    """MMPose's heatmap maxima exceed [0, 1]: the default sweep covers them all."""
    conf = np.array([[1.3, 0.8], [-0.2, 0.6]])
    s = threshold_sweep(PRED, conf, GT, PRESENT, HEAD)
    assert s['thresholds'][0] == pytest.approx(-0.2) and s['thresholds'][-1] == pytest.approx(1.3)
    assert len(s['thresholds']) == 101
    # at the lowest threshold every prediction is positive: 2 TP (1.3 and -0.2), 2 FP
    assert (s['tp'][0], s['fp'][0]) == (2, 2)
    # at the highest, only the 1.3 prediction (correct) is kept
    assert (s['tp'][-1], s['fp'][-1]) == (1, 0)
    s01 = threshold_sweep(PRED, CONF, GT, PRESENT, HEAD)
    np.testing.assert_allclose(s01['thresholds'], np.linspace(0, 1, 101))


def test_excluded_keypoints_count_nowhere():
    s = threshold_sweep(PRED, CONF, GT, PRESENT, HEAD, valid=[True, False],
                        thresholds=[0, 0.5], fn_rule='present')
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
    # default FN rule: no correct prediction falls below the best threshold -> recall 1
    assert out['precision'] == pytest.approx(13 / 14) and out['recall'] == pytest.approx(1.0)
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


def test_mpii_mean_by_mmpose_rule_and_missing_head_segment_excluded():
    """PCKh_mpii is MPII's mean (pelvis and thorax left out, weighted by joint count, through
    MMPose's MpiiPCKAccuracy); an image without head_top is left out and counted."""
    mpii = keypoint_names('mpii')
    gt = np.zeros((16, 2))
    gt[:, 0] = np.arange(16) * 30.0
    gt[mpii.index('head_top')] = [200, 40]
    gt[mpii.index('upper_neck')] = [200, 60]  # head segment 20 px: radius 10 px
    vis = np.ones(16)
    vis[mpii.index('left_ankle')] = 0  # one joint not annotated in image 1
    pred1 = gt.copy()
    for j in ('pelvis', 'thorax', 'right_wrist'):
        pred1[mpii.index(j)] += [0, 50]  # wrong
    pred2 = gt.copy()
    pred2[mpii.index('right_wrist')] += [0, 50]
    metric = ThresholdSweepMetric(target='mpii', head_size='segment')
    vis2 = np.ones(16)
    no_head = np.ones(16)
    no_head[mpii.index('head_top')] = 0
    metric.process({}, [_sample(pred1, np.ones(16), gt, vis), _sample(pred2, np.ones(16), gt,
                                                                      vis2)])
    metric.process({}, [dict(_sample(gt, np.ones(16), gt, no_head), img_path='nohead.jpg')])
    out = metric.compute_metrics(metric.results)
    assert out['n_excluded'] == 1 and out['n_present'] == 31
    # unweighted over all joints with data: 16 joints, pelvis/thorax 0.5, right_wrist 0,
    # the rest 1 -> (13 + 0.5 + 0.5) / 16
    assert out['PCKh'] == pytest.approx(14 / 16)
    # MPII's: pelvis and thorax out, 14 joints left, annotated twice each except left_ankle
    # (once): 27 joint instances, of which right_wrist's 2 are wrong -> 25 / 27
    assert out['PCKh_mpii'] == pytest.approx(25 / 27)
    bad = ThresholdSweepMetric(target='mpii', head_size='segment')
    bad.process({}, [_sample(gt, np.ones(16), gt, no_head)])
    with pytest.raises(ValueError, match='no image could be scored'):
        bad.compute_metrics(bad.results)
