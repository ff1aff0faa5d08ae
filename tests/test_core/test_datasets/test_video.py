import os.path as osp

import cv2
import numpy as np
import pytest

from projects.core.datasets.video import (FrameReader, extract_frames, iter_frames,
                                          select_frames, video_info)


def test_select_frames():
    np.testing.assert_array_equal(select_frames(10, every=3), [0, 3, 6, 9])
    np.testing.assert_array_equal(select_frames(101, count=5), [0, 25, 50, 75, 100])
    np.testing.assert_array_equal(select_frames(100, count=3, start=10, stop=20), [10, 14, 19])
    with pytest.raises(ValueError, match='exactly one'):
        select_frames(10)
    with pytest.raises(ValueError, match='empty frame range'):
        select_frames(10, every=1, start=10)


def test_real_video_frames_match_sequential_read(shared_data, tmp_path):
    video = osp.join(shared_data, 'fly', 'centered_pair_low_quality.mp4')
    n, w, h, fps = video_info(video)
    assert (n, w, h) == (1100, 384, 384)
    cap = cv2.VideoCapture(video)
    ref = []
    for _ in range(8):
        ref.append(cap.read()[1])
    cap.release()
    got = dict(iter_frames(video, [7, 2, 5]))
    for i in (2, 5, 7):
        np.testing.assert_array_equal(got[i], ref[i])
    names = extract_frames(video, str(tmp_path), [2, 5])
    assert names == ['centered_pair_low_quality_000002.png', 'centered_pair_low_quality_000005.png']
    np.testing.assert_array_equal(cv2.imread(str(tmp_path / names[1])), ref[5])
    with pytest.raises(OSError, match='ended at frame'):
        list(iter_frames(video, [n + 5]))


@pytest.mark.parametrize('name', ['clip.mp4', 'centered_pair_low_quality.mp4'])
def test_frame_reader_exact_indices_against_sequential_decoding(shared_data, name):
    """Scattered, backward and far-forward indices (seeks) and near-forward ones (decoded
    forward) give exactly the frames of one sequential decode with OpenCV, with and without
    seeking."""
    video = osp.join(shared_data, 'fly', name)
    cap = cv2.VideoCapture(video)
    n = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    wanted = [n - 1, 0, n // 2 + 17, 3, n // 2 + 18, n // 2 + 40, 4, 200, 199]
    ref, i = {}, 0
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        if i in wanted:
            ref[i] = frame
        i += 1
    cap.release()
    assert i == n  # the file's frame count is the decodable count
    for seek in (True, False):
        reader = FrameReader(video, seek=seek)
        assert len(reader) == n and reader.fps > 0
        for idx in wanted:
            np.testing.assert_array_equal(reader[idx], ref[idx], err_msg=f'{name} frame {idx}')
        with pytest.raises(IndexError, match=f'has {n} frames'):
            reader[n]
    assert dict(FrameReader(video).read([4, 3, 3])).keys() == {3, 4}


def test_frame_reader_bad_files(tmp_path):
    with pytest.raises(FileNotFoundError, match='does not exist'):
        FrameReader(str(tmp_path / 'missing.mp4'))
    bad = tmp_path / 'bad.mp4'
    bad.write_bytes(b'not a video')
    with pytest.raises(OSError, match='cannot open'):
        FrameReader(str(bad))
