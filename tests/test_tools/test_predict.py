"""tools/predict.py and MMPose's inferencers on PoseBridge configs (issue 11)."""
import json
import os.path as osp
import sys

import cv2
import numpy as np
import pytest
import torch

from .test_train_test import run, tiny_data  # noqa: F401
from .tiny_config import ROOT, write_tiny_config


@pytest.fixture(scope='module')
def tiny_model(tiny_data, tmp_path_factory):  # noqa: F811
    """The tiny DirectPose config and a checkpoint whose B2 scores 0.5 everywhere (so that
    random weights still give instances), plus a 4-frame video of real hive frames."""
    from mmengine.config import Config
    from mmpose.registry import MODELS
    import projects.semimultipose  # noqa: F401
    tmp = tmp_path_factory.mktemp('predict')
    cfg_path = write_tiny_config(tmp / 'tiny.py', tiny_data, 'annotations/tiny.json')
    cfg = Config.fromfile(cfg_path)
    cfg.model.backbone.init_cfg = None
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    torch.nn.init.zeros_(model.head.box_logits.bias)
    ckpt = str(tmp / 'tiny.pth')
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), ckpt)
    ann = json.load(open(osp.join(tiny_data, 'annotations', 'honeybee_test.json')))
    video = str(tmp / 'hive.mp4')
    writer = cv2.VideoWriter(video, cv2.VideoWriter_fourcc(*'mp4v'), 5, (320, 180))
    for im in ann['images'][:4]:
        img = cv2.imread(osp.join(tiny_data, 'images', im['file_name']))
        writer.write(cv2.resize(img, (320, 180)))
    writer.release()
    return cfg_path, ckpt, video


def test_predict_video_tracks_and_exports(tiny_model, tmp_path):
    import sleap_io as sio
    from projects.core.datasets.video import FrameReader
    cfg, ckpt, video = tiny_model
    out = tmp_path / 'out'
    p = run([sys.executable, 'tools/predict.py', cfg, ckpt, video, '--out', str(out),
             '--score-thr', '0', '--max-animals', '3', '--track', '--track-distance', '1000',
             '--save', 'slp', 'coco', 'overlay'])
    assert '4 frames' in p.stdout and 'frames/s end to end' in p.stdout
    labels = sio.load_slp(str(out / 'hive.slp'))
    assert [lf.frame_idx for lf in labels] == [0, 1, 2, 3]
    assert all(1 <= len(lf.instances) <= 3 for lf in labels)
    assert labels.videos[0].filename == video and labels.skeletons[0].node_names == [
        'Tail', 'Head', 'Thorax', 'RAnt', 'LAnt']
    inst = labels[0].instances[0]
    assert inst.track is not None and 0 <= inst.score <= 1
    assert np.isfinite(inst.numpy(scores=True)).all()
    coco = json.load(open(out / 'hive.json'))
    assert len(coco) == sum(len(lf.instances) for lf in labels)
    assert {c['frame_idx'] for c in coco} == {0, 1, 2, 3} and len(coco[0]['keypoints']) == 15
    assert len(FrameReader(str(out / 'hive_overlay.mp4'))) == 4
    # the same outputs again: refused without --overwrite, before any model runs
    p = run([sys.executable, 'tools/predict.py', cfg, ckpt, video, '--out', str(out)],
            check=False)
    assert p.returncode != 0 and 'hive.slp' in p.stderr
    # a frame range
    run([sys.executable, 'tools/predict.py', cfg, ckpt, video, '--out', str(tmp_path / 'o2'),
         '--frames', '1:3', '--score-thr', '0', '--max-animals', '2', '--save', 'slp'])
    assert [lf.frame_idx for lf in sio.load_slp(str(tmp_path / 'o2' / 'hive.slp'))] == [1, 2]
    p = run([sys.executable, 'tools/predict.py', cfg, ckpt, video, '--out', str(tmp_path / 'o3'),
             '--frames', '2:9'], check=False)
    assert p.returncode == 2 and 'has 4 frames' in p.stderr


def test_filter_instances_by_hand():
    sys.path.insert(0, osp.join(ROOT, 'tools'))
    from predict import filter_instances
    base = np.array([[0., 0.], [10., 5.], [20., 10.]])  # keypoint box 20 x 10
    kpts = np.stack([base, base + 0.5, base + 100, base + 200])
    ks = np.ones((4, 3))
    scores = np.array([0.9, 0.8, 0.7, 0.1])
    sig = np.full(3, 0.1)
    # 1 is a duplicate of 0 (OKS = exp(-0.5 / (4 * 0.01) / 200 / 2) = 0.97), 3 scores
    # below the threshold
    assert filter_instances((kpts, ks, scores), sig, 0.3, 0.5, None).tolist() == [0, 2]
    assert filter_instances((kpts, ks, scores), sig, 0.0, 1.0, 2).tolist() == [0, 1]


@pytest.mark.parametrize('family', ['bottomup', 'topdown'])
def test_mmpose_inferencer_runs_each_model_family(family, tiny_model, shared_data):
    """MMPose's own inference API (MMPoseInferencer) on a PoseBridge one-stage config and on
    a cross-species top-down heatmap config (random weights; the API, not accuracy)."""
    from mmpose.apis import MMPoseInferencer
    if family == 'bottomup':
        cfg, ckpt, _ = tiny_model
        img = osp.join(shared_data, 'honeybee', 'train',
                       sorted(p for p in __import__('os').listdir(
                           osp.join(shared_data, 'honeybee', 'train'))
                              if p.endswith('.jpg'))[0])
        k = 5
    else:
        import projects.cross_species  # noqa: F401
        cfg = osp.join(ROOT, 'configs', 'cross_species', 'td-hm_res50_8xb64-210e_mpii-256x256.py')
        ckpt = None
        img = np.zeros((256, 256, 3), np.uint8)
        k = 16
    # top-down: the whole image is the box (no detector to download here)
    inferencer = MMPoseInferencer(pose2d=cfg, pose2d_weights=ckpt, device='cpu',
                                  det_model='whole_image' if family == 'topdown' else None)
    result = next(inferencer(img, return_datasamples=True))
    pred = result['predictions'][0].pred_instances
    assert pred.keypoints.shape[1:] == (k, 2) and len(pred.keypoints) >= 1


def test_tracking_eval_by_hand(tmp_path):
    """Two animals, 6 frames, listed in swapped order from frame 3: per-frame ids switch
    identity once each (2 switches, IDF1 = 0.5), a correct tracker none (IDF1 = 1)."""
    sys.path.insert(0, osp.join(ROOT, 'tools', 'analysis'))
    from tracking_eval import score
    a = np.array([[0., 0.], [4., 0.]])
    gt, hyp_swap, hyp_ok = {}, {}, {}
    for f in range(6):
        pts = np.stack([a + [10 * f, 0], a + [10 * f, 100]])
        gt[f] = (pts, ['m', 'f'])
        order = [1, 0] if f >= 3 else [0, 1]
        hyp_swap[f] = (pts[order], [0, 1])
        hyp_ok[f] = (pts, [7, 9])
    s = score(gt, hyp_swap, max_dist=20)
    assert s['switches'] == 2 and s['IDF1'] == pytest.approx(0.5) and s['misses'] == 0
    assert s['MOTA'] == pytest.approx(1 - 2 / 12)  # MOTA = 1 - (FN + FP + IDSW) / GT
    s = score(gt, hyp_ok, max_dist=20)
    assert s['switches'] == 0 and s['IDF1'] == 1.0 and s['MOTA'] == 1.0
    # beyond max_dist nothing matches: every GT is a miss and every hypothesis a false positive
    far = {f: (p + 1000, ids) for f, (p, ids) in hyp_ok.items()}
    s = score(gt, far, max_dist=20)
    assert s['misses'] == 12 and s['false_positives'] == 12


def test_predict_loads_mmpose_0x_checkpoints_and_refuses_wrong_ones(tiny_model, tmp_path,
                                                                    shared_data):
    """A published MMPose 0.x top-down checkpoint (keypoint_head.*) predicts through
    tools/predict.py; a checkpoint that does not fit the config stops it with the file named."""
    import projects.cross_species  # noqa: F401
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmpose.registry import MODELS
    cfg_path = osp.join(ROOT, 'configs', 'cross_species', 'td-hm_res50_8xb64-210e_mpii-256x256.py')
    cfg = Config.fromfile(cfg_path)
    cfg.model.backbone.init_cfg = None
    init_default_scope('mmpose')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    old = {('keypoint_head.' + k[5:] if k.startswith('head.') else k): v
           for k, v in model.state_dict().items()}
    ckpt = tmp_path / 'res50_mpii_256x256-0x.pth'
    torch.save(dict(state_dict=old, meta=dict()), ckpt)
    img = osp.join(shared_data, 'mmpose_samples', 'mpii', '004645041.jpg')
    out = tmp_path / 'out'
    p = run([sys.executable, 'tools/predict.py', cfg_path, str(ckpt), img, '--out', str(out),
             '--score-thr', '0', '--save', 'coco'])
    assert 'MMPose 0.x key names' in p.stdout + p.stderr
    res = json.load(open(out / '004645041.json'))
    assert len(res) == 1 and len(res[0]['keypoints']) == 16 * 3
    # the tiny one-stage config with the top-down checkpoint: refused, file named
    tiny_cfg, _, video = tiny_model
    p = run([sys.executable, 'tools/predict.py', tiny_cfg, str(ckpt), video, '--out',
             str(tmp_path / 'bad')], check=False)
    assert p.returncode == 2 and 'res50_mpii_256x256-0x' in p.stderr and 'does not fit' in p.stderr


def test_predict_warns_when_every_frame_is_empty(tiny_model, tmp_path):
    """A threshold above every instance score: the output is written, and a warning names the
    threshold and the scores seen (a user would otherwise find no animal without a word)."""
    cfg, ckpt, video = tiny_model
    p = run([sys.executable, 'tools/predict.py', cfg, ckpt, video, '--out', str(tmp_path),
             '--frames', '0:2', '--score-thr', '1.5', '--save', 'coco'])
    assert 'no instance in any of the 2 frames' in p.stderr
    assert 'below --score-thr 1.5' in p.stderr and 'best score per frame: median' in p.stderr
    assert json.load(open(tmp_path / 'hive.json')) == []
    # the checkpoint holds no threshold chosen on val frames: the default, said so
    p = run([sys.executable, 'tools/predict.py', cfg, ckpt, video, '--out',
             str(tmp_path / 'b'), '--frames', '0:1', '--save', 'coco'])
    assert '--score-thr 0.300 (the default' in p.stdout


def test_tracking_eval_matches_nodes_by_name(shared_data, tmp_path):
    """The same tracks with the skeleton's nodes in reverse order score IDF1 1; a prediction
    file without a node of the ground truth is refused, naming it."""
    import sleap_io as sio
    gt = osp.join(shared_data, 'fly', 'clip.slp')
    labels = sio.load_slp(gt)
    names = labels.skeletons[0].node_names

    def write(path, nodes):
        # before the Skeleton: it turns the list's names into Node objects in place
        idx = [names.index(n) if n in names else 0 for n in nodes]
        skel = sio.Skeleton(nodes=list(nodes))
        frames = [sio.LabeledFrame(video=labels.videos[0], frame_idx=lf.frame_idx, instances=[
            sio.Instance.from_numpy(i.numpy()[idx], skeleton=skel, track=i.track)
            for i in lf.user_instances]) for lf in labels.labeled_frames if lf.frame_idx < 20]
        sio.Labels(labeled_frames=frames, videos=labels.videos, skeletons=[skel],
                   tracks=labels.tracks).save(str(path))

    write(tmp_path / 'reversed.slp', names[::-1])
    p = run([sys.executable, 'tools/analysis/tracking_eval.py', gt,
             str(tmp_path / 'reversed.slp'), '--frames', '0:20', '--max-dist', '5'])
    tracker = [line for line in p.stdout.splitlines() if line.startswith('tracker')][0]
    assert tracker.split()[1] == '1.000'  # IDF1
    write(tmp_path / 'renamed.slp', ['HEAD'] + names[1:])
    p = run([sys.executable, 'tools/analysis/tracking_eval.py', gt,
             str(tmp_path / 'renamed.slp'), '--frames', '0:20'], check=False)
    assert p.returncode == 2 and "lacks the nodes ['head']" in p.stderr


def test_predict_source_is_the_tool_loop(tiny_model, tmp_path):
    """The library API gives typed records, and tools/predict.py writes exactly them."""
    from mmpose.apis import init_model
    from projects.core.apis import (FramePrediction, FrameSource, KeypointTracker,
                                    coco_results, predict_source)
    cfg, ckpt, video = tiny_model
    model = init_model(cfg, ckpt, device='cpu')
    recs = list(predict_source(model, FrameSource(video, [0, 2, 3]), score_thr=0.0,
                               max_animals=2, tracker=KeypointTracker(1000, 15)))
    assert [r.index for r in recs] == [0, 2, 3] and all(isinstance(r, FramePrediction)
                                                        for r in recs)
    for r in recs:
        n = len(r.keypoints)
        assert 1 <= n <= 2 and r.keypoints.shape == (n, 5, 2)
        assert r.keypoint_scores.shape == (n, 5) and r.scores.shape == (n, )
        assert (np.diff(r.scores) <= 0).all() and r.best_score >= r.scores[0]
        assert r.track_ids is not None and len(r.track_ids) == n and r.image is None
    run([sys.executable, 'tools/predict.py', cfg, ckpt, video, '--out', str(tmp_path),
         '--frames', '0,2,3', '--score-thr', '0', '--max-animals', '2', '--track',
         '--track-distance', '1000', '--save', 'coco'])
    tool = json.load(open(tmp_path / 'hive.json'))
    assert tool == json.loads(json.dumps(coco_results(recs)))
    with pytest.raises(ValueError, match="data_mode must be 'topdown' or 'bottomup'"):
        next(predict_source(model, FrameSource(video, [0]), data_mode='other'))


def test_predict_source_batched_equals_mmpose_frame_by_frame(tiny_model):
    """N frames per forward pass, with or without frames decoded ahead by a background thread,
    give MMPose's ``inference_bottomup`` results frame by frame (4 frames in batches of 3: one
    full batch and a short one), and the stage timer accounts for every frame and only for the
    known stages."""
    from mmpose.apis import inference_bottomup, init_model
    from projects.core.apis import STAGES, FrameSource, StageTimer, predict_source
    cfg, ckpt, video = tiny_model
    model = init_model(cfg, ckpt, device='cpu')
    reference = []
    for frame in FrameSource(video):
        pred = inference_bottomup(model, frame.image)[0].pred_instances
        order = np.argsort(-pred.bbox_scores, kind='stable')
        reference.append((pred.keypoints[order], pred.bbox_scores[order]))
    for batch_size, prefetch in ((1, 0), (3, 0), (1, 2), (3, 2)):
        timer = StageTimer()
        recs = list(predict_source(model, FrameSource(video), score_thr=0.0, nms_thr=1.0,
                                   batch_size=batch_size, timer=timer, prefetch=prefetch))
        assert [r.index for r in recs] == [0, 1, 2, 3] and timer.frames == 4
        for r, (kpts, scores) in zip(recs, reference):
            assert len(r.keypoints) == len(kpts) > 0
            np.testing.assert_allclose(r.keypoints, kpts, atol=1e-3)
            np.testing.assert_allclose(r.scores, scores, atol=1e-5)
        assert set(timer.seconds) == set(STAGES)
        for stage in ('read', 'resize', 'network', 'grouping'):
            assert timer.seconds[stage] > 0, stage
        assert timer.seconds['tracking'] == timer.seconds['writing'] == 0
        assert 'network' in timer.summary() and 'over 4 frames' in timer.summary()
    with pytest.raises(ValueError, match='batch_size must be a positive integer'):
        next(predict_source(model, FrameSource(video), batch_size=0))
    with pytest.raises(ValueError, match='needs a bottom-up'):
        next(predict_source(model, FrameSource(video), data_mode='topdown', batch_size=2))
    # the head's forward is its own again after a timed run
    assert 'forward' not in vars(model.head)

    class Broken:
        """A source whose second frame cannot be read."""
        kind = 'folder'

        def __iter__(self):
            yield next(iter(FrameSource(video)))
            raise OSError('frame 1: truncated')

    # the background reader's error reaches the caller, after the frame before it
    got = []
    with pytest.raises(OSError, match='frame 1: truncated'):
        for rec in predict_source(model, Broken(), score_thr=0.0, prefetch=2):
            got.append(rec.index)
    assert got == [0]


def test_onnxruntime_backend_matches_pytorch(tiny_model, tmp_path):
    """The network run by ONNX Runtime (exported in memory from the loaded weights) gives the
    head's three outputs of PyTorch's and, decoded by the same code, keypoints within 0.5 px
    of PyTorch's; tools/predict.py --backend onnxruntime writes those keypoints."""
    from mmpose.apis import init_model
    from projects.core.apis import FrameSource, predict_source, use_onnxruntime
    cfg, ckpt, video = tiny_model
    torch_model = init_model(cfg, ckpt, device='cpu')
    ort_model = use_onnxruntime(init_model(cfg, ckpt, device='cpu'))
    x = torch.randn(2, 3, 96, 128)
    with torch.no_grad():
        ref = torch_model.head.forward(torch_model.extract_feat(x))
        out = ort_model.head.forward(ort_model.extract_feat(x))
    assert len(out) == len(ref) == 3
    for a, b in zip(ref, out):
        assert a.shape == b.shape
        np.testing.assert_allclose(b.numpy(), a.numpy(), atol=1e-4)

    def keypoints(model, batch_size):
        return [r for r in predict_source(model, FrameSource(video), score_thr=0.0,
                                          nms_thr=1.0, batch_size=batch_size)]

    ref_recs = keypoints(torch_model, 1)
    for batch_size in (1, 2):
        recs = keypoints(ort_model, batch_size)
        for a, b in zip(ref_recs, recs):
            # the same instances: each ONNX Runtime instance within 0.5 px of a PyTorch one
            # at every keypoint, and as many of them
            assert len(a.keypoints) == len(b.keypoints) > 0
            dist = np.linalg.norm(b.keypoints[:, None] - a.keypoints[None], axis=-1).max(-1)
            assert (dist.min(1) < 0.5).all(), dist.min(1).max()
    run([sys.executable, 'tools/predict.py', cfg, ckpt, video, '--out', str(tmp_path),
         '--score-thr', '0', '--nms-thr', '1', '--save', 'coco', '--backend', 'onnxruntime'])
    tool = json.load(open(tmp_path / 'hive.json'))
    first = np.array([d['keypoints'] for d in tool if d['frame_idx'] == 0])
    first = first.reshape(len(first), -1, 3)[..., :2]
    dist = np.linalg.norm(first[:, None] - ref_recs[0].keypoints[None], axis=-1).max(-1)
    assert len(first) == len(ref_recs[0].keypoints) and (dist.min(1) < 0.5).all()
    p = run([sys.executable, 'tools/predict.py', cfg, ckpt, video, '--out', str(tmp_path / 'x'),
             '--backend', 'onnxruntime', '--device', 'cuda'], check=False)
    assert p.returncode != 0 and '--backend onnxruntime runs on the CPU' in p.stderr


def test_benchmark_video_runs_the_library_loop_in_process(tiny_model, shared_data, tmp_path):
    """tools/analysis/semimultipose/benchmark.py on the real hive frames: the video figures come from
    predict_source in the same process (batch 1 and 2, each stage timed), written through
    the one writer (an existing --out is refused without --overwrite)."""
    cfg, ckpt, _ = tiny_model
    out = tmp_path / 'bench.json'
    cmd = [sys.executable, 'tools/analysis/semimultipose/benchmark.py', cfg,
           osp.join(shared_data, 'honeybee'), '--checkpoint', ckpt, '--repeats', '1', '--train-iters', '1',
           '--infer-frames', '2', '--video-frames', '3', '--video-batch', '2', '--threads', '1',
           '--out', str(out)]
    run(cmd)
    res = json.load(open(out))
    assert res['video_frames'] == 3 and res['video_size'] == [2560, 1440]
    for batch in (1, 2):
        assert res[f'video_fps_batch{batch}'] > 0
        ms = res[f'video_ms_per_frame_batch{batch}']
        assert set(ms) == {'read', 'resize', 'network', 'grouping', 'tracking', 'writing'}
        assert all(ms[k] > 0 for k in ms), ms
        # the stages are the end-to-end time, give or take the loop itself
        assert sum(ms.values()) <= 1e3 / res[f'video_fps_batch{batch}'] * 1.001
    before = out.read_bytes()
    p = run(cmd, check=False)
    assert p.returncode != 0 and 'bench.json' in p.stderr and out.read_bytes() == before


def test_several_inputs_one_process_and_dist_predict_agree(tiny_model, tmp_path):
    """Three videos through one process and through tools/dist_predict.sh with 2 torchrun
    processes (gloo on CPU): the same files with the same predictions."""
    import shutil
    cfg, ckpt, video = tiny_model
    vids = tmp_path / 'videos'
    vids.mkdir()
    for name in ('a', 'b', 'c'):
        shutil.copy(video, vids / f'{name}.mp4')
    common = ['--score-thr', '0', '--max-animals', '3', '--save', 'coco', 'slp']
    one, two = tmp_path / 'one', tmp_path / 'two'
    # a quoted glob pattern is expanded by the tool
    p = run([sys.executable, 'tools/predict.py', cfg, ckpt, str(vids / '*.mp4'), '--out',
             str(one), *common])
    for name in ('a', 'b', 'c'):
        assert f'{name}.mp4: 4 frames' in p.stdout
    run(['bash', 'tools/dist_predict.sh', cfg, ckpt, '2', str(vids / 'a.mp4'),
         str(vids / 'b.mp4'), str(vids / 'c.mp4'), '--out', str(two), *common],
        env=dict(PORT='29533'))
    assert sorted(p.name for p in one.iterdir() if not p.name.endswith('.pth')) == \
        sorted(p.name for p in two.iterdir() if not p.name.endswith('.pth')) == \
        ['a.json', 'a.slp', 'b.json', 'b.slp', 'c.json', 'c.slp']
    for name in ('a', 'b', 'c'):
        x, y = (json.load(open(d / f'{name}.json')) for d in (one, two))
        assert len(x) == len(y) > 0
        for u, v in zip(x, y):
            assert u['frame_idx'] == v['frame_idx']
            np.testing.assert_allclose(u['keypoints'], v['keypoints'], atol=1e-3)
    # two inputs whose outputs would collide are refused before anything runs
    (tmp_path / 'other').mkdir()
    shutil.copy(video, tmp_path / 'other' / 'a.mp4')
    p = run([sys.executable, 'tools/predict.py', cfg, ckpt, str(vids / 'a.mp4'),
             str(tmp_path / 'other' / 'a.mp4'), '--out', str(tmp_path / 'x')], check=False)
    assert p.returncode == 2 and "share the stem 'a'" in p.stderr
    p = run([sys.executable, 'tools/predict.py', cfg, ckpt, str(vids / '*.avi'), '--out',
             str(tmp_path / 'x')], check=False)
    assert p.returncode == 2 and 'matches no file' in p.stderr


def test_predict_refuses_cfg_options_nothing_reads(tiny_model, tmp_path):
    cfg, ckpt, video = tiny_model
    for key, hint in (('model.head.decoder.max_candidate=3', "did you mean 'max_candidates'"),
                      ('codec.refine_radius=0', "'codec' is a variable of the config file")):
        p = run([sys.executable, 'tools/predict.py', cfg, ckpt, video, '--out',
                 str(tmp_path / 'o'), '--cfg-options', key], check=False)
        assert p.returncode == 2 and hint in p.stderr
    assert not (tmp_path / 'o').exists()  # refused before anything was written
