"""The infant chain (detector -> 2D -> lifter) end to end through tools/infant_chain.py on
real Human3.6M and MPI-INF-3DHP frames with random weights: every stage runs and writes its
files (the numbers themselves are meaningless)."""
import csv
import glob
import json
import os.path as osp
import shutil
import sys

import cv2
import numpy as np
import pytest

from .test_train_test import run


def _frames(shared_data):
    h36m = sorted(glob.glob(osp.join(shared_data, 'mmpose_samples', 'h36m', 'S*', '*', '*.jpg')))
    hp = sorted(glob.glob(osp.join(shared_data, 'mmpose_samples', 'mpi_inf_3dhp', '*.jpg')))
    return h36m[:2] + hp[:2]


def test_chain_on_image_folder(shared_data, tmp_path):
    src = tmp_path / 'frames'
    src.mkdir()
    paths = _frames(shared_data)
    for p in paths[1:]:
        shutil.copy(p, src)
    # the shared FrameSource reads TIFF as well (the chain's own reader did not)
    tif = src / (osp.splitext(osp.basename(paths[0]))[0] + '.tif')
    cv2.imwrite(str(tif), cv2.imread(paths[0]))
    out = tmp_path / 'out'
    run([sys.executable, 'tools/infant_chain.py', str(src), '--out', str(out),
         '--fallback-full-image', '--smooth', '3', '--polyorder', '1', '--plot-every', '1',
         '--random-weights'])
    res = json.load(open(out / 'predictions.json'))
    assert len(res['joints']) == 16 and res['joints'][6] == 'pelvis'
    assert len(res['frames']) == 4 and str(tif) in [fr['image'] for fr in res['frames']]
    for fr in res['frames']:
        img = cv2.imread(fr['image'])
        assert np.asarray(fr['keypoints_2d']).shape == (16, 2)
        assert np.asarray(fr['scores_2d']).shape == (16, )
        kp3d = np.asarray(fr['keypoints_3d'])
        assert kp3d.shape == (16, 3)
        x1, y1, x2, y2 = fr['bbox']
        assert 0 <= x1 < x2 <= img.shape[1] and 0 <= y1 < y2 <= img.shape[0]
        assert set(fr['time']) == {'detection', 'pose2d', 'lifting'}
        overlay = cv2.imread(str(out / 'overlay' / (osp.splitext(osp.basename(fr['image']))[0]
                                                  + '.jpg')))
        assert overlay.shape == img.shape
    assert len(res['raw']) == 4 and res['smoothing']['window'] == 3
    # Savitzky-Golay of window 3 and order 1 is the mean of three frames inside the track
    raw3d = np.array([f['keypoints_3d'] for f in res['raw']])
    for t in (1, 2):
        np.testing.assert_allclose(res['frames'][t]['keypoints_3d'], raw3d[t - 1:t + 2].mean(0),
                                   atol=1e-3)
    assert res['jitter']['keypoints_3d']['frames'] == 4
    rows = list(csv.reader(open(out / 'predictions.csv')))
    assert len(rows) == 5 and len(rows[0]) == 7 + 16 * 6
    assert rows[0][7:10] == ['right_ankle_x', 'right_ankle_y', 'right_ankle_score']
    assert len(glob.glob(str(out / 'pose3d' / '*.png'))) == 4


def test_chain_on_video(shared_data, tmp_path):
    img = cv2.imread(_frames(shared_data)[0])
    video = str(tmp_path / 'clip.mp4')
    w = cv2.VideoWriter(video, cv2.VideoWriter_fourcc(*'mp4v'), 10, (img.shape[1], img.shape[0]))
    for i in range(3):
        w.write(np.roll(img, 4 * i, axis=1))
    w.release()
    out = tmp_path / 'out'
    run([sys.executable, 'tools/infant_chain.py', video, '--out', str(out),
         '--fallback-full-image', '--random-weights'])
    res = json.load(open(out / 'predictions.json'))
    assert res['fps'] == 10 and [f['image'] for f in res['frames']] == [
        f'{video}#{i}' for i in range(3)]
    cap = cv2.VideoCapture(str(out / 'overlay.mp4'))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 3
    assert osp.isfile(out / 'pose3d' / '00000.png')
    # a second run into the same folder replaces nothing without --overwrite, and says which
    # file it refused; with it, the files are replaced (a planted link, never its target)
    before = {f: (out / f).read_bytes() for f in ('predictions.json', 'overlay.mp4')}
    p = run([sys.executable, 'tools/infant_chain.py', video, '--out', str(out),
             '--fallback-full-image', '--random-weights'], check=False)
    assert p.returncode != 0 and 'predictions.json' in p.stderr and '--overwrite' in p.stderr
    assert {f: (out / f).read_bytes() for f in before} == before
    target = tmp_path / 'elsewhere.csv'
    target.write_text('keep me')
    (out / 'predictions.csv').unlink()
    (out / 'predictions.csv').symlink_to(target)
    run([sys.executable, 'tools/infant_chain.py', video, '--out', str(out),
         '--fallback-full-image', '--random-weights', '--overwrite'])
    assert target.read_text() == 'keep me' and not osp.islink(out / 'predictions.csv')
    assert len(list(csv.reader(open(out / 'predictions.csv')))) == 4
    p = run([sys.executable, 'tools/infant_chain.py', str(tmp_path / 'nope.mp4'), '--out',
             str(out)], check=False)
    assert p.returncode != 0 and 'nope.mp4: no such file or folder' in p.stderr


def test_chain_weights_default_to_the_configs_and_fail_clearly(tmp_path, monkeypatch):
    """Without --STAGE-checkpoint each stage uses its config's load_from; a checkpoint that
    cannot be found or downloaded stops the tool with what to get and where to put it."""
    import torch
    from projects.infant3d.apis import MissingWeightsError, resolve_stage_checkpoint
    from mmengine.config import Config
    from .tiny_config import ROOT
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch'))
    torch.hub.set_dir(str(tmp_path / 'torch' / 'hub'))
    det_cfg = osp.join(ROOT, 'configs/infant3d/faster-rcnn_r50_fpn_1x_coco-person.py')
    url = Config.fromfile(det_cfg).load_from
    assert url.startswith('https://download.openmmlab.com/mmdetection/')
    cached = tmp_path / 'torch' / 'hub' / 'checkpoints' / osp.basename(url)
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b'weights')
    assert resolve_stage_checkpoint('det', det_cfg, root=ROOT) == str(cached)  # no download
    lifter_cfg = osp.join(ROOT, 'configs', 'infant3d',
                          'image-pose-lift_tcn_3dhp-ft_8xb64-100e_mini-rgbd.py')
    with pytest.raises(MissingWeightsError, match=r'lifter: checkpoint work_dirs/.*epoch_200\.pth '
                       r'\(named by .* \(load_from\)\) does not exist.*--lifter-checkpoint'):
        resolve_stage_checkpoint('lifter', lifter_cfg, root=str(tmp_path))
    with pytest.raises(MissingWeightsError, match=r'cannot download http://127\.0\.0\.1:9/x\.pth'
                       r'.*put it at .*checkpoints/x\.pth'):
        resolve_stage_checkpoint('pose2d', det_cfg, 'http://127.0.0.1:9/x.pth')
    assert not (tmp_path / 'torch' / 'hub' / 'checkpoints' / 'x.pth').exists()
    p = run([sys.executable, 'tools/infant_chain.py', str(tmp_path), '--out', str(tmp_path / 'o'),
             '--det-checkpoint', str(tmp_path / 'missing.pth')], check=False)
    assert p.returncode != 0 and 'det: checkpoint' in p.stderr and 'missing.pth' in p.stderr
