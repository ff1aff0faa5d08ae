"""Safe writes and reads: nothing replaced by accident, nothing written through links, no code
run when reading (issue: bad input never loses data, never runs code)."""
import json
import os
import pickle

import numpy as np
import pytest

from projects.core.fileio import (UnsafeOutputError, check_output, check_output_folder,
                                  load_restricted_pickle, read_json, write_bytes, write_json)


class _Payload:
    """Unpickling this runs ``os.system``-like code: here it only writes a marker file."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, 'w'))


def test_write_json_is_atomic_and_refuses_inputs(tmp_path):
    p = tmp_path / 'a.json'
    assert write_json({'x': 1}, str(p)) is True
    assert json.load(open(p)) == {'x': 1}
    with pytest.raises(UnsafeOutputError, match='input file'):
        write_json({}, str(p), [str(p)])
    # no temporary file left behind
    assert sorted(os.listdir(tmp_path)) == ['a.json']


def test_existing_file_kept_unless_same_content_or_overwrite(tmp_path):
    p = tmp_path / 'labels.json'
    write_json({'annotations': [1, 2, 3]}, str(p))
    before = p.read_bytes()
    # the same content again: nothing to do, no error (re-runnable converters)
    assert write_json({'annotations': [1, 2, 3]}, str(p)) is False
    with pytest.raises(UnsafeOutputError, match='--overwrite'):
        write_json({'annotations': []}, str(p))
    assert p.read_bytes() == before
    assert write_json({'annotations': []}, str(p), overwrite=True) is True
    assert json.load(open(p)) == {'annotations': []}


def test_nan_is_refused(tmp_path):
    with pytest.raises(ValueError, match='NaN or Infinity'):
        write_json({'k': float('nan')}, str(tmp_path / 'n.json'))
    assert not (tmp_path / 'n.json').exists()


def test_link_targets_are_never_written(tmp_path):
    victim = tmp_path / 'victim.txt'
    victim.write_text('precious')
    out = tmp_path / 'out'
    out.mkdir()
    (out / 'frame.png').symlink_to(victim)
    with pytest.raises(UnsafeOutputError, match='is a link'):
        write_bytes(str(out / 'frame.png'), b'png', root=str(out))
    assert victim.read_text() == 'precious'
    # with overwrite the link itself is replaced by a file; its target stays as it was
    write_bytes(str(out / 'frame.png'), b'png', root=str(out), overwrite=True)
    assert not (out / 'frame.png').is_symlink()
    assert (out / 'frame.png').read_bytes() == b'png'
    assert victim.read_text() == 'precious'


def test_folder_link_outside_root_is_refused(tmp_path):
    elsewhere = tmp_path / 'other_dataset'
    elsewhere.mkdir()
    out = tmp_path / 'out'
    out.mkdir()
    (out / 'images').symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(UnsafeOutputError, match='outside the output folder'):
        check_output(str(out / 'images' / 'x.png'), b'', root=str(out))
    assert os.listdir(elsewhere) == []


def test_output_folder_is_never_an_input_a_file_or_a_link(tmp_path):
    labels = tmp_path / 'labels.slp'
    labels.write_bytes(b'labels')
    frames = tmp_path / 'frames'
    frames.mkdir()
    with pytest.raises(UnsafeOutputError, match=f'it is the input file {labels}; expected a'):
        check_output_folder(str(labels), [str(labels)])
    with pytest.raises(UnsafeOutputError, match='it is a file; expected a folder'):
        check_output_folder(str(labels), [])
    (tmp_path / 'frames_link').symlink_to(frames, target_is_directory=True)
    for link in (str(tmp_path / 'frames_link'), str(tmp_path / 'frames_link') + '/'):
        with pytest.raises(UnsafeOutputError, match='frames_link: it is a link'):
            check_output_folder(link)
    with pytest.raises(UnsafeOutputError, match=f'it is the input folder {frames}'):
        check_output_folder(str(frames) + '/', [], [str(frames)])
    # allowed: a new folder, an existing one, a folder inside an input folder, a path
    # through a linked parent
    (tmp_path / 'parent_link').symlink_to(tmp_path, target_is_directory=True)
    for ok in (tmp_path / 'new', tmp_path, frames / 'annotations', tmp_path / 'parent_link' / 'x'):
        check_output_folder(str(ok), [str(labels)], [str(frames)])


def test_read_json_never_unpickles(tmp_path):
    marker = tmp_path / 'marker'
    bad = tmp_path / 'preds.pkl'
    bad.write_bytes(pickle.dumps(_Payload(str(marker))))
    with pytest.raises(ValueError, match='not a JSON file'):
        read_json(str(bad), 'keypoints_2d_file')
    assert not marker.exists()
    good = tmp_path / 'preds.pkl.json'
    good.write_text('{"frames": []}')
    assert read_json(str(good)) == {'frames': []}


def test_restricted_pickle_reads_arrays_and_refuses_code(tmp_path):
    cams = {'TS1': {'f': np.array([[1500.], [1500.]]), 'c': np.array([[1024.], [1024.]]),
                    'w': 2048, 'h': 2048, 'R': np.eye(3, dtype=np.float32),
                    'scale': np.float64(0.5)}}
    path = tmp_path / 'cameras.pkl'
    path.write_bytes(pickle.dumps(cams))
    got = load_restricted_pickle(str(path))
    np.testing.assert_array_equal(got['TS1']['f'], cams['TS1']['f'])
    assert got['TS1']['R'].dtype == np.float32 and got['TS1']['w'] == 2048
    assert got['TS1']['scale'] == 0.5

    marker = tmp_path / 'marker'
    evil = tmp_path / 'evil.pkl'
    evil.write_bytes(pickle.dumps({'TS1': _Payload(str(marker))}))
    with pytest.raises(ValueError, match='not allowed'):
        load_restricted_pickle(str(evil), 'camera_param_file')
    assert not marker.exists()


def test_write_via_replaces_a_planted_link_and_keeps_the_target_on_failure(tmp_path):
    """A writer that takes a file name (sleap-io, OpenCV, torch) writes a fresh hidden file,
    never the link at the target path nor a file of a guessable temporary name."""
    from projects.core.fileio import write_via
    victim = tmp_path / 'victim.slp'
    victim.write_bytes(b'labels')
    out = tmp_path / 'out'
    out.mkdir()
    (out / 'pred.slp').symlink_to(victim)
    seen = []

    def writer(tmp):
        seen.append(tmp)
        assert tmp.endswith('.slp') and os.path.basename(tmp).startswith('.pred.')
        assert not os.path.islink(tmp)
        with open(tmp, 'wb') as f:
            f.write(b'new')

    with pytest.raises(UnsafeOutputError, match='is a link'):
        write_via(str(out / 'pred.slp'), writer, root=str(out))
    assert seen == [] and victim.read_bytes() == b'labels'
    write_via(str(out / 'pred.slp'), writer, root=str(out), overwrite=True)
    assert not (out / 'pred.slp').is_symlink() and (out / 'pred.slp').read_bytes() == b'new'
    assert victim.read_bytes() == b'labels'

    def broken(tmp):
        with open(tmp, 'wb') as f:
            f.write(b'half')
        raise RuntimeError('disk full')

    with pytest.raises(RuntimeError, match='disk full'):
        write_via(str(out / 'pred.slp'), broken, root=str(out), overwrite=True)
    assert (out / 'pred.slp').read_bytes() == b'new'  # untouched, no partial file left
    assert sorted(os.listdir(out)) == ['pred.slp']


def test_checkpoint_pickle_text_and_figure_writers(tmp_path):
    import torch
    from projects.core.fileio import save_checkpoint, save_figure, write_pickle, write_text
    ckpt = tmp_path / 'a.pth'
    assert save_checkpoint(dict(state_dict=dict(w=torch.arange(3.0))), str(ckpt)) is True
    assert torch.equal(torch.load(ckpt, weights_only=True)['state_dict']['w'],
                       torch.tensor([0.0, 1.0, 2.0]))
    labels = tmp_path / 'labels.json'
    labels.write_text('{"annotations": []}')
    with pytest.raises(UnsafeOutputError, match='exists with other content'):
        save_checkpoint(dict(w=1), str(labels))
    with pytest.raises(UnsafeOutputError, match='input file'):
        save_checkpoint(dict(w=1), str(tmp_path / 'b.pth'), sources=[str(tmp_path / 'b.pth')])
    assert labels.read_text() == '{"annotations": []}'
    write_pickle([1, {'k': 2}], str(tmp_path / 'p.pkl'))
    assert pickle.loads((tmp_path / 'p.pkl').read_bytes()) == [1, {'k': 2}]
    write_text('a,b\n1,2\n', str(tmp_path / 't.csv'))
    assert (tmp_path / 't.csv').read_text() == 'a,b\n1,2\n'
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig = plt.figure(figsize=(1, 1))
    save_figure(fig, str(tmp_path / 'f.png'), dpi=20)
    plt.close(fig)
    assert (tmp_path / 'f.png').read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'


def test_video_writer_replaces_a_link_never_its_target(tmp_path):
    import cv2
    from projects.core.fileio import VideoFileWriter
    victim = tmp_path / 'victim.mp4'
    victim.write_bytes(b'precious video')
    out = tmp_path / 'out'
    out.mkdir()
    (out / 'clip_overlay.mp4').symlink_to(victim)
    with pytest.raises(UnsafeOutputError, match='is a link'):
        VideoFileWriter(str(out / 'clip_overlay.mp4'), 5, root=str(out))
    w = VideoFileWriter(str(out / 'clip_overlay.mp4'), 5, root=str(out), overwrite=True)
    for i in range(3):
        w.write(np.full((32, 48, 3), 60 * i, np.uint8))
    assert (out / 'clip_overlay.mp4').is_symlink()  # nothing moved before close
    assert w.close() == str(out / 'clip_overlay.mp4')
    assert not (out / 'clip_overlay.mp4').is_symlink()
    assert victim.read_bytes() == b'precious video'
    cap = cv2.VideoCapture(str(out / 'clip_overlay.mp4'))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 3 and int(cap.get(3)) == 48
    cap.release()
    assert sorted(os.listdir(out)) == ['clip_overlay.mp4']
    # an error while writing: the partial video is dropped, the target left as it was
    with pytest.raises(RuntimeError):
        with VideoFileWriter(str(out / 'clip_overlay.mp4'), 5, overwrite=True) as w:
            w.write(np.zeros((32, 48, 3), np.uint8))
            raise RuntimeError('stop')
    assert sorted(os.listdir(out)) == ['clip_overlay.mp4']
