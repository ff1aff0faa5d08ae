"""tools/analysis/plot_curves.py: MMEngine's scalars.json drawn as training curves."""
import json
import os.path as osp
import subprocess
import sys

from .tiny_config import ROOT

TOOL = osp.join(ROOT, 'tools', 'analysis', 'plot_curves.py')


def write_run(work, stamp, rows):
    vis = work / stamp / 'vis_data'
    vis.mkdir(parents=True)
    (vis / 'scalars.json').write_text(''.join(json.dumps(r) + '\n' for r in rows))
    return vis / 'scalars.json'


def test_curves_from_the_newest_run_of_a_work_dir(tmp_path):
    """Two runs in one work directory: the newer (by its time-stamped folder) is read. Its
    loss is logged at steps 20 and 40 (3.0, 2.0), its validation coco/AP at 40 (0.25): the
    printed summary gives the last value, best and lowest of each, as logged."""
    work = tmp_path / 'work'
    write_run(work, '20260101_000000', [{'loss': 9.0, 'step': 20}])
    write_run(work, '20260102_000000', [{'loss': 3.0, 'lr': 0.1, 'iter': 20, 'step': 20},
                                        {'loss': 2.0, 'lr': 0.1, 'iter': 40, 'step': 40},
                                        {'coco/AP': 0.25, 'step': 40}])
    out = tmp_path / 'curves.png'
    p = subprocess.run([sys.executable, TOOL, f'recipe={work}', '--keys', 'loss', 'coco/AP',
                        '--out', str(out)], cwd=ROOT, capture_output=True, text=True,
                       check=True)
    assert 'recipe: loss 2 at step 40 (best 3, lowest 2)' in p.stdout
    assert 'recipe: coco/AP 0.25 at step 40' in p.stdout
    assert out.stat().st_size > 5000
    # an existing image is not replaced without --overwrite; a key nobody logged is named
    p = subprocess.run([sys.executable, TOOL, str(work), '--out', str(out), '--keys', 'loss'],
                       cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 2 and 'exists with other content' in p.stderr
    p = subprocess.run([sys.executable, TOOL, str(work), '--out', str(tmp_path / 'b.png'),
                        '--keys', 'sleap/AP'], cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 2 and "no input logged 'sleap/AP'" in p.stderr and 'coco/AP' in p.stderr
    bad = write_run(tmp_path / 'bad', '20260101_000000', [{'loss': 1.0}])
    p = subprocess.run([sys.executable, TOOL, str(bad), '--out', str(tmp_path / 'c.png')],
                       cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 2 and 'line 1: expected a JSON object with a "step"' in p.stderr
