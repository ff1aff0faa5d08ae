"""The protocol tool end to end, shortened to 2 iterations and one draw."""
import csv
import os.path as osp
import subprocess
import sys

from projects.core.datasets.converters import honeybee

from .tiny_config import ROOT


def test_protocol_two_methods_one_draw(tmp_path, shared_data):
    honeybee.convert(osp.join(shared_data, 'honeybee'), osp.join(ROOT, 'data', 'honeybee'))
    out = tmp_path / 'protocol'
    cmd = [sys.executable, 'tools/analysis/semimultipose_protocol.py', '--methods', 'directpose',
           'semimultipose', '--sizes', 'train5', '--draws', '0', '--iters', '2',
           '--val-interval', '1', '--out', str(out)]
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    rows = list(csv.reader(open(out / 'table1.csv')))
    assert [r[:3] for r in rows[1:]] == [['directpose', 'train5', '1'],
                                          ['semimultipose', 'train5', '1']]
    assert (out / 'curve_train5.png').stat().st_size > 1000
    # AP was evaluated at iterations 1 and 2 of each run
    from projects.semimultipose.evaluation import read_curve
    assert [s for s, _ in read_curve(str(out / 'directpose' / 'train5-d0'))] == [1, 2]
    # a second call trains nothing (the final checkpoints exist) and rewrites the report
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0 and '+ ' not in p.stdout
