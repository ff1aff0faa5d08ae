import numpy as np
import pytest
import torch

from projects.semimultipose.codecs import DirectPoseLabel



def unpack(packed, f):
    """Unpack a space-to-depth B1 target as the head does (torch's pixel_shuffle)."""
    return torch.nn.functional.pixel_shuffle(torch.as_tensor(packed)[None], f)[0].numpy()


def make_codec(**kw):
    cfg = dict(input_size=(64, 48), heatmap_size=(16, 12), keypoint_radius=1, box_margin=1)
    cfg.update(kw)
    return DirectPoseLabel(**cfg)


def test_encode_by_hand():
    codec = make_codec(box_margin=0, keypoint_radius=0)  # stride 4
    # one instance, keypoints at heatmap (2, 3) and (5, 3); second keypoint unlabeled
    kpts = np.array([[[8., 12.], [20., 12.], [12., 20.]]])
    vis = np.array([[1, 1, 0]])
    enc = codec.encode(kpts, vis)
    g, u, p = enc['heatmaps'], enc['box_heatmaps'], enc['offsets']
    assert g.shape == (3, 12, 16) and u.shape == (3, 12, 16) and p.shape == (6, 12, 16)
    # G: a single one at each labeled keypoint (radius 0), nothing for the unlabeled one
    assert g[0].sum() == 1 and g[0, 3, 2] == 1
    assert g[1].sum() == 1 and g[1, 3, 5] == 1
    assert g[2].sum() == 0
    # U: box of labeled keypoints = columns 2..5 of row 3 (height 0 -> one row)
    assert u[0].sum() == 4 and u[0, 3, 2:6].all()
    np.testing.assert_array_equal(u[0], u[1])
    assert u[2].sum() == 0
    # P: from location (row 3, col 4) to keypoint 0 (2, 3) -> (-2, 0); to keypoint 1 -> (+1, 0)
    assert p[0, 3, 4] == pytest.approx(-2) and p[1, 3, 4] == pytest.approx(0)
    assert p[2, 3, 4] == pytest.approx(1) and p[3, 3, 4] == pytest.approx(0)
    assert np.all(p[4:] == 0)
    # nothing outside the box
    assert np.all(p[:, u[0] == 0] == 0)


def test_overlap_goes_to_smaller_box():
    codec = make_codec(box_margin=0)
    big = [[4., 4.], [40., 36.]]    # heatmap box cols 1..10, rows 1..9
    small = [[16., 16.], [24., 20.]]  # heatmap box cols 4..6, rows 4..5
    enc = codec.encode(np.array([big, small]), np.ones((2, 2)))
    p = enc['offsets']
    # location (row 4, col 5) is in both boxes: it points at the small instance
    assert p[0, 4, 5] == pytest.approx(4 - 5) and p[1, 4, 5] == pytest.approx(4 - 4)
    # location (row 1, col 1) only in the big box
    assert p[0, 1, 1] == pytest.approx(0) and p[2, 1, 1] == pytest.approx(9)


def _roundtrip(codec, kpts, vis):
    enc = codec.encode(kpts, vis)
    out, scores, inst_scores = codec.decode_with_scores(enc['box_heatmaps'], enc['offsets'])
    return out, scores, inst_scores


@pytest.mark.parametrize('case', ['separate', 'touching', 'overlapping', 'occluded'])
def test_roundtrip_recovers_every_visible_keypoint(case):
    codec = make_codec(input_size=(256, 192), heatmap_size=(64, 48))
    a = np.array([[40., 40.], [70., 48.], [56., 60.]])
    if case == 'separate':
        b = a + [120., 80.]
    elif case == 'touching':
        b = a + [31., 0.]  # boxes share an edge region once grown by the margin
    elif case == 'overlapping':
        b = np.array([[50., 30.], [66., 70.], [46., 66.]])  # crosses instance a
    else:
        b = a + [60., 20.]
    kpts = np.stack([a, b]).astype(np.float32)
    vis = np.ones((2, 3))
    if case == 'occluded':
        vis[1, 2] = 0
    out, scores, inst = _roundtrip(codec, kpts, vis)
    assert len(out) == 2, f'{case}: decoded {len(out)} instances'
    for n in range(2):
        # the decoded instance matching n (closest first keypoint)
        m = np.argmin(np.linalg.norm(out[:, 0] - kpts[n, 0], axis=-1))
        visible = vis[n] > 0
        np.testing.assert_allclose(out[m][visible], kpts[n][visible], atol=1e-4)
        np.testing.assert_allclose(scores[m][visible], 1.0)
        assert np.all(scores[m][~visible] == 0)


def test_roundtrip_many_instances():
    rng = np.random.default_rng(0)
    codec = make_codec(input_size=(640, 384), heatmap_size=(80, 48))
    centres = np.array([(x, y) for x in range(60, 600, 90) for y in range(60, 340, 90)], float)
    kpts = centres[:, None, :] + rng.uniform(-25, 25, size=(len(centres), 5, 2))
    out, scores, _ = _roundtrip(codec, kpts.astype(np.float32), np.ones((len(kpts), 5)))
    assert len(out) == len(kpts)
    for n in range(len(kpts)):
        d = np.abs(out - kpts[n][None]).max(axis=(1, 2))
        assert d.min() < 1e-3


def test_decode_nothing_below_threshold():
    codec = make_codec()
    out, scores = codec.decode(np.full((3, 12, 16), 0.04, np.float32),
                               np.zeros((6, 12, 16), np.float32))
    assert out.shape == (0, 3, 2) and scores.shape == (0, 3)


def test_decode_pools_candidates_by_confidence():
    # two candidate locations of one instance, predicting keypoint 0 at x=10 and x=12
    # with confidences 0.9 and 0.3: pooled x = (0.9*10 + 0.3*12) / 1.2 = 10.5. Their OKS is
    # exp(-4 / ((2*1)^2 * 2 * 16)) = 0.97 (scale floored at 4x4 cells of stride 1) > 0.5
    codec = make_codec(input_size=(16, 4), heatmap_size=(16, 4), nms_thr=0.5, nms_stddev=1.0)
    probs = np.zeros((1, 4, 16), np.float32)
    offsets = np.zeros((2, 4, 16), np.float32)
    probs[0, 1, 5], offsets[0, 1, 5], offsets[1, 1, 5] = 0.9, 10 - 5, 1 - 1
    probs[0, 1, 6], offsets[0, 1, 6], offsets[1, 1, 6] = 0.3, 12 - 6, 1 - 1
    out, scores, inst = codec.decode_with_scores(probs, offsets)
    assert out.shape == (1, 1, 2)
    assert out[0, 0, 0] == pytest.approx(10.5) and out[0, 0, 1] == pytest.approx(1.0)
    assert scores[0, 0] == pytest.approx(0.9) and inst[0] == pytest.approx(0.9)


def test_center_radius_limits_owned_cells():
    codec = make_codec(box_margin=0, center_radius=1)
    # keypoints spanning heatmap columns 2..8 of row 3; mean at column 5
    kpts = np.array([[[8., 12.], [32., 12.], [20., 12.]]])
    enc = codec.encode(kpts, np.ones((1, 3)))
    u = enc['box_heatmaps'][0]
    assert u.sum() == 3 and u[3, 4:7].all()  # columns 4, 5, 6 only
    out, _ = codec.decode(enc['box_heatmaps'], enc['offsets'])
    np.testing.assert_allclose(out[0], kpts[0], atol=1e-4)


def test_heatmap_peaks_sub_cell_by_hand():
    codec = make_codec(refine_radius=2.0, refine_thr=0.1)  # stride 4 x 4
    heat = np.zeros((2, 12, 16), np.float32)
    # keypoint 0: a peak of 1.0 at (row 5, col 7) with 0.5 at col 8 and 0.25 at row 6
    heat[0, 5, 7], heat[0, 5, 8], heat[0, 6, 7] = 1.0, 0.5, 0.25
    # keypoint 1: a peak below refine_thr is no peak
    heat[1, 2, 2] = 0.05
    peaks = codec.heatmap_peaks(heat)
    assert len(peaks[0]) == 1 and len(peaks[1]) == 0
    # x = (7 * 1.25 + 8 * 0.5) / 1.75, y = (5 * 1.5 + 6 * 0.25) / 1.75
    np.testing.assert_allclose(peaks[0][0], [(7 * 1.25 + 8 * .5) / 1.75,
                                             (5 * 1.5 + 6 * .25) / 1.75], rtol=1e-6)


def test_refine_snaps_to_nearest_peak_within_radius():
    codec = make_codec(refine_radius=2.0, refine_thr=0.1)  # stride 4
    heat = np.zeros((2, 12, 16), np.float32)
    heat[0, 5, 7], heat[0, 5, 8] = 1.0, 0.5      # peak at (7.333, 5) cells
    heat[0, 5, 13] = 0.9                          # a second peak at (13, 5)
    heat[1, 1, 1] = 0.8                           # far from every keypoint 1
    # instance 0 regressed at (8, 6) cells -> nearest peak (7.333, 5), 1.2 cells away
    # instance 1 regressed at (12, 4) -> (13, 5), 1.41 cells away
    # keypoint 1 of both: the only peak is > 2 cells away: unchanged
    kpts = np.array([[[32., 24.], [40., 40.]], [[48., 16.], [20., 20.]]], np.float32)
    out = codec.refine(kpts, heat)
    np.testing.assert_allclose(out[0, 0], [4 * 22 / 3, 20.], rtol=1e-6)
    np.testing.assert_allclose(out[1, 0], [52., 20.], rtol=1e-6)
    np.testing.assert_array_equal(out[:, 1], kpts[:, 1])
    np.testing.assert_array_equal(kpts[0, 0], [32., 24.])  # the input is not modified


def test_decode_with_refinement_reads_b1():
    codec = make_codec(box_margin=0, keypoint_radius=0, center_radius=None, refine_radius=1.5)
    kpts = np.array([[[10., 14.], [30., 30.]]], np.float32)
    enc = codec.encode(kpts)
    box_probs, offsets = enc['box_heatmaps'], enc['offsets'] + 0.3  # regression off by 0.3
    heat = np.zeros((2, 12, 16), np.float32)
    heat[0, 3, 2], heat[0, 3, 3] = 1.0, 1.0       # peak plateau: centroid (2.5, 3) = (10, 12)
    with pytest.raises(ValueError, match='needs B1'):
        codec.decode(box_probs, offsets)
    out, _ = codec.decode(box_probs, offsets, heat)
    np.testing.assert_allclose(out[0, 0], [10., 12.], atol=1e-5)
    # keypoint 1 has no B1 peak: its regressed position (cells + 0.3) stays
    np.testing.assert_allclose(out[0, 1], [30. + 1.2, 30. + 1.2], atol=1e-4)
    plain = make_codec(box_margin=0, keypoint_radius=0)
    np.testing.assert_allclose(plain.decode(box_probs, offsets)[0][0, 1], out[0, 1], atol=1e-5)


def test_gaussian_heatmap_target_by_hand():
    """heatmap_sigma: G is exp(-d^2 / (2 sigma^2)) around the exact sub-cell keypoint, the
    maximum over instances; U and P are those of the window codec."""
    codec = make_codec(heatmap_sigma=1.0)  # stride 4
    window = make_codec()
    # keypoint 0 of instance 0 at cells (7.3, 4.6); of instance 1 at (2, 8); keypoint 1 unlabeled
    kpts = np.array([[[29.2, 18.4], [40., 30.]], [[8., 32.], [12., 36.]]], np.float32)
    vis = np.array([[1, 0], [1, 1]])
    enc, ref = codec.encode(kpts, vis), window.encode(kpts, vis)
    g = enc['heatmaps']
    for (row, col) in [(4, 7), (5, 7), (4, 8), (6, 6)]:
        assert g[0, row, col] == pytest.approx(
            np.exp(-((col - 7.3) ** 2 + (row - 4.6) ** 2) / 2), rel=1e-5)
    assert g[0, 8, 2] == pytest.approx(1.0)  # the second instance's keypoint on a cell centre
    assert g[0, 6, 5] == pytest.approx(max(np.exp(-(2.3 ** 2 + 1.4 ** 2) / 2),
                                           np.exp(-(3 ** 2 + 2 ** 2) / 2)), rel=1e-5)
    # keypoint 1: only instance 1's, at (3, 9)
    assert g[1].max() == pytest.approx(1.0) and g[1, 9, 3] == pytest.approx(1.0)
    # at instance 0's unlabeled keypoint (10, 4) only instance 1's far tail remains
    assert g[1, 4, 10] == pytest.approx(np.exp(-(7 ** 2 + 5 ** 2) / 2), rel=1e-3)
    np.testing.assert_array_equal(enc['box_heatmaps'], ref['box_heatmaps'])
    np.testing.assert_array_equal(enc['offsets'], ref['offsets'])


def test_dark_subcell_peak_of_a_gaussian():
    """subcell='dark' reads a sampled Gaussian's centre (7.3, 4.6) from its peak cell (7, 5),
    where the 3x3 centroid is pulled towards the cell."""
    ys, xs = np.mgrid[0:12, 0:16]
    heat = np.exp(-((xs - 7.3) ** 2 + (ys - 4.6) ** 2) / 2)[None].astype(np.float32)
    dark = make_codec(refine_radius=2.0, subcell='dark').heatmap_peaks(heat)[0]
    cent = make_codec(refine_radius=2.0).heatmap_peaks(heat)[0]
    np.testing.assert_allclose(dark, [[7.3, 4.6]], atol=0.02)
    assert abs(cent[0, 0] - 7.3) > 0.1  # the centroid of the truncated window is biased
    with pytest.raises(ValueError, match='subcell'):
        make_codec(subcell='argmax')
    with pytest.raises(ValueError, match='dark_kernel'):
        make_codec(dark_kernel=2)
    with pytest.raises(ValueError, match='heatmap_sigma'):
        make_codec(heatmap_sigma=0)


def test_pool_power_weights_by_hand():
    """pool_power p: the pooled keypoint is sum(v^p y) / sum(v^p) over the group."""
    kpts = np.array([[[10., 10.]], [[12., 10.]]], np.float32)  # one keypoint type, 2 px apart
    conf = np.array([[0.8], [0.4]], np.float32)
    plain = make_codec().group(kpts, conf)
    sharp = make_codec(pool_power=2.0).group(kpts, conf)
    assert len(plain[0]) == len(sharp[0]) == 1  # one group
    assert plain[0][0, 0, 0] == pytest.approx((10 * .8 + 12 * .4) / 1.2, rel=1e-6)
    assert sharp[0][0, 0, 0] == pytest.approx((10 * .64 + 12 * .16) / .8, rel=1e-6)
    # keypoint scores stay the group's largest v
    assert sharp[1][0, 0] == pytest.approx(0.8) and plain[1][0, 0] == pytest.approx(0.8)
    with pytest.raises(ValueError, match='pool_power'):
        make_codec(pool_power=0)


def test_finer_b1_grid_target_and_refinement_by_hand():
    """keypoint_heatmap_scale f = 2: G lives on a (2H, 2W) grid of stride 2 (input 64x48, B2/B3
    stride 4), U and P are unchanged, and refinement reads B1 peaks in the finer cells."""
    codec = make_codec(heatmap_sigma=1.0, keypoint_heatmap_scale=2, refine_radius=2.0,
                       subcell='dark')
    plain = make_codec(heatmap_sigma=1.0)
    kpts = np.array([[[29.2, 18.4], [40., 30.]]], np.float32)  # keypoint 0 at B1 (14.6, 9.2)
    enc, ref = codec.encode(kpts), plain.encode(kpts)
    assert enc['heatmaps'].shape == (8, 12, 16)  # packed space-to-depth, one grid for PixelData
    g = unpack(enc['heatmaps'], 2)
    # PixelShuffle's channel order: G[k, 2y + i, 2x + j] = packed[4k + 2i + j, y, x]
    assert g[0, 2 * 4 + 1, 2 * 7] == enc['heatmaps'][2, 4, 7]
    assert g[1, 2 * 4 + 1, 2 * 7 + 1] == enc['heatmaps'][7, 4, 7]
    assert g.shape == (2, 24, 32) and enc['box_heatmaps'].shape == (2, 12, 16)
    for (row, col) in [(9, 15), (9, 14), (10, 15), (8, 13)]:
        assert g[0, row, col] == pytest.approx(
            np.exp(-((col - 14.6) ** 2 + (row - 9.2) ** 2) / 2), rel=1e-5)
    assert g[1, 15, 20] == pytest.approx(1.0)  # keypoint 1 at (40, 30) px = (20, 15) B1 cells
    np.testing.assert_array_equal(enc['box_heatmaps'], ref['box_heatmaps'])
    np.testing.assert_array_equal(enc['offsets'], ref['offsets'])
    # the window target too: ones around the nearest B1 cell (15, 9)
    win = unpack(
        make_codec(keypoint_radius=0, keypoint_heatmap_scale=2).encode(kpts)['heatmaps'], 2)
    assert win.shape == (2, 24, 32) and win[0, 9, 15] == 1 and win[0].sum() == 1
    # refinement: a keypoint regressed 1.5 B1 cells (3 px) off snaps to the DARK peak of G
    off = kpts + np.array([3., 0.], np.float32)
    out = codec.refine(off, g)
    np.testing.assert_allclose(out[0, 0], [29.2, 18.4], atol=0.05)
    # 2.5 B1 cells (5 px) off is beyond refine_radius = 2 cells: unchanged
    far = kpts + np.array([5., 0.], np.float32)
    np.testing.assert_array_equal(codec.refine(far, g)[0, 0], far[0, 0])
    for bad in (0, 1.5):
        with pytest.raises(ValueError, match='keypoint_heatmap_scale'):
            make_codec(keypoint_heatmap_scale=bad)


def test_vectorised_dark_equals_mmpose():
    """dark_taylor_step gives MMPose's refine_keypoints_dark positions for every peak of noisy
    multi-peak maps, including peaks near the border (no step) and the input stays intact."""
    from mmpose.codecs.utils import refine_keypoints_dark

    from projects.semimultipose.codecs.directpose_label import dark_taylor_step
    rng = np.random.default_rng(0)
    ys, xs = np.mgrid[0:24, 0:32]
    heat = np.zeros((3, 24, 32), np.float32)
    for j in range(3):
        for cx, cy in rng.uniform([0, 0], [32, 24], size=(6, 2)):
            heat[j] = np.maximum(heat[j], np.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / 4.5))
    heat += rng.uniform(0, 0.05, heat.shape).astype(np.float32)
    before = heat.copy()
    codec = make_codec(refine_radius=2.0, subcell='dark', dark_kernel=3)
    peaks = codec.heatmap_peaks(heat)
    np.testing.assert_array_equal(heat, before)
    from scipy.ndimage import maximum_filter
    is_peak = (heat == maximum_filter(heat, size=(1, 3, 3), mode='constant', cval=-np.inf)) & \
        (heat > 0.1)
    for j in range(3):
        iy, ix = np.nonzero(is_peak[j])
        cells = np.stack([ix, iy], axis=1).astype(np.float32)[:, None]
        ref = refine_keypoints_dark(cells.copy(), heat[j:j + 1].copy(), 3)  # in place
        np.testing.assert_allclose(peaks[j], ref[:, 0], atol=1e-3)  # float32 rounding
        assert len(peaks[j]) >= 4 and np.abs(ref[:, 0] - cells[:, 0]).max() > 0.1
    cells = np.array([[1, 5], [30, 5], [10, 22], [10, 10]])
    out = dark_taylor_step(heat, np.zeros(4, int), cells, 3)
    np.testing.assert_array_equal(out[:3], cells[:3])  # within 2 cells of the border: no step


def test_instance_thr_stops_grouping():
    """instance_thr 0.3: of three far-apart candidates with mean confidences 0.9, 0.5 and 0.2,
    the last is not returned; with 0.95 none is."""
    kpts = np.array([[[10., 10.]], [[40., 10.]], [[10., 40.]]], np.float32)
    conf = np.array([[0.9], [0.5], [0.2]], np.float32)
    assert len(make_codec().group(kpts, conf)[0]) == 3
    k, ks, sc = make_codec(instance_thr=0.3).group(kpts, conf)
    np.testing.assert_allclose(sc, [0.9, 0.5])
    np.testing.assert_allclose(k[:, 0], [[10., 10.], [40., 10.]])
    k, ks, sc = make_codec(instance_thr=0.95).group(kpts, conf)
    assert k.shape == (0, 1, 2) and ks.shape == (0, 1) and sc.shape == (0,)


def test_rescore_reads_b1_bilinearly_by_hand():
    """Keypoint scores from B1 at the final positions (stride 4 cells): pixel (10, 14) is cell
    (2.5, 3.5), the mean of its four neighbours (0.8 + 0.4 + 0.2 + 0.6) / 4 = 0.5; pixel
    (32, 24) is cell (8, 6), value 0.9; pixel (-8, 24) lies outside and reads the border cell
    (0, 6), 0.7. 'geometric' takes sqrt(B1 * v)."""
    heat = np.zeros((2, 12, 16), np.float32)
    heat[0, 3, 2], heat[0, 3, 3], heat[0, 4, 2], heat[0, 4, 3] = 0.8, 0.4, 0.2, 0.6
    heat[1, 6, 8], heat[1, 6, 0] = 0.9, 0.7
    kpts = np.array([[[10., 14.], [32., 24.]], [[10., 14.], [-8., 24.]]], np.float32)
    kscores = np.array([[0.5, 0.4], [0.5, 0.7]], np.float32)
    ks, sc = make_codec(rescore='heatmap').rescore_with_heatmaps(kpts, kscores, heat)
    np.testing.assert_allclose(ks, [[0.5, 0.9], [0.5, 0.7]], atol=1e-6)
    np.testing.assert_allclose(sc, [0.7, 0.6], atol=1e-6)
    ks, sc = make_codec(rescore='geometric').rescore_with_heatmaps(kpts, kscores, heat)
    np.testing.assert_allclose(ks, [[0.5, 0.6], [0.5, 0.7]], atol=1e-6)
    np.testing.assert_allclose(sc, [0.55, 0.6], atol=1e-6)
    with pytest.raises(ValueError, match='rescore'):
        make_codec(rescore='b1')


def test_decode_with_rescore_reorders_instances():
    """Two bees, one keypoint each: the box confidences rank the one at (8, 8) first (0.9 vs
    0.6); B1 is 0.3 there and 0.8 at (48, 36), so rescoring ranks that one first, with instance
    scores equal to those B1 values, and leaves the keypoints where they were."""
    codec = make_codec(box_margin=1, keypoint_radius=0)
    kpts = np.array([[[8., 8.]], [[48., 36.]]], np.float32)
    enc = codec.encode(kpts)
    box_probs = enc['box_heatmaps'].copy()
    box_probs[0, :6, :6] *= 0.9
    box_probs[0, 6:, 6:] *= 0.6
    heat = np.zeros((1, 12, 16), np.float32)
    heat[0, 2, 2], heat[0, 9, 12] = 0.3, 0.8
    k, _, sc = codec.decode_with_scores(box_probs, enc['offsets'])
    np.testing.assert_allclose(k[:, 0], [[8., 8.], [48., 36.]], atol=1e-5)
    np.testing.assert_allclose(sc, [0.9, 0.6], atol=1e-6)
    rescored = make_codec(box_margin=1, keypoint_radius=0, rescore='heatmap')
    with pytest.raises(ValueError, match='needs B1'):
        rescored.decode_with_scores(box_probs, enc['offsets'])
    k, ks, sc = rescored.decode_with_scores(box_probs, enc['offsets'], heat)
    np.testing.assert_allclose(k[:, 0], [[48., 36.], [8., 8.]], atol=1e-5)
    np.testing.assert_allclose(sc, [0.8, 0.3], atol=1e-6)
    np.testing.assert_allclose(ks[:, 0], [0.8, 0.3], atol=1e-6)
