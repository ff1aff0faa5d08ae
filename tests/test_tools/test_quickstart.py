"""The README's main job, shortened to 2 training iterations."""
import json
import os
import os.path as osp
import subprocess
import sys

from .tiny_config import ROOT


def test_quickstart_runs_end_to_end(tmp_path, shared_data):
    out = tmp_path / 'qs'
    p = subprocess.run(
        [sys.executable, 'tools/quickstart.py', '--data', osp.join(shared_data, 'honeybee'),
         '--out', str(out), '--iters', '2'],
        cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    res = json.load(open(out / 'results.json'))
    assert res['checkpoint'].endswith('iter_2.pth')
    for key in ('coco/AP', 'sleap/AP', 'coco/AR'):
        assert 0 <= res['metrics'][key] <= 1
    assert res['train_seconds'] > 0 and res['peak_memory_gib'] > 0
    # one prediction image per held-out frame
    images = [f for _, _, fs in os.walk(out / 'vis') for f in fs if f.endswith('.jpg')]
    assert len(images) == 30
    assert 'Held-out OKS AP' in p.stdout


def test_iters_moves_the_end_of_the_cosine_decay():
    """``--iters 1200`` ends the recipe's cosine decay at 1200 (README's 30-minute budget run),
    leaves its warm-up alone, and keeps the decay at least one iteration long for tiny runs."""
    sys.path.insert(0, osp.join(ROOT, 'tools'))
    try:
        from quickstart import CONFIG, iters_options
    finally:
        sys.path.pop(0)
    from mmengine.config import Config, DictAction
    opts = iters_options(CONFIG, 1200)
    cfg = Config.fromfile(osp.join(ROOT, CONFIG), import_custom_modules=False)
    assert [s.type for s in cfg.param_scheduler] == ['LinearLR', 'CosineAnnealingLR']
    assert cfg.param_scheduler[1].end == 2400
    parsed = {}
    for o in opts:
        key, value = o.split('=', 1)
        parsed[key] = DictAction._parse_iterable(value)
    cfg.merge_from_dict(parsed)
    assert cfg.train_cfg.max_iters == 1200 and cfg.train_cfg.val_interval == 1200
    assert cfg.param_scheduler[1].end == 1200
    assert (cfg.param_scheduler[0].begin, cfg.param_scheduler[0].end) == (0, 50)
    # the decay starts at 50: a 2-iteration run keeps it valid (end > begin)
    assert 'param_scheduler.1.end=51' in iters_options(CONFIG, 2)
