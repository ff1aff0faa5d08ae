"""Safe writes and reads: nothing replaced by accident, nothing written through links, no code
run when reading (issue: bad input never loses data, never runs code)."""
import json
import os
import pickle

import numpy as np
import pytest

from projects.core.fileio import (UnsafeOutputError, check_output, load_restricted_pickle,
                                  read_json, write_bytes, write_json)


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
