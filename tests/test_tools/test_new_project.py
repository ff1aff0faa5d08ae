"""tools/new_project.py: from a scientist's labels to a project that trains, tests and predicts."""
import hashlib
import json
import math
import os
import os.path as osp
import sys

import numpy as np
import pytest

from tests.test_core.test_datasets.test_own_labels import PARTS, mouse, write_dlc

from .test_train_test import run
from .tiny_config import ROOT


def digest(paths):
    return [hashlib.sha256(open(p, 'rb').read()).hexdigest() for p in paths]


@pytest.fixture(scope='module')
def fly_subset(shared_data, tmp_path_factory):
    """30 labeled frames of the fly clip (every 50th), as a scientist's own .slp."""
    import sleap_io as sio
    labels = sio.load_slp(osp.join(shared_data, 'fly', 'clip.slp'))
    video = labels.videos[0]
    video.replace_filename(osp.join(shared_data, 'fly', 'clip.mp4'), open=False)
    keep = [lf for lf in labels.labeled_frames if lf.frame_idx % 50 == 0]
    out = tmp_path_factory.mktemp('fly_labels') / 'flies.slp'
    sio.save_slp(sio.Labels(labeled_frames=keep, videos=[video], skeletons=labels.skeletons,
                            tracks=labels.tracks), str(out))
    return str(out)


def test_fly_slp_to_a_project_that_trains_tests_and_predicts(fly_subset, shared_data,
                                                               tmp_path):
    import sleap_io as sio
    out = tmp_path / 'flies'
    unlabeled = osp.join(shared_data, 'fly', 'centered_pair_low_quality.mp4')
    inputs = [fly_subset, osp.join(shared_data, 'fly', 'clip.mp4'), unlabeled]
    before = digest(inputs)
    p = run([sys.executable, 'tools/new_project.py', fly_subset, '--out', str(out),
             '--unlabeled', unlabeled, '--max-unlabeled', '20'])
    assert digest(inputs) == before
    # the split: 30 frames, 10 % each for val and test
    sizes = {s: len(json.load(open(out / 'annotations' / f'{s}.json'))['images'])
             for s in ('train', 'val', 'test')}
    assert sizes == dict(train=24, val=3, test=3)
    # every labeled fly is in one of the three files, with its 13 keypoints by name
    n_ann = sum(len(json.load(open(out / 'annotations' / f'{s}.json'))['annotations'])
                for s in sizes)
    assert n_ann == 60
    # unlabeled: 20 of the clip's 1470 other frames + 20 of the second video
    unl = json.load(open(out / 'annotations' / 'unlabeled.json'))['images']
    assert len(unl) == 40 and {osp.basename(u['video']) for u in unl} == {
        'clip.mp4', 'centered_pair_low_quality.mp4'}
    # frames extracted once, as images/clip/<frame>.png
    assert sorted(os.listdir(out / 'images' / 'clip'))[:2] == ['000000.png', '000050.png']
    # the input size by hand: the median fly (longer side of its keypoint box) in the subset
    labels = sio.load_slp(fly_subset)
    lengths = []
    for lf in labels:
        for inst in lf.user_instances:
            pts = inst.numpy()
            pts = pts[~np.isnan(pts).any(1)]
            lengths.append((pts.max(0) - pts.min(0)).max())
    # median 94 px: 64.5 / 94 = 0.686 of the frame (the pixel floor, sqrt(640 * 384) / 1024 =
    # 0.484, is lower): 1024 * 0.686 = 702.6 -> 704
    assert np.median(lengths) == 94.0
    scale = max(64.5 / np.median(lengths), math.sqrt(640 * 384 / 1024 ** 2))
    side = int(round(1024 * min(scale, 1.0) / 32)) * 32
    assert side == 704
    from mmengine.config import Config
    cfg = Config.fromfile(str(out / 'directpose.py'))
    assert tuple(cfg.input_size) == (side, side)
    assert tuple(cfg.codec.heatmap_size) == (side // 8, side // 8)
    assert cfg.codec.max_instances == 3  # 2 flies labeled at most, + a quarter (>= 1)
    # flip pairs: the skeleton declares none here, so they come from the names
    info = (out / 'dataset_info.py').read_text()
    assert 'GUESSED' in info
    meta_pairs = {("wingL", "wingR"), ("forelegL4", "forelegR4"), ("midlegL4", "midlegR4"),
                  ("hindlegL4", "hindlegR4"), ("eyeL", "eyeR")}
    readme = (out / 'README.md').read_text()
    for a, b in meta_pairs:
        assert f'`{a}`/`{b}`' in readme
    assert 'GUESSED' in readme and '24 train / 3 val / 3 test' in readme
    assert cfg.val_dataloader.dataset.ann_file == 'annotations/val.json'
    assert cfg.test_dataloader.dataset.ann_file == 'annotations/test.json'
    assert cfg.default_hooks.checkpoint.save_best == 'coco/AP'
    # an existing folder: refused without --overwrite, nothing touched
    p = run([sys.executable, 'tools/new_project.py', fly_subset, '--out', str(out)], check=False)
    assert p.returncode == 2 and 'exists; pass --overwrite' in p.stderr
    # the configs train, test and predict as written
    work = tmp_path / 'work'
    run([sys.executable, 'tools/train.py', str(out / 'directpose.py'), '--iters', '2',
         '--work-dir', str(work)])
    ckpt = work / 'iter_2.pth'
    assert ckpt.is_file()
    metrics = tmp_path / 'metrics.json'
    run([sys.executable, 'tools/test.py', str(out / 'directpose.py'), str(ckpt), '--out',
         str(metrics), '--work-dir', str(work)])
    m = json.load(open(metrics))
    for key in ('coco/AP', 'sleap/AP', 'px/median', 'px/head_median', 'px/matched'):
        assert key in m
    p = run([sys.executable, 'tools/predict.py', str(out / 'directpose.py'), str(ckpt),
             unlabeled, '--frames', '0:3', '--out', str(tmp_path / 'pred'), '--save', 'slp',
             '--score-thr', '0'])
    # predict.py takes its threshold from the checkpoint when ScoreThresholdHook stored one
    # (a val pass that decoded instances), else the default; it says which
    import torch
    meta = torch.load(ckpt, map_location='cpu', weights_only=True)['meta']
    q = run([sys.executable, 'tools/predict.py', str(out / 'directpose.py'), str(ckpt),
             unlabeled, '--frames', '0:1', '--out', str(tmp_path / 'pred2'), '--save', 'coco'])
    said = f'--score-thr {meta["score_thr"]:.3f} (best F1 on the val frames' \
        if 'score_thr' in meta else '--score-thr 0.300 (the default'
    assert said in q.stdout
    pred = sio.load_slp(str(tmp_path / 'pred' / 'centered_pair_low_quality.slp'))
    assert [lf.frame_idx for lf in pred] == [0, 1, 2]
    assert pred.skeletons[0].node_names == labels.skeletons[0].node_names
    # SemiMultiPose with the unlabeled stream trains too
    run([sys.executable, 'tools/train.py', str(out / 'semimultipose.py'), '--iters', '2',
         '--no-validate', '--work-dir', str(tmp_path / 'work_smp')])
    assert (tmp_path / 'work_smp' / 'iter_2.pth').is_file()
    # the paper's configuration loads and builds its datasets
    paper = Config.fromfile(str(out / 'semimultipose_paper-gpu.py'))
    assert paper.model.backbone.type == 'ResNet' and paper.train_cfg.max_iters == 15000


def test_dlc_folder_single_animal_project(tmp_path):
    """DeepLabCut labels of one mouse (bodyparts in a non-alphabetical order): keypoints by
    name, one instance per frame, guessed ear pair, side-view rotation."""
    csv = write_dlc(str(tmp_path / 'dlc'), [mouse(i) for i in range(20)])
    out = tmp_path / 'proj'
    run([sys.executable, 'tools/new_project.py', csv, '--out', str(out), '--seed', '1'])
    from mmengine.config import Config
    cfg = Config.fromfile(str(out / 'directpose.py'))
    assert cfg.codec.max_instances == 1
    # frames of 64x48 are smaller than the recipe's input: native size, sides to 32
    assert tuple(cfg.input_size) == (64, 64)
    # every mouse faces the same way (snout above tailbase): +-30 degrees, not any angle
    assert cfg.affine.rotate_factor == 30
    train = json.load(open(out / 'annotations' / 'train.json'))
    names = train['categories'][0]['keypoints']
    assert names == sorted(PARTS) and len(train['images']) == 16
    for im, ann in zip(train['images'], train['annotations']):
        i = int(im['file_name'].split('img')[1][:3])
        kp = np.asarray(ann['keypoints']).reshape(-1, 3)
        for j, name in enumerate(names):
            np.testing.assert_allclose(kp[j, :2], mouse(i)[PARTS.index(name)])
    # image files are linked, never copied
    link = out / 'images' / train['images'][0]['file_name']
    assert link.is_symlink() and osp.realpath(link).startswith(str(tmp_path / 'dlc'))
    info = (out / 'dataset_info.py').read_text()
    assert "swap='rightear'" in info and 'GUESSED' in info
    run([sys.executable, 'tools/train.py', str(out / 'directpose.py'), '--iters', '2',
         '--work-dir', str(tmp_path / 'work')])
    assert (tmp_path / 'work' / 'iter_2.pth').is_file()


def test_bad_input_is_refused_and_nothing_touched(tmp_path):
    csv = write_dlc(str(tmp_path / 'dlc'), [mouse(i) for i in range(3)])
    before = digest([csv])
    # fewer frames than the split needs
    p = run([sys.executable, 'tools/new_project.py', csv, '--out', str(tmp_path / 'a'),
             '--val', '0.5', '--test', '0.4'], check=False)
    assert p.returncode == 2 and '3 labeled frames: too few for the split' in p.stderr
    assert not (tmp_path / 'a').exists()
    # --out is the labels file itself
    p = run([sys.executable, 'tools/new_project.py', csv, '--out', csv], check=False)
    assert p.returncode == 2 and f'it is the input file {csv}; expected a folder' in p.stderr
    # a format sleap-io does not read
    (tmp_path / 'labels.txt').write_text('x')
    p = run([sys.executable, 'tools/new_project.py', str(tmp_path / 'labels.txt'), '--out',
             str(tmp_path / 'b')], check=False)
    assert p.returncode == 2 and 'sleap-io cannot read it' in p.stderr
    assert digest([csv]) == before


def test_slp2dlc_one_animal_cropped_and_alone(shared_data, tmp_path):
    """The female of the fly clip as DeepLabCut labels: keypoints shifted into the crop, the
    male painted over with the frame's median grey."""
    import cv2
    import sleap_io as sio
    slp = osp.join(shared_data, 'fly', 'clip.slp')
    p = run([sys.executable, 'tools/dataset_converters/slp2dlc.py', slp, '--out',
             str(tmp_path), '--frames', '0:30:10', '--track', 'female', '--crop', '320', '240',
             '--mask-others'])
    assert '3 frames' in p.stdout
    csv = tmp_path / 'labeled-data' / 'clip' / 'CollectedData_posebridge.csv'
    rows = csv.read_text().splitlines()
    assert rows[1].split(',')[3:5] == ['head', 'head'] and len(rows) == 6
    labels = sio.load_slp(slp)
    masked = 0
    for row, idx in zip(rows[3:], (0, 10, 20)):
        cells = row.split(',')
        assert cells[:3] == ['labeled-data', 'clip', f'img{idx:05d}.png']
        fem = [i for i in labels[idx].user_instances if i.track.name == 'female'][0].numpy()
        male = [i for i in labels[idx].user_instances if i.track.name == 'male'][0].numpy()
        head = np.array([float(cells[3]), float(cells[4])])
        # the crop is centred on the female's mean keypoint, clamped to the 1024x1024 frame
        c = np.nanmean(fem, 0)
        x0, y0 = np.clip(np.round(c - [160, 120]), 0, [1024 - 320, 1024 - 240])
        np.testing.assert_allclose(head, fem[0] - [x0, y0], atol=0.01)
        img = cv2.imread(str(csv.parent / f'img{idx:05d}.png'))
        assert img.shape == (240, 320, 3)
        thorax = np.round(male[1] - [x0, y0]).astype(int)
        if 0 <= thorax[0] < 320 and 0 <= thorax[1] < 240:
            full = cv2.imread(str(csv.parent / f'img{idx:05d}.png'))
            assert (full[thorax[1], thorax[0]] < 40).all()  # dark background grey, no fly
            masked += 1
    assert masked >= 1  # the courting male is inside the crop


def test_coco_keypoints_to_a_project(honeybee_coco, tmp_path):
    """A COCO keypoint file whose images are in another folder (--images): 30 hive frames of
    3-29 bees, 5 keypoints; the project trains and tests."""
    ann = osp.join(honeybee_coco, 'annotations', 'honeybee_test.json')
    out = tmp_path / 'bees'
    # the images are not beside the file: refused, naming them
    p = run([sys.executable, 'tools/new_project.py', ann, '--out', str(out)], check=False)
    assert p.returncode == 2 and 'images missing' in p.stderr and '--images' in p.stderr
    assert not out.exists()
    run([sys.executable, 'tools/new_project.py', ann, '--images',
         osp.join(honeybee_coco, 'images'), '--out', str(out)])
    coco = json.load(open(ann))
    from collections import Counter
    most = max(Counter(a['image_id'] for a in coco['annotations']).values())
    from mmengine.config import Config
    cfg = Config.fromfile(str(out / 'directpose.py'))
    assert cfg.codec.max_instances == most + math.ceil(most / 4)
    # bees (median 258 px) in 2560x1440 frames: the pixel floor decides, sqrt(640 * 384 /
    # (2560 * 1440)) = 0.258 -> 660.6 x 371.6 -> 672 x 384
    assert tuple(cfg.input_size) == (672, 384)
    # bees face every way on the ramp: any rotation
    assert cfg.affine.rotate_factor == 180
    assert (out / 'README.md').read_text().count('`RAnt`/`LAnt`') == 1
    sizes = [len(json.load(open(out / 'annotations' / f'{s}.json'))['images'])
             for s in ('train', 'val', 'test')]
    assert sizes == [24, 3, 3]
    run([sys.executable, 'tools/train.py', str(out / 'directpose.py'), '--iters', '2',
         '--work-dir', str(tmp_path / 'work')])
    run([sys.executable, 'tools/test.py', str(out / 'directpose.py'),
         str(tmp_path / 'work' / 'iter_2.pth'), '--out', str(tmp_path / 'm.json'),
         '--work-dir', str(tmp_path / 'work')])
    assert 'px/LAnt_median' in json.load(open(tmp_path / 'm.json'))


def test_sleap2coco_errors_name_what_to_do(tmp_path, shared_data):
    """A .slp whose video is a list of images, and --video naming a folder: clear errors
    instead of a bare TypeError."""
    import sleap_io as sio
    csv = write_dlc(str(tmp_path / 'dlc'), [mouse(i) for i in range(4)])
    slp = tmp_path / 'images.slp'
    sio.load_file(csv).save(str(slp))
    p = run([sys.executable, 'tools/dataset_converters/sleap2coco.py', str(slp), '--out',
             str(tmp_path / 'o')], check=False)
    assert p.returncode == 2 and 'is a list of 4 image files' in p.stderr
    assert 'tools/new_project.py' in p.stderr and 'TypeError' not in p.stderr
    # a .slp on a video, with --video naming a folder
    folder = tmp_path / 'dlc' / 'labeled-data'
    fly = osp.join(shared_data, 'fly', 'clip.slp')
    p = run([sys.executable, 'tools/dataset_converters/sleap2coco.py', fly, '--video',
             str(folder), '--out', str(tmp_path / 'o2')], check=False)
    assert p.returncode == 2 and f'--video {folder}: not a video file' in p.stderr
