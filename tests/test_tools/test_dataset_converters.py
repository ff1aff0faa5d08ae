"""The converter command lines on the real files."""
import json
import os.path as osp
import subprocess
import sys

import cv2

from .tiny_config import ROOT


def run(*args):
    p = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                       timeout=600)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-3000:]
    return p.stdout


def test_video2frames_count_and_coco(tmp_path, shared_data):
    video = osp.join(shared_data, 'fly', 'centered_pair_low_quality.mp4')
    out = run('tools/dataset_converters/video2frames.py', video, '--out', str(tmp_path / 'f'),
              '--count', '4', '--coco', str(tmp_path / 'unl.json'))
    assert '4 frames written' in out
    coco = json.load(open(tmp_path / 'unl.json'))
    # 4 frames evenly over 0..1099: 0, 366, 733, 1099
    assert [im['frame_idx'] for im in coco['images']] == [0, 366, 733, 1099]
    assert coco['annotations'] == []
    img = cv2.imread(str(tmp_path / 'f' / coco['images'][-1]['file_name']))
    assert img.shape == (384, 384, 3)


def test_sleap2coco_frames_range(tmp_path, shared_data):
    run('tools/dataset_converters/sleap2coco.py', osp.join(shared_data, 'fly', 'clip.slp'),
        '--video', osp.join(shared_data, 'fly', 'clip.mp4'), '--out', str(tmp_path),
        '--frames', '0:30:10', '--split', 'sub')
    coco = json.load(open(tmp_path / 'annotations' / 'clip_sub.json'))
    assert [im['id'] for im in coco['images']] == [0, 10, 20]
    assert len(coco['annotations']) == 6


def test_honeybee2coco_cli(tmp_path, shared_data):
    out = run('tools/dataset_converters/honeybee2coco.py', '--src',
              osp.join(shared_data, 'honeybee'), '--out', str(tmp_path), '--num-test', '20',
              '--seed', '3')
    assert 'train5-d4_unlabeled' in out
    test = json.load(open(tmp_path / 'annotations' / 'honeybee_test.json'))
    assert len(test['images']) == 20
