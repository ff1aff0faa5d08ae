"""Tools never destroy a user's file: the data-loss cases found by trying the tools as a
careless user would, each run again here with the inputs hashed before and after."""
import hashlib
import json
import os
import os.path as osp
import pickle
import shutil
import sys

import cv2
import numpy as np
import pytest
import torch

from .test_predict import tiny_model  # noqa: F401  (fixture)
from .test_train_test import run, tiny_data  # noqa: F401  (fixture)
from .tiny_config import ROOT


def digest(*paths):
    """SHA-256 of each file (a link's target is read through the link)."""
    return [hashlib.sha256(open(p, 'rb').read()).hexdigest() for p in paths]


def test_test_out_is_never_the_checkpoint_a_link_or_an_existing_file(tiny_model, tmp_path):  # noqa: F811,E501
    cfg, ckpt, _ = tiny_model
    before = digest(cfg, ckpt)
    # the checkpoint under test as --out: refused before the model is built
    p = run([sys.executable, 'tools/test.py', cfg, ckpt, '--out', ckpt], check=False)
    assert p.returncode != 0 and f'it is the input file {ckpt}' in p.stderr
    # --out a link to a file elsewhere: refused, the link's target kept
    elsewhere = tmp_path / 'elsewhere' / 'notes.json'
    elsewhere.parent.mkdir()
    elsewhere.write_text('{"precious": 1}')
    link = tmp_path / 'metrics.json'
    link.symlink_to(elsewhere)
    p = run([sys.executable, 'tools/test.py', cfg, ckpt, '--out', str(link)], check=False)
    assert p.returncode != 0 and 'is a link' in p.stderr
    # --dump over an existing file: refused without --overwrite
    dump = tmp_path / 'preds.pkl'
    dump.write_bytes(b'earlier predictions')
    p = run([sys.executable, 'tools/test.py', cfg, ckpt, '--dump', str(dump)], check=False)
    assert p.returncode != 0 and 'exists with other content' in p.stderr
    assert digest(cfg, ckpt) == before and elsewhere.read_text() == '{"precious": 1}'
    assert dump.read_bytes() == b'earlier predictions'
    # with --overwrite: the dump replaced by the 3 frames' predictions, the link itself
    # replaced by the metrics file (its target kept)
    run([sys.executable, 'tools/test.py', cfg, ckpt, '--work-dir', str(tmp_path / 'w'),
         '--out', str(link), '--dump', str(dump), '--overwrite'])
    assert not link.is_symlink() and 'coco/AP' in json.load(open(link))
    assert elsewhere.read_text() == '{"precious": 1}' and digest(cfg, ckpt) == before
    preds = pickle.loads(dump.read_bytes())
    assert len(preds) == 3 and 'pred_instances' in preds[0]


def test_predict_never_draws_over_its_input_images(tiny_model, tmp_path):  # noqa: F811
    cfg, ckpt, video = tiny_model
    folder = tmp_path / 'DIR'
    (folder / 'overlay').mkdir(parents=True)
    cap = cv2.VideoCapture(video)
    for name in ('a.png', 'b.png'):
        ok, img = cap.read()
        cv2.imwrite(str(folder / 'overlay' / name), img)
    cap.release()
    images = [str(folder / 'overlay' / n) for n in ('a.png', 'b.png')]
    before = digest(*images)
    p = run([sys.executable, 'tools/predict.py', cfg, ckpt, str(folder / 'overlay'), '--out',
             str(folder), '--save', 'overlay', '--score-thr', '0'], check=False)
    assert p.returncode == 2 and 'is the input file' in p.stderr and 'a.png' in p.stderr
    assert digest(*images) == before
    # even with --overwrite an input is never an output
    p = run([sys.executable, 'tools/predict.py', cfg, ckpt, str(folder / 'overlay'), '--out',
             str(folder), '--save', 'overlay', '--overwrite'], check=False)
    assert p.returncode == 2 and digest(*images) == before
    # --out the input folder itself: its files would be read as frames next time
    p = run([sys.executable, 'tools/predict.py', cfg, ckpt, str(folder / 'overlay'), '--out',
             str(folder / 'overlay'), '--save', 'coco'], check=False)
    assert p.returncode == 2 and 'it is the input folder' in p.stderr, p.stderr[-2000:]
    assert sorted(os.listdir(folder / 'overlay')) == ['a.png', 'b.png']
    # DIR/overlay a link to a folder outside --out: refused, nothing written there
    out = tmp_path / 'out'
    out.mkdir()
    outside = tmp_path / 'outside'
    outside.mkdir()
    (out / 'overlay').symlink_to(outside, target_is_directory=True)
    p = run([sys.executable, 'tools/predict.py', cfg, ckpt, str(folder / 'overlay'), '--out',
             str(out), '--save', 'overlay', 'coco', '--score-thr', '0'], check=False)
    assert p.returncode == 2 and 'outside the output folder' in p.stderr
    assert os.listdir(outside) == [] and os.listdir(out) == ['overlay']
    # a proper --out: the overlays are drawn there, the inputs untouched
    run([sys.executable, 'tools/predict.py', cfg, ckpt, str(folder / 'overlay'), '--out',
         str(tmp_path / 'good'), '--save', 'overlay', '--score-thr', '0'])
    assert sorted(os.listdir(tmp_path / 'good' / 'overlay')) == ['a.png', 'b.png']
    assert digest(*images) == before


def test_predict_overwrite_replaces_a_planted_overlay_link_not_its_target(tiny_model,  # noqa: F811,E501
                                                                        tmp_path):
    cfg, ckpt, video = tiny_model
    victim = tmp_path / 'victim.mp4'
    shutil.copy(video, victim)
    before = digest(victim)
    out = tmp_path / 'out'
    out.mkdir()
    (out / 'hive_overlay.mp4').symlink_to(victim)
    p = run([sys.executable, 'tools/predict.py', cfg, ckpt, video, '--out', str(out),
             '--save', 'overlay', '--frames', '0:2'], check=False)
    assert p.returncode == 2 and 'is a link' in p.stderr
    run([sys.executable, 'tools/predict.py', cfg, ckpt, video, '--out', str(out), '--save',
         'overlay', '--frames', '0:2', '--score-thr', '0', '--overwrite'])
    assert not (out / 'hive_overlay.mp4').is_symlink() and digest(victim) == before
    cap = cv2.VideoCapture(str(out / 'hive_overlay.mp4'))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 2
    cap.release()
    assert sorted(f for f in os.listdir(out) if not f.endswith('_mmpose1x.pth')) == [
        'hive_overlay.mp4']


def test_tracking_eval_and_score_slp_never_replace_labels(tmp_path, shared_data):
    gt = tmp_path / 'GT.slp'
    shutil.copy(osp.join(shared_data, 'fly', 'clip.slp'), gt)
    before = digest(gt)
    p = run([sys.executable, 'tools/analysis/tracking_eval.py', str(gt), str(gt),
             '--frames', '0:5', '--out', str(gt)], check=False)
    assert p.returncode == 2 and 'is the input file' in p.stderr and digest(gt) == before
    p = run([sys.executable, 'tools/analysis/tracking_eval.py', str(gt), str(gt),
             '--frames', '0:5', '--out', str(gt), '--overwrite'], check=False)
    assert p.returncode == 2 and digest(gt) == before
    # score_slp: metrics.json a link to a file elsewhere
    out = tmp_path / 'score'
    out.mkdir()
    victim = tmp_path / 'victim.json'
    victim.write_text('{"keep": true}')
    (out / 'metrics.json').symlink_to(victim)
    p = run([sys.executable, 'tools/analysis/score_slp.py', str(gt), str(gt), '--frames', '0:3',
             '--out', str(out)], check=False)
    assert p.returncode == 2 and 'is a link' in p.stderr
    assert victim.read_text() == '{"keep": true}' and digest(gt) == before
    run([sys.executable, 'tools/analysis/score_slp.py', str(gt), str(gt), '--frames', '0:3',
         '--out', str(out), '--overwrite'])
    metrics = json.load(open(out / 'metrics.json'))
    # 3 frames of 2 labeled flies; the labels file holds no predicted instance to score
    assert (metrics['n_frames'], metrics['n_instances'], metrics['n_predictions']) == (3, 6, 0)
    assert victim.read_text() == '{"keep": true}' and digest(gt) == before


def test_transfer_checkpoint_never_replaces_an_existing_file(tiny_model, tmp_path):  # noqa: F811
    cfg, ckpt, _ = tiny_model
    labels = tmp_path / 'train.json'
    labels.write_text('{"images": [], "annotations": []}')
    before = digest(labels, ckpt, cfg)
    for out in (str(labels), ckpt, cfg):
        p = run([sys.executable, 'tools/model_converters/transfer_checkpoint.py', ckpt, cfg,
                 '--out', out], check=False)
        assert p.returncode == 2, p.stderr
    assert digest(labels, ckpt, cfg) == before
    p = run([sys.executable, 'tools/model_converters/transfer_checkpoint.py', ckpt, cfg, '--out',
             ckpt, '--overwrite'], check=False)
    assert p.returncode == 2 and 'is the input file' in p.stderr
    assert digest(labels, ckpt, cfg) == before


def test_mmpose1x_copy_is_named_by_content_and_never_written_through_links(tmp_path):
    """Two 0.x checkpoints of the same file name get two copies; planted links at the copy's
    old temporary name and at the copy's own name are never written through."""
    from projects.core.checkpoint import mmpose1x_checkpoint
    from projects.core.fileio import UnsafeOutputError
    work = tmp_path / 'work'
    work.mkdir()
    victim = tmp_path / 'victim.pth'
    victim.write_bytes(b'x' * 1000)
    (work / 'model_mmpose1x.pth.tmp').symlink_to(victim)  # the old fixed temporary name
    paths = []
    for i, value in enumerate((1.0, 2.0)):
        (tmp_path / f'v{i}').mkdir()
        src = tmp_path / f'v{i}' / 'model.pth'
        torch.save(dict(state_dict={'keypoint_head.final_layer.weight': torch.full((2,), value)},
                        meta={}), src)
        paths.append(mmpose1x_checkpoint(str(src), str(work)))
    assert paths[0] != paths[1]
    for path, value in zip(paths, (1.0, 2.0)):
        sd = torch.load(path, weights_only=True)['state_dict']
        assert list(sd) == ['head.final_layer.weight'] and float(sd[list(sd)[0]][0]) == value
    assert victim.read_bytes() == b'x' * 1000
    assert mmpose1x_checkpoint(str(tmp_path / 'v0' / 'model.pth'), str(work)) == paths[0]
    # a link at the copy's name is refused, its target untouched
    os.remove(paths[1])
    os.symlink(victim, paths[1])
    with pytest.raises(UnsafeOutputError, match='is a link'):
        mmpose1x_checkpoint(str(tmp_path / 'v1' / 'model.pth'), str(work))
    assert victim.read_bytes() == b'x' * 1000
    # a file at the copy's name made from other bytes is refused, not loaded
    os.remove(paths[1])
    shutil.copy(paths[0], paths[1])
    with pytest.raises(UnsafeOutputError, match='not the 1.x copy'):
        mmpose1x_checkpoint(str(tmp_path / 'v1' / 'model.pth'), str(work))
    # a truncated checkpoint: the error names it
    bad = tmp_path / 'truncated.pth'
    bad.write_bytes((tmp_path / 'v0' / 'model.pth').read_bytes()[:100])
    with pytest.raises(RuntimeError, match='truncated.pth does not load'):
        mmpose1x_checkpoint(str(bad), str(work))


def test_truncated_and_empty_inputs_are_named(tiny_model, tmp_path):  # noqa: F811
    """A checkpoint cut short, an empty one, a truncated JPEG and an empty image: each is
    refused with its file named (torch's and OpenCV's own errors name none, and OpenCV decodes
    a truncated JPEG as grey rows without a word)."""
    from projects.core.fileio import check_image_complete
    cfg, ckpt, video = tiny_model
    cut = tmp_path / 'cut.pth'
    cut.write_bytes(open(ckpt, 'rb').read()[:1000])
    empty = tmp_path / 'empty.pth'
    empty.write_bytes(b'')
    for bad in (cut, empty):
        p = run([sys.executable, 'tools/test.py', cfg, str(bad)], check=False)
        assert p.returncode != 0 and f'checkpoint {bad} does not load' in p.stderr
    p = run([sys.executable, 'tools/predict.py', cfg, str(cut), video, '--out',
             str(tmp_path / 'o')], check=False)
    assert p.returncode == 2 and f'checkpoint {cut} does not load' in p.stderr
    cap = cv2.VideoCapture(video)
    ok, frame = cap.read()
    cap.release()
    good = tmp_path / 'frames' / 'a.jpg'
    good.parent.mkdir()
    cv2.imwrite(str(good), frame)
    check_image_complete(str(good))
    data = good.read_bytes()
    (tmp_path / 'frames' / 'b.jpg').write_bytes(data[:len(data) // 2])
    p = run([sys.executable, 'tools/predict.py', cfg, ckpt, str(tmp_path / 'frames'), '--out',
             str(tmp_path / 'o2'), '--score-thr', '0'], check=False)
    assert p.returncode == 2 and 'b.jpg is a truncated JPEG' in p.stderr
    (tmp_path / 'frames' / 'b.jpg').write_bytes(b'')
    p = run([sys.executable, 'tools/predict.py', cfg, ckpt, str(tmp_path / 'frames'), '--out',
             str(tmp_path / 'o3'), '--score-thr', '0'], check=False)
    assert p.returncode == 2 and 'b.jpg is empty (0 bytes)' in p.stderr
    png = tmp_path / 'c.png'
    cv2.imwrite(str(png), frame)
    png.write_bytes(png.read_bytes()[:-20])
    with pytest.raises(ValueError, match='c.png is a truncated PNG'):
        check_image_complete(str(png))


def _file_output_tools(cfg, ckpt, video, shared_data):
    """Each tool whose output is one file: ``(name, argv without --out, its input files)``;
    the output goes to ``--out``."""
    slp = osp.join(shared_data, 'fly', 'clip.slp')
    det = osp.join(ROOT, 'configs', 'infant3d', 'faster-rcnn_r50_fpn_1x_coco-person.py')
    py = sys.executable
    return [
        ('test', [py, 'tools/test.py', cfg, ckpt], [cfg, ckpt]),
        ('transfer_checkpoint', [py, 'tools/model_converters/transfer_checkpoint.py', ckpt,
                                 cfg], [ckpt, cfg]),
        ('tracking_eval', [py, 'tools/analysis/tracking_eval.py', slp, slp,
                           '--frames', '0:3'], [slp]),
        ('benchmark', [py, 'tools/analysis/semimultipose/benchmark.py', cfg, '--checkpoint', ckpt],
         [cfg, ckpt]),
        ('benchmark_chain', [py, 'tools/analysis/infant3d/benchmark_chain.py', video,
                             '--det-config', det], [det]),
        ('smoothing_effect', [py, 'tools/analysis/smoothing_effect.py', cfg, ckpt, slp, video,
                              '--frames', '0', '2'], [cfg, ckpt, slp]),
    ]


@pytest.mark.parametrize('tool', ['test', 'transfer_checkpoint', 'tracking_eval', 'benchmark',
                                  'benchmark_chain', 'smoothing_effect'])
def test_every_file_output_refuses_an_input_a_link_and_an_existing_file(
        tool, tiny_model, shared_data, tmp_path):  # noqa: F811
    """The three refusals of the one-writer rule, tool by tool: the output is one of the
    tool's inputs; the output is a link (its target elsewhere); the output exists with other
    content and there is no --overwrite. Each is refused with a message naming the reason,
    before any work, and no input or link target changes (hashed)."""
    cfg, ckpt, video = tiny_model
    name, argv, inputs = next(t for t in _file_output_tools(cfg, ckpt, video, shared_data)
                              if t[0] == tool)

    def with_out(path):
        return argv + ['--out', str(path)]

    before = digest(*inputs)
    for path in inputs:
        p = run(with_out(path), check=False)
        assert p.returncode != 0 and 'it is the input file' in p.stderr, p.stderr[-2000:]
    target = tmp_path / 'elsewhere' / 'keep.json'
    target.parent.mkdir()
    target.write_text('{"keep": 1}')
    link = tmp_path / 'out.json'
    link.symlink_to(target)
    p = run(with_out(link), check=False)
    assert p.returncode != 0 and 'is a link' in p.stderr, p.stderr[-2000:]
    existing = tmp_path / 'existing.json'
    existing.write_text('{"earlier": 1}')
    p = run(with_out(existing), check=False)
    assert p.returncode != 0 and 'exists with other content' in p.stderr, p.stderr[-2000:]
    assert digest(*inputs) == before and target.read_text() == '{"keep": 1}'
    assert existing.read_text() == '{"earlier": 1}'


def _refuses_an_input_and_a_link(argv, inputs, extra, where):
    """``argv --out X extra`` is refused (exit 2, the reason named) for X each of ``inputs``
    ("it is the input file X") and for X a link to a folder made in ``where``, into which
    nothing is written."""
    for path in inputs:
        p = run(argv + ['--out', path] + extra, check=False)
        assert p.returncode == 2 and f'it is the input file {path}' in p.stderr, \
            p.stderr[-2000:]
    pointed = where / 'pointed'
    pointed.mkdir(parents=True)
    (where / 'out_link').symlink_to(pointed, target_is_directory=True)
    p = run(argv + ['--out', str(where / 'out_link')] + extra, check=False)
    assert p.returncode == 2 and 'it is a link' in p.stderr, p.stderr[-2000:]
    assert os.listdir(pointed) == []


def _folder_output_tools(shared_data):
    """Each tool whose output is a folder: ``(name, argv without --out, its input files)``;
    honeybee2coco also reads a folder (its source and the frames in it), below."""
    py = sys.executable
    fly = osp.join(shared_data, 'fly')
    slp, mp4 = osp.join(fly, 'clip.slp'), osp.join(fly, 'clip.mp4')
    mpii = osp.join(shared_data, 'mmpose_samples', 'mpii', 'test_mpii.json')
    return [
        ('honeybee2coco', [py, 'tools/dataset_converters/honeybee2coco.py',
                           osp.join(shared_data, 'honeybee')],
         [osp.join(shared_data, 'honeybee', 'annotations', 'train_bee_annotations2018.json')]),
        ('sleap2coco', [py, 'tools/dataset_converters/sleap2coco.py', slp, '--video', mp4,
                        '--frames', '0:30:10', '--split', 'sub'], [slp, mp4]),
        ('video2frames', [py, 'tools/dataset_converters/video2frames.py', mp4, '--count', '2'],
         [mp4]),
        ('mpii_subset', [py, 'tools/dataset_converters/mpii_subset.py', mpii, '--num', '3'],
         [mpii]),
        ('slp2dlc', [py, 'tools/dataset_converters/slp2dlc.py', slp, '--frames', '0:30:10'],
         [slp]),
        ('score_slp', [py, 'tools/analysis/score_slp.py', slp, slp, '--frames', '0:3'], [slp]),
    ]


@pytest.mark.parametrize('tool', ['honeybee2coco', 'sleap2coco', 'video2frames', 'mpii_subset',
                                  'slp2dlc', 'score_slp'])
def test_every_folder_output_refuses_a_link_and_an_existing_file(tool, shared_data, tmp_path):
    """The one-writer rule for the tools that write a folder, tool by tool: a first run into
    an empty ``--out`` writes its files; a file it writes that is planted as a link (its
    target elsewhere) is refused, and with ``--overwrite`` the link itself is replaced, never
    its target; a file of the first run edited since is refused without ``--overwrite``. No
    input, link target or edited file changes (hashed)."""
    name, argv, inputs = next(t for t in _folder_output_tools(shared_data) if t[0] == tool)
    before = digest(*inputs)
    for extra in ([], ['--overwrite']):
        _refuses_an_input_and_a_link(argv, inputs, extra, tmp_path / f'links{len(extra)}')
    first = tmp_path / 'first'
    run(argv + ['--out', str(first)])
    written = sorted(p for p in first.rglob('*') if p.is_file())
    assert written, f'{name} wrote nothing'
    rel = written[0].relative_to(first)  # the first file the tool writes, in sorted order

    linked = tmp_path / 'linked'
    (linked / rel).parent.mkdir(parents=True)
    target = tmp_path / 'elsewhere' / 'keep.bin'
    target.parent.mkdir()
    target.write_bytes(b'keep')
    (linked / rel).symlink_to(target)
    p = run(argv + ['--out', str(linked)], check=False)
    assert p.returncode != 0 and 'is a link' in p.stderr, p.stderr[-2000:]
    assert target.read_bytes() == b'keep'
    run(argv + ['--out', str(linked), '--overwrite'])
    assert target.read_bytes() == b'keep' and not osp.islink(linked / rel)
    assert (linked / rel).read_bytes() == (first / rel).read_bytes()

    edited = (first / rel).read_bytes() + b'\n'
    (first / rel).write_bytes(edited)
    p = run(argv + ['--out', str(first)], check=False)
    assert p.returncode != 0 and 'exists with other content' in p.stderr, p.stderr[-2000:]
    assert (first / rel).read_bytes() == edited
    assert digest(*inputs) == before


def test_honeybee2coco_never_writes_into_the_folders_it_reads(shared_data):
    """``--out SRC`` or ``--out SRC/train`` (the frames it lists for the unlabeled set) would
    mix its files with the inputs: refused before anything is written."""
    src = osp.join(shared_data, 'honeybee')
    listing = {d: sorted(os.listdir(osp.join(src, d))) for d in ('', 'train', 'annotations')}
    for out in (src, osp.join(src, 'train'), osp.join(src, 'train', '')):
        p = run([sys.executable, 'tools/dataset_converters/honeybee2coco.py', src, '--out', out,
                 '--overwrite'], check=False)
        assert p.returncode == 2 and 'it is the input folder' in p.stderr, p.stderr[-2000:]
    assert {d: sorted(os.listdir(osp.join(src, d))) for d in listing} == listing


def _report_tools(tmp_path):
    """Each tool whose output is a report folder: ``(name, argv without --out, its input
    files, the first file it writes)``; ``None`` for the study tools, which resume in an
    existing folder and have no ``--overwrite``. Their refusals come before any input is
    read, so one stand-in file serves as every input."""
    py = sys.executable
    res = tmp_path / 'inputs' / 'result.json'
    res.parent.mkdir()
    res.write_text('{"stand-in": 1}')
    r = str(res)
    return [
        ('sleap_report', [py, 'tools/analysis/semimultipose/sleap_report.py', r], [r],
         'table.md'),
        ('transfer_report', [py, 'tools/analysis/cross_species/transfer_report.py', f'a={r}'],
         [r], 'table1.md'),
        ('infant_report', [py, 'tools/analysis/infant3d/infant_report.py', f'a={r}'], [r],
         'table1.md'),
        ('quickstart', [py, 'tools/quickstart.py', '--config', r], [r], 'metrics.json'),
        ('learning_curve', [py, 'tools/analysis/cross_species/learning_curve.py', f'a={r}',
                            '--pool', r, '--sizes', '5', '--report-only'], [r], None),
        ('semimultipose_protocol', [py, 'tools/analysis/semimultipose/semimultipose_protocol.py',
                                    '--report-only'], [], None),
    ]


@pytest.mark.parametrize('tool', ['sleap_report', 'transfer_report', 'infant_report',
                                  'quickstart', 'learning_curve', 'semimultipose_protocol'])
def test_every_report_folder_refuses_an_input_a_link_and_an_existing_file(tool, tmp_path):
    """The one-writer rule for the tools that write a report (or study) folder: ``--out``
    an input file, ``--out`` a link to a folder, and (for the report tools) a report file
    already in ``--out`` with other content without ``--overwrite``: each refused, with the
    reason, before any input is read; the inputs, the link's target and the earlier file
    unchanged."""
    name, argv, inputs, first = next(t for t in _report_tools(tmp_path) if t[0] == tool)
    overwrite = ['--overwrite'] if first is not None else []
    before = digest(*inputs)
    _refuses_an_input_and_a_link(argv, inputs, overwrite, tmp_path / 'links')
    if first is not None:
        out = tmp_path / 'report'
        out.mkdir()
        (out / first).write_text('earlier')
        p = run(argv + ['--out', str(out)], check=False)
        assert p.returncode == 2 and 'exists with other content' in p.stderr, p.stderr[-2000:]
        assert (out / first).read_text() == 'earlier'
    assert digest(*inputs) == before


def test_infant_chain_out_is_never_an_input_or_a_link(tmp_path):
    """``tools/infant_chain.py``'s ``--out``: its input image (a file), its input folder, and a
    link to a folder are refused before any stage is built; nothing is written."""
    frames = tmp_path / 'frames'
    frames.mkdir()
    image = frames / 'a.png'
    cv2.imwrite(str(image), np.zeros((48, 64, 3), np.uint8))
    before = digest(str(image))
    pointed = tmp_path / 'pointed'
    pointed.mkdir()
    (tmp_path / 'out_link').symlink_to(pointed, target_is_directory=True)
    for inp, out, reason in ((image, image, f'it is the input file {image}'),
                             (frames, frames, f'it is the input folder {frames}'),
                             (frames, tmp_path / 'out_link', 'it is a link')):
        p = run([sys.executable, 'tools/infant_chain.py', str(inp), '--out', str(out),
                 '--random-weights'], check=False)
        assert p.returncode != 0 and reason in p.stderr, p.stderr[-2000:]
    assert digest(str(image)) == before and os.listdir(frames) == ['a.png']
    assert os.listdir(pointed) == []
