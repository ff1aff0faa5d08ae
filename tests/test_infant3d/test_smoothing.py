"""Jitter and Savitzky-Golay smoothing of keypoint tracks."""
import numpy as np
import pytest

from projects.infant3d.apis import FramePose, jitter, smooth_track, smooth_tracks


def test_jitter_by_hand():
    t = np.arange(10, dtype=float)
    steady = np.stack([t * 3, -t], axis=-1)[:, None]  # constant velocity
    assert jitter(steady) == pytest.approx(0.0)
    # x alternating +a, -a: second difference +-4a every frame
    alt = (np.array([1, -1] * 5, float) * 0.5)[:, None, None] * np.ones((1, 2, 1))
    assert jitter(alt) == pytest.approx(2.0)
    with pytest.raises(ValueError, match='T >= 3'):
        jitter(np.zeros((2, 1, 2)))


def test_smoothing_keeps_polynomials_and_removes_noise():
    rng = np.random.default_rng(0)
    t = np.arange(40, dtype=float)
    truth = np.stack([0.05 * t ** 2, 2 * t], axis=-1)[:, None].repeat(3, axis=1)  # (40, 3, 2)
    frames = [FramePose(frame=i, keypoints_2d=truth[i].copy()) for i in range(40)]
    out = smooth_tracks(frames, window=9, polyorder=2)
    np.testing.assert_allclose([f.keypoints_2d for f in out], truth, atol=1e-9)
    assert all(f.keypoints_3d is None for f in out)
    np.testing.assert_allclose(smooth_track(truth, None, 9, 2), truth, atol=1e-9)
    noisy = truth + rng.normal(0, 2.0, truth.shape)
    frames = [FramePose(frame=i, keypoints_2d=noisy[i].copy()) for i in range(40)]
    smooth = np.array([f.keypoints_2d for f in smooth_tracks(frames, 9, 2,
                                                             keys=('keypoints_2d', ))])
    assert jitter(smooth) < 0.3 * jitter(noisy)
    assert np.abs(smooth - truth).mean() < np.abs(noisy - truth).mean()
    np.testing.assert_array_equal(frames[0].keypoints_2d, noisy[0])  # input untouched
    np.testing.assert_allclose(smooth_track(noisy, None, 9, 2), smooth)


def test_smoothing_runs_over_gaps_separately():
    frames = [FramePose(frame=i, keypoints_2d=np.array([[float(i % 2), 0.]])) for i in range(7)]
    frames[3] = FramePose(frame=3)
    out = smooth_tracks(frames, window=9, polyorder=1, keys=('keypoints_2d', ))
    assert out[3].keypoints_2d is None
    # runs of 3 frames: window 3, linear fit of 0, 1, 0 -> its mean 1/3 in the middle
    assert out[1].keypoints_2d[0][0] == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match='odd'):
        smooth_tracks(frames, window=8)
    with pytest.raises(ValueError, match='present'):
        smooth_track(np.zeros((7, 1, 2)), np.ones(6, bool), 3, 1)


def test_smoothing_effect_rows():
    from projects.infant3d.apis import smoothing_effect
    rng = np.random.default_rng(1)
    t = np.arange(30, dtype=float)
    gt = np.stack([t, 0.5 * t], axis=-1)[:, None].repeat(2, axis=1)
    pred = gt + rng.normal(0, 1.0, gt.shape)
    vis = np.ones((30, 2))
    vis[0, 0] = 0
    rows = smoothing_effect(pred, gt, vis, windows=(7, ))
    assert [r['window'] for r in rows] == [0, 7]
    assert rows[0]['gt_jitter'] == pytest.approx(0.0, abs=1e-9)
    # the prediction's jitter on the labeled triplets leaves out those with frame 0 of joint 0
    acc = np.linalg.norm(pred[2:] - 2 * pred[1:-1] + pred[:-2], axis=-1)
    assert rows[0]['jitter_labeled'] == pytest.approx(np.r_[acc[1:, 0], acc[:, 1]].mean())
    err = np.linalg.norm(pred - gt, axis=-1)
    assert rows[0]['error'] == pytest.approx(err[vis > 0].mean())
    assert rows[1]['jitter'] < rows[0]['jitter'] and rows[1]['error'] < rows[0]['error']


def test_jitter_ignores_missing_points():
    """A missing label stored as (0, 0) must not count as motion: only triplets of frames where
    the point is labeled in all three enter the jitter."""
    from projects.infant3d.apis.smoothing import jitter
    t = np.arange(6, dtype=float)
    track = np.stack([10 + t, 20 + 0 * t], axis=-1)[:, None]  # constant velocity: jitter 0
    track[3] = 0.0  # missing, stored as (0, 0)
    vis = np.ones((6, 1))
    vis[3] = 0
    assert jitter(track, vis) == 0.0  # triplets (0,1,2) only: 3 is in all the others
    assert jitter(track) > 10  # without the mask the hole reads as a huge acceleration
    # a real acceleration on a labeled triplet: x = 0, 0, 1 -> second difference 1
    acc = np.array([[[0., 0.]], [[0., 0.]], [[1., 0.]], [[5., 5.]]])
    assert jitter(acc, np.array([[1], [1], [1], [0]])) == 1.0
    assert np.isnan(jitter(acc, np.array([[1], [0], [1], [1]])))
    with pytest.raises(ValueError, match='valid'):
        jitter(acc, np.ones((4, 2)))
