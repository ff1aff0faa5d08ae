import json

import numpy as np
import pytest

from projects.core.apis import build_labels, coco_results, save_predictions, skeleton_from_meta

META = dict(dataset_name='toy', keypoint_id2name={0: 'head', 1: 'thorax', 2: 'tail'},
            skeleton_links=[(0, 1), (1, 2)])


def records(video):
    return [dict(path=video, index=3, kind='video',
                 keypoints=np.array([[[10., 20.], [12., 22.], [14., 24.]],
                                     [[50., 60.], [52., 62.], [54., 64.]]], np.float32),
                 keypoint_scores=np.array([[.9, .8, .7], [.6, .5, .4]], np.float32),
                 scores=np.array([.95, .55], np.float32), track_ids=np.array([1, 2])),
            dict(path=video, index=7, kind='video',
                 keypoints=np.array([[[11., 21.], [13., 23.], [15., 25.]]], np.float32),
                 keypoint_scores=np.array([[.9, .9, .9]], np.float32),
                 scores=np.array([.9], np.float32), track_ids=np.array([2]))]


def test_skeleton_from_meta():
    sk = skeleton_from_meta(META)
    assert sk.node_names == ['head', 'thorax', 'tail']
    assert [(e.source.name, e.destination.name) for e in sk.edges] == [('head', 'thorax'),
                                                                       ('thorax', 'tail')]
    with pytest.raises(KeyError, match='keypoint_id2name'):
        skeleton_from_meta({})


def test_slp_round_trip_and_coco(shared_data, tmp_path):
    import sleap_io as sio
    video = f'{shared_data}/fly/centered_pair_low_quality.mp4'
    recs = records(video)
    labels = build_labels(recs, META, [video], 'video')
    out = save_predictions(labels, recs, str(tmp_path), 'pred', ['slp', 'coco'])
    back = sio.load_slp(out['slp'])
    assert [lf.frame_idx for lf in back] == [3, 7]
    assert back.videos[0].filename.endswith('centered_pair_low_quality.mp4')
    assert back.videos[0].shape[1:3] == (384, 384)  # the linked video opens
    first = back[0].instances
    np.testing.assert_allclose(first[1].numpy(), recs[0]['keypoints'][1])
    np.testing.assert_allclose(first[0].numpy(scores=True)[:, 2], [.9, .8, .7], rtol=1e-6)
    assert first[0].score == pytest.approx(.95) and first[1].score == pytest.approx(.55)
    assert [i.track.name for i in first] == ['track_1', 'track_2']
    assert back[1].instances[0].track.name == 'track_2'
    assert len(back.tracks) == 2
    coco = json.load(open(out['coco']))
    assert len(coco) == 3 and coco[0]['image'] == 'centered_pair_low_quality.mp4#3'
    assert coco[0]['keypoints'][:3] == [10.0, 20.0, pytest.approx(0.9)]
    assert [c['track_id'] for c in coco] == [1, 2, 2]
    assert coco_results([dict(recs[1], track_ids=None)])[0]['track_id'] == -1
    # nothing is replaced without overwrite; an unknown format is refused
    from projects.core.fileio import UnsafeOutputError
    with pytest.raises(UnsafeOutputError):
        save_predictions(labels, recs, str(tmp_path), 'pred', ['slp'])
    with pytest.raises(ValueError, match='unknown output formats'):
        save_predictions(labels, recs, str(tmp_path), 'pred', ['xls'])


def test_nwb_h5_csv_round_trip(shared_data, tmp_path):
    """NWB (ndx-pose), SLEAP analysis HDF5 and CSV through sleap-io's writers, read back: the
    same points and point scores per frame and track, NWB timestamps = frame index / fps (here
    frames 3 and 7, which sleap-io 0.9.5's own save_nwb cannot write, and whose even spacing
    it would store at the truncated rate 2 Hz instead of 10 / 4 = 2.5 Hz)."""
    import h5py
    from pynwb import NWBHDF5IO
    video = f'{shared_data}/fly/centered_pair_low_quality.mp4'
    recs = records(video)
    labels = build_labels(recs, META, [video], 'video')
    out = save_predictions(labels, recs, str(tmp_path), 'pred', ['nwb', 'h5', 'csv'], fps=10)
    with NWBHDF5IO(out['nwb'], 'r', load_namespaces=True) as io:
        nwb = io.read()
        module = next(iter(nwb.processing.values()))
        series = {}
        for name, pe in module.data_interfaces.items():
            if not hasattr(pe, 'pose_estimation_series'):
                continue  # the skeletons container
            for node in ('head', 'thorax', 'tail'):
                s = pe.pose_estimation_series[node]
                n = len(s.data[:])
                times = s.timestamps[:] if s.timestamps is not None else \
                    s.starting_time + np.arange(n) / s.rate
                series[(name, node)] = (s.data[:], s.confidence[:], np.asarray(times))
    # track 1: frame 3 only; track 2: frames 3 and 7
    t1 = [v for (n, node), v in series.items() if n.endswith('track_1') and node == 'head'][0]
    t2 = [v for (n, node), v in series.items() if n.endswith('track_2') and node == 'tail'][0]
    np.testing.assert_allclose(t1[0], [[10., 20.]])
    np.testing.assert_allclose(t1[1], [.9], rtol=1e-6)
    np.testing.assert_allclose(t1[2], [0.3])  # frame 3 at 10 frames/s
    np.testing.assert_allclose(t2[0], [[54., 64.], [15., 25.]])  # track 2: 2nd, then only
    np.testing.assert_allclose(t2[1], [.4, .9], rtol=1e-6)
    np.testing.assert_allclose(t2[2], [0.3, 0.7])
    # SLEAP analysis HDF5: (tracks, xy, nodes, frames)
    with h5py.File(out['h5'], 'r') as f:
        tracks = f['tracks'][:]
        names = [n.decode() if isinstance(n, bytes) else n for n in f['node_names'][:]]
    assert names == ['head', 'thorax', 'tail'] and tracks.shape[:3] == (2, 2, 3)
    text = open(out['csv']).read()
    assert '10.0' in text and '54.0' in text
