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
        cwd=ROOT, capture_output=True, text=True, timeout=900,
        env=dict(os.environ, PYTHONPATH=ROOT))
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
