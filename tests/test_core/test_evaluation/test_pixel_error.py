"""KeypointPixelError: DeepLabCut's test error, per keypoint, on hand-worked frames."""
import json

import numpy as np
import pytest

from projects.core.evaluation.metrics import KeypointPixelError, match_instances
from projects.core.evaluation.metrics.pixel_error import best_f1_threshold


def test_match_instances_by_hand():
    gt = np.array([[[0, 0], [10, 0]], [[100, 100], [110, 100]]], np.float64)
    pred = np.array([[[101, 100], [111, 100]], [[50, 50], [60, 50]], [[0, 1], [10, 1]]])
    assert match_instances(gt, pred) == [(0, 2), (1, 0)]
    gt[0, 1] = np.nan  # one keypoint not labeled: matched on the other
    assert match_instances(gt, pred) == [(0, 2), (1, 0)]
    assert match_instances(gt[:0], pred) == [] and match_instances(gt, pred[:0]) == []


def test_pixel_error_by_hand(tmp_path):
    # frame 1: two animals; frame 2: one animal whose 'tail' is not labeled
    ann = dict(images=[dict(id=1), dict(id=2)], categories=[dict(id=1, keypoints=['head',
                                                                                  'tail'])],
               annotations=[
                   dict(image_id=1, keypoints=[0, 0, 2, 10, 0, 2]),
                   dict(image_id=1, keypoints=[100, 100, 2, 110, 100, 2]),
                   dict(image_id=2, keypoints=[50, 50, 2, 0, 0, 0])])
    path = tmp_path / 'gt.json'
    path.write_text(json.dumps(ann))
    metric = KeypointPixelError(ann_file=str(path))
    metric.dataset_meta = {}
    samples = [
        # three predictions for two animals: the worst-scored (a far-away one) is not kept
        dict(img_id=1, pred_instances=dict(
            keypoints=np.array([[[103, 104], [110, 100]], [[0, 0], [16, 8]],
                                [[500, 500], [510, 500]]], np.float32),
            bbox_scores=np.array([0.9, 0.8, 0.1]))),
        dict(img_id=2, pred_instances=dict(keypoints=np.array([[[53, 54], [70, 70]]],
                                                              np.float32),
                                           bbox_scores=np.array([0.5])))]
    metric.process([], samples)
    out = metric.compute_metrics(metric.results)
    # errors: head 5 (3-4-5), 0, 5; tail 0, 10 (6-8-10); the unlabeled tail is not scored
    assert out['head_median'] == pytest.approx(5.0) and out['tail_median'] == pytest.approx(5.0)
    assert out['median'] == pytest.approx(5.0) and out['mean'] == pytest.approx(4.0)
    assert out['RMSE'] == pytest.approx(np.sqrt((25 + 0 + 25 + 0 + 100) / 5))
    assert out['tail_RMSE'] == pytest.approx(np.sqrt(50))
    assert out['matched'] == 1.0 and out['instances_per_frame'] == 1.5
    # detection F1: only the 0.9 prediction is within a quarter of its animal's length (10 px:
    # mean error 2.5); kept at >= 0.9: F1 = 2 * 1 / (1 + 3) = 0.5, cut halfway to 0.8
    assert out['F1'] == pytest.approx(0.5) and out['score_thr'] == pytest.approx(0.85)
    with pytest.raises(ValueError, match='no image id 7'):
        metric.process([], [dict(img_id=7, pred_instances=samples[1]['pred_instances'])])


def test_best_f1_threshold_by_hand():
    # TP counts 1, 2, 2, 3 of 1..4 kept, 4 labeled: F1 0.4, 0.667, 0.571, 0.75
    thr, f1 = best_f1_threshold(np.array([0.9, 0.8, 0.7, 0.2]),
                                np.array([True, True, False, True]), 4)
    assert f1 == pytest.approx(0.75) and thr == pytest.approx(0.1)
    # equal scores are kept or dropped together
    thr, f1 = best_f1_threshold(np.array([0.5, 0.5]), np.array([True, False]), 1)
    assert f1 == pytest.approx(2 / 3) and thr == pytest.approx(0.25)
    thr, f1 = best_f1_threshold(np.zeros(0), np.zeros(0, bool), 3)
    assert np.isnan(thr) and f1 == 0.0
