import numpy as np

from projects.core.apis import KeypointTracker


def crossing(n_frames=20):
    """Two 3-keypoint animals crossing: A walks right along y = 50, B walks left along
    y = 56; they pass each other (6 px apart) half way."""
    offs = np.array([[-6., 0.], [0., 0.], [6., 0.]])
    for t in range(n_frames):
        a = offs + [10 + 4 * t, 50]
        b = offs + [86 - 4 * t, 56]
        yield a, b


def test_two_animals_crossing_keep_their_ids():
    tracker = KeypointTracker(distance_threshold=20, hit_counter_max=5)
    ids_a, ids_b = [], []
    rng = np.random.default_rng(0)
    for a, b in crossing():
        order = rng.permutation(2)  # the model lists the animals in any order
        kpts = np.stack([a, b])[order]
        ids = tracker.update(kpts, np.ones((2, 3)))
        ids_a.append(ids[list(order).index(0)])
        ids_b.append(ids[list(order).index(1)])
    assert len(set(ids_a)) == 1 and len(set(ids_b)) == 1  # no identity switch
    assert ids_a[0] != ids_b[0] and min(ids_a[0], ids_b[0]) >= 1


def test_unmatched_instance_gets_new_id_and_empty_frames():
    tracker = KeypointTracker(distance_threshold=10, hit_counter_max=2)
    first = tracker.update(np.array([[[0., 0.], [5., 0.]]]))
    assert tracker.update(np.zeros((0, 2, 2))).shape == (0,)
    # far from the first track: a new identity
    far = tracker.update(np.array([[[200., 200.], [205., 200.]]]))
    assert far[0] != first[0]
    # an instance whose keypoints all score below keypoint_thr gets no track
    none = tracker.update(np.array([[[1., 1.], [2., 2.]]]), np.zeros((1, 2)))
    assert none.tolist() == [-1]
