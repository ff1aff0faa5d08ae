import numpy as np
import pytest

from projects.core.evaluation.functional import compute_oks, keypoint_bbox_area


def test_keypoint_bbox_area_ignores_missing():
    pts = np.array([[[0, 0], [4, 0], [4, 3], [np.nan, np.nan]]])
    assert keypoint_bbox_area(pts)[0] == pytest.approx(12.0)


def test_oks_by_hand():
    # ground truth box 10 x 10 -> area 100; stddev 0.5 -> (2*0.5)^2 = 1;
    # normaliser per keypoint = 1 * 2 * 100 = 200
    gt = np.array([[[0., 0.], [10., 10.], [np.nan, np.nan]]])
    pr = np.array([[[3., 4.], [10., 10.], [50., 50.]]])  # d^2 = 25, 0, (missing in gt)
    oks = compute_oks(gt, pr, stddev=0.5)
    expected = (np.exp(-25 / 200) + 1.0) / 2  # mean over the 2 visible gt keypoints
    assert oks.shape == (1, 1)
    assert oks[0, 0] == pytest.approx(expected, rel=1e-12)


def test_oks_missing_prediction_counts_zero_and_pairs():
    gt = np.array([[[0., 0.], [10., 10.]], [[100., 100.], [110., 110.]]])
    pr = np.array([[[0., 0.], [np.nan, np.nan]]])
    oks = compute_oks(gt, pr, stddev=0.025)
    assert oks.shape == (2, 1)
    assert oks[0, 0] == pytest.approx(0.5)  # one of two keypoints exact, the other missing
    assert oks[1, 0] < 1e-6


def test_oks_scalar_scale_and_shape_check():
    gt = np.zeros((1, 2, 2))
    pr = np.ones((1, 2, 2))  # d^2 = 2
    # stddev 1 -> spread 4; scale 8 -> 2 * 8 = 16 -> e = 2 / 64
    assert compute_oks(gt, pr, scale=8.0, stddev=1.0)[0, 0] == pytest.approx(np.exp(-2 / 64))
    with pytest.raises(ValueError, match='keypoint axes'):
        compute_oks(np.zeros((1, 3, 2)), np.zeros((1, 2, 2)))
