"""End to end through tools/train.py, tools/test.py and tools/dist_train.sh on real frames."""
import json
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch

from .tiny_config import ROOT, write_tiny_config


@pytest.fixture(scope='module')
def tiny_data(honeybee_coco, tmp_path_factory):
    """3 real labeled frames as a small COCO file next to the converted honeybee set."""
    src = json.load(open(osp.join(honeybee_coco, 'annotations', 'honeybee_test.json')))
    imgs = src['images'][:3]
    ids = {im['id'] for im in imgs}
    small = dict(src, images=imgs, annotations=[a for a in src['annotations']
                                                if a['image_id'] in ids])
    path = osp.join(honeybee_coco, 'annotations', 'tiny.json')
    json.dump(small, open(path, 'w'))
    return honeybee_coco


def run(args, env=None, check=True):
    """Run a tool as a user does, from the repository root, with the installed package (no
    ``PYTHONPATH``: a tool that needs one fails here as it would for a user)."""
    e = dict(os.environ, OMP_NUM_THREADS='1')
    e.update(env or {})
    p = subprocess.run(args, cwd=ROOT, env=e, capture_output=True, text=True, timeout=900)
    if check and p.returncode != 0:
        raise AssertionError(f'{args} failed ({p.returncode}):\n{p.stdout[-3000:]}\n'
                             f'{p.stderr[-5000:]}')
    return p


def test_train_then_test_writes_metrics_and_images(tiny_data, tmp_path):
    cfg = write_tiny_config(tmp_path / 'tiny.py', tiny_data, 'annotations/tiny.json', iters=4)
    work = tmp_path / 'work'
    run([sys.executable, 'tools/train.py', cfg, '--work-dir', str(work)])
    ckpt = (work / 'last_checkpoint').read_text().strip()
    assert ckpt.endswith('iter_4.pth')
    out = tmp_path / 'metrics.json'
    run([sys.executable, 'tools/test.py', cfg, ckpt, '--work-dir', str(work), '--out', str(out),
         '--show-dir', str(tmp_path / 'vis')])
    metrics = json.load(open(out))
    for key in ('coco/AP', 'coco/AP .5', 'coco/AR', 'sleap/AP', 'sleap/AR'):
        assert key in metrics and -1 <= metrics[key] <= 1
    images = [osp.join(d, f) for d, _, fs in os.walk(tmp_path / 'vis') for f in fs
              if f.endswith('.jpg')]
    assert len(images) == 3
    # ground truth (left) beside the prediction (right): twice the 2560-pixel frame width
    import cv2
    assert cv2.imread(images[0]).shape == (1440, 2 * 2560, 3)
    # --split val scores the validation frames: here a 2-frame val set against the 3 test
    # frames, told apart by the frames in the dumped predictions
    src = json.load(open(osp.join(tiny_data, 'annotations', 'tiny.json')))
    two = dict(src, images=src['images'][:2],
               annotations=[a for a in src['annotations']
                            if a['image_id'] in {im['id'] for im in src['images'][:2]}])
    json.dump(two, open(tmp_path / 'two.json', 'w'))
    with open(cfg, 'a') as f:
        f.write("\nval_dataloader = dict(val_dataloader, dataset=dict(val_dataloader['dataset'], "
                f"ann_file={str(tmp_path / 'two.json')!r}))"
                f"\nval_evaluator = [dict(e, ann_file={str(tmp_path / 'two.json')!r}) "
                "for e in val_evaluator]\n")
    import pickle
    for split, frames in (('val', 2), ('test', 3)):
        dump = tmp_path / f'{split}.pkl'
        run([sys.executable, 'tools/test.py', cfg, ckpt, '--work-dir', str(work), '--split',
             split, '--dump', str(dump)])
        assert len(pickle.load(open(dump, 'rb'))) == frames


def test_resume_after_kill_matches_uninterrupted(tiny_data, tmp_path):
    cfg = write_tiny_config(tmp_path / 'tiny.py', tiny_data, 'annotations/tiny.json', iters=4)
    full, broken = tmp_path / 'full', tmp_path / 'broken'
    run([sys.executable, 'tools/train.py', cfg, '--work-dir', str(full), '--no-validate'])
    # the second run dies right after its first checkpoint (iteration 2) ...
    killer = tmp_path / 'tiny_killed.py'
    killer.write_text(f"_base_ = [{cfg!r}]\n"
                      "custom_imports = dict(imports=['projects.semimultipose', "
                      "'tests.helpers.kill_hook'])\n"
                      "custom_hooks = [dict(type='KillAfterIterHook', iter=2)]\n")
    # the test-only hook lives in this repository's tests/ (not installed): on PYTHONPATH
    p = run([sys.executable, 'tools/train.py', str(killer), '--work-dir', str(broken),
             '--no-validate'], env={'PYTHONPATH': ROOT}, check=False)
    assert p.returncode == 3, p.stderr[-3000:]
    assert (broken / 'iter_2.pth').exists() and not (broken / 'iter_4.pth').exists()
    # ... and resumes from it (weights_only torch.load of an MMEngine checkpoint)
    run([sys.executable, 'tools/train.py', cfg, '--work-dir', str(broken), '--no-validate',
         '--resume'])
    a = torch.load(full / 'iter_4.pth', map_location='cpu')
    b = torch.load(broken / 'iter_4.pth', map_location='cpu')
    assert a['meta']['iter'] == b['meta']['iter'] == 4
    sa, sb = a['optimizer']['state'], b['optimizer']['state']
    assert sa.keys() == sb.keys() and len(sa) > 0
    for k in sa:
        for name in sa[k]:
            if torch.is_tensor(sa[k][name]):
                torch.testing.assert_close(sa[k][name], sb[k][name], rtol=1e-4, atol=1e-6)
    assert a['optimizer']['param_groups'][0]['lr'] == pytest.approx(
        b['optimizer']['param_groups'][0]['lr'])
    for k in a['state_dict']:
        torch.testing.assert_close(a['state_dict'][k], b['state_dict'][k], rtol=1e-4,
                                   atol=1e-6)


def test_dist_train_two_cpu_processes(tiny_data, tmp_path):
    cfg = write_tiny_config(tmp_path / 'tiny.py', tiny_data, 'annotations/tiny.json', iters=2)
    work = tmp_path / 'work'
    p = run(['bash', 'tools/dist_train.sh', cfg, '2', '--work-dir', str(work), '--no-validate'],
            env=dict(PORT='29517', PYTHON=sys.executable))
    log = p.stdout + p.stderr
    assert 'Distributed training is not used' not in log
    assert (work / 'iter_2.pth').exists()
    ckpt = torch.load(work / 'iter_2.pth', map_location='cpu')
    assert ckpt['meta']['iter'] == 2
    # MMEngine's environment report: a distributed run of world size 2 ("GPU number" is the
    # world size there, whatever the device)
    assert 'Distributed training: True' in log and 'GPU number: 2' in log, log[-3000:]
    assert "device_ids=None" in log  # the CPU DDP wrapper


def test_test_and_load_from_refuse_a_checkpoint_of_another_model(tiny_data, tmp_path):
    cfg = write_tiny_config(tmp_path / 'tiny.py', tiny_data, 'annotations/tiny.json', iters=2)
    work = tmp_path / 'work'
    run([sys.executable, 'tools/train.py', cfg, '--work-dir', str(work), '--no-validate'])
    ckpt = str(work / 'iter_2.pth')
    other = ['--cfg-options', 'model.head.feat_channels=8', 'model.head.norm_cfg.num_groups=2']
    p = run([sys.executable, 'tools/test.py', cfg, ckpt, '--work-dir', str(work), *other],
            check=False)
    assert p.returncode != 0 and 'iter_2.pth does not fit' in p.stderr
    assert 'mis-sized (first: head.' in p.stderr
    p = run([sys.executable, 'tools/train.py', cfg, '--work-dir', str(tmp_path / 'w2'), *other,
             f'load_from={ckpt}'], check=False)
    assert p.returncode != 0 and 'iter_2.pth does not fit' in p.stderr
    assert not (tmp_path / 'w2' / 'iter_2.pth').exists()
    # an explicit allow-list (a re-initialised head) lets the rest load
    run([sys.executable, 'tools/train.py', cfg, '--work-dir', str(tmp_path / 'w3'), *other,
         f'load_from={ckpt}', 'load_from_allow=[head\\.]', 'train_cfg.max_iters=1',
         '--no-validate'])
    # a weights-only checkpoint, tested with the config a resumed training dumps (resume = True)
    weights = tmp_path / 'weights.pth'
    torch.save({'state_dict': torch.load(ckpt, map_location='cpu')['state_dict']}, weights)
    resumed = tmp_path / 'resumed.py'
    resumed.write_text(f'_base_ = [{cfg!r}]\nresume = True\n')
    out = tmp_path / 'weights_metrics.json'
    run([sys.executable, 'tools/test.py', str(resumed), str(weights), '--work-dir',
         str(tmp_path / 'w4'), '--out', str(out)])
    assert 'coco/AP' in json.load(open(out))
    # --resume from a checkpoint without the head: refused before training, file named
    # (MMEngine would resume at its iteration with a random head and a warning)
    sd = torch.load(ckpt, map_location='cpu', weights_only=False)
    sd['state_dict'] = {k: v for k, v in sd['state_dict'].items() if not k.startswith('head.')}
    headless = tmp_path / 'headless.pth'
    torch.save(sd, headless)
    p = run([sys.executable, 'tools/train.py', cfg, '--work-dir', str(tmp_path / 'w5'),
             '--no-validate', '--resume', str(headless),
             '--cfg-options', 'train_cfg.max_iters=3'], check=False)
    assert p.returncode != 0 and 'headless.pth does not fit' in p.stderr
    assert 'missing (first: head.' in p.stderr
    assert not (tmp_path / 'w5' / 'iter_3.pth').exists()


def test_resume_skips_a_truncated_newest_checkpoint(tiny_data, tmp_path):
    cfg = write_tiny_config(tmp_path / 'tiny.py', tiny_data, 'annotations/tiny.json', iters=4)
    work = tmp_path / 'work'
    run([sys.executable, 'tools/train.py', cfg, '--work-dir', str(work), '--no-validate'])
    data = (work / 'iter_4.pth').read_bytes()
    (work / 'iter_4.pth').write_bytes(data[:1000])
    p = run([sys.executable, 'tools/train.py', cfg, '--work-dir', str(work), '--no-validate',
             '--resume', '--cfg-options', 'train_cfg.max_iters=6'])
    assert 'iter_4.pth' in p.stderr  # the warning names the broken file
    assert torch.load(work / 'iter_6.pth', map_location='cpu')['meta']['iter'] == 6
    # an explicit broken checkpoint is named in the error (iter_4 was saved again when the
    # resumed run passed iteration 4: break it again)
    (work / 'iter_4.pth').write_bytes(data[:1000])
    p = run([sys.executable, 'tools/train.py', cfg, '--work-dir', str(work), '--no-validate',
             '--resume', str(work / 'iter_4.pth')], check=False)
    assert p.returncode != 0 and 'iter_4.pth does not load' in p.stderr


def test_config_typos_are_refused_before_training(tiny_data, tmp_path):
    cfg = write_tiny_config(tmp_path / 'tiny.py', tiny_data, 'annotations/tiny.json', iters=2)
    p = run([sys.executable, 'tools/train.py', cfg, '--work-dir', str(tmp_path / 'w'),
             '--cfg-options', 'train_cfgg.max_iters=2'], check=False)
    assert p.returncode != 0 and "did you mean 'train_cfg'" in p.stderr
    p = run([sys.executable, 'tools/train.py', cfg, '--work-dir', str(tmp_path / 'w'),
             '--cfg-options', 'default_hooks.checkpoint.intervall=1'], check=False)
    assert p.returncode != 0 and "did you mean 'interval'" in p.stderr
    assert not (tmp_path / 'w').exists() or not any((tmp_path / 'w').glob('*/vis_data'))
