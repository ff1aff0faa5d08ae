"""The converter command lines on the real files."""
import json
import os
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
    out = run('tools/dataset_converters/honeybee2coco.py',
              osp.join(shared_data, 'honeybee'), '--out', str(tmp_path), '--num-test', '20',
              '--seed', '3')
    assert 'train5-d4_unlabeled' in out
    test = json.load(open(tmp_path / 'annotations' / 'honeybee_test.json'))
    assert len(test['images']) == 20


def sha(path):
    import hashlib
    return hashlib.sha256(open(path, 'rb').read()).hexdigest()


def run_fails(*args):
    p = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                       timeout=600)
    assert p.returncode != 0, p.stdout[-2000:]
    return p.stderr


def test_video2frames_never_replaces_its_video_or_labels(tmp_path, shared_data):
    import shutil
    video = tmp_path / 'pair.mp4'
    shutil.copy(osp.join(shared_data, 'fly', 'centered_pair_low_quality.mp4'), video)
    labeled = tmp_path / 'labeled.json'
    labeled.write_text(json.dumps(dict(images=[dict(id=1, file_name='a.png')],
                                       annotations=[dict(id=i, image_id=1) for i in range(6)],
                                       categories=[])))
    before = {p: sha(p) for p in (video, labeled)}
    err = run_fails('tools/dataset_converters/video2frames.py', str(video), '--out',
                    str(tmp_path / 'f'), '--count', '2', '--coco', str(video))
    assert 'input file' in err
    err = run_fails('tools/dataset_converters/video2frames.py', str(video), '--out',
                    str(tmp_path / 'f'), '--count', '2', '--coco', str(labeled))
    assert 'labeled.json' in err and '--overwrite' in err
    assert {p: sha(p) for p in before} == before
    # explicit --overwrite replaces the file, atomically
    run('tools/dataset_converters/video2frames.py', str(video), '--out', str(tmp_path / 'f'),
        '--count', '2', '--coco', str(labeled), '--overwrite')
    assert json.load(open(labeled))['annotations'] == []
    assert sha(video) == before[video]


def test_sleap2coco_never_writes_through_links(tmp_path, shared_data, honeybee_coco):
    import shutil
    bee_images = osp.join(shared_data, 'honeybee', 'train')
    listing = sorted(os.listdir(bee_images))
    # DIR/images is the link the honeybee converter made: the fly frames must not land there
    out = tmp_path / 'out'
    out.mkdir()
    (out / 'images').symlink_to(osp.join(honeybee_coco, 'images'))
    slp, mp4 = osp.join(shared_data, 'fly', 'clip.slp'), osp.join(shared_data, 'fly', 'clip.mp4')
    err = run_fails('tools/dataset_converters/sleap2coco.py', slp, '--video', mp4, '--out',
                    str(out), '--frames', '0:2')
    assert 'outside the output folder' in err
    assert sorted(os.listdir(bee_images)) == listing
    # a planted link to a file: its target is left as it was
    out2 = tmp_path / 'out2'
    (out2 / 'images').mkdir(parents=True)
    victim = tmp_path / 'victim.txt'
    victim.write_text('precious')
    (out2 / 'images' / 'clip_000000.png').symlink_to(victim)
    shutil.copy(slp, tmp_path / 'clip.slp')
    err = run_fails('tools/dataset_converters/sleap2coco.py', str(tmp_path / 'clip.slp'),
                    '--video', mp4, '--out', str(out2), '--frames', '0:2')
    assert 'is a link' in err
    assert victim.read_text() == 'precious'
    assert sha(tmp_path / 'clip.slp') == sha(slp)


def test_errors_name_the_file(tmp_path):
    """Bad inputs of issue 13 (item 8): each error names the file."""
    fake = tmp_path / 'not_sleap.slp'
    fake.write_text('hello')
    err = run_fails('tools/dataset_converters/sleap2coco.py', str(fake), '--out',
                    str(tmp_path / 'o'))
    assert 'not_sleap.slp is not a SLEAP labels file' in err
    empty = tmp_path / 'empty.avi'
    vw = cv2.VideoWriter(str(empty), cv2.VideoWriter_fourcc(*'MJPG'), 25, (32, 32))
    vw.release()
    err = run_fails('tools/dataset_converters/video2frames.py', str(empty), '--out',
                    str(tmp_path / 'f'), '--count', '2')
    assert 'empty.avi has no frames' in err
    err = run_fails('tools/dataset_converters/mini_rgbd2coco.py', str(tmp_path / 'nowhere'),
                    '--out', str(tmp_path / 'out'))
    assert 'MINI-RGBD folder' in err and 'nowhere does not exist' in err
    mpii = tmp_path / 'mpii_train.json'
    mpii.write_text('[{"image": "a.jpg", "joints": [[1, 2]')
    err = run_fails('tools/dataset_converters/mpii_subset.py', str(mpii), '--out',
                    str(tmp_path / 'm'), '--num', '1')
    assert 'mpii_train.json is not valid JSON' in err
