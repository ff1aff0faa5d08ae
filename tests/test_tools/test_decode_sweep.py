"""tools/analysis/semimultipose/decode_sweep.py: decoding settings of one checkpoint scored on val."""
import json
import os.path as osp
import sys

import pytest

from .test_train_test import run, tiny_data  # noqa: F401 (fixture)
from .tiny_config import ROOT, write_tiny_config

sys.path.insert(0, osp.join(ROOT, 'tools', 'analysis', 'semimultipose'))
import decode_sweep  # noqa: E402


def test_grid_and_settings():
    args = dict(max_candidates=None, refine_radius=None, rescore=None, input_size=None,
                type=None, heatmap_sigma=None)
    grid = decode_sweep.parse_grid(['max_candidates=100,300', 'rescore=None,geometric'], args)
    assert grid == dict(max_candidates=[100, 300], rescore=[None, 'geometric'])
    base = dict(max_candidates=300, rescore='geometric')
    # the config's own setting first, then each key alone, the config's value not repeated
    assert decode_sweep.settings(grid, base) == [{}, dict(max_candidates=100),
                                                 dict(rescore=None)]
    assert decode_sweep.settings(grid, base, product=True) == [
        {}, dict(max_candidates=100, rescore=None), dict(max_candidates=100,
                                                         rescore='geometric'),
        dict(max_candidates=300, rescore=None)]
    for bad, match in (('heatmap_sigma=1,2', 'new training'), ('input_size=1', 'new training'),
                       ('nms_thr=0.5', 'not an argument'), ('max_candidates', 'key=value')):
        with pytest.raises(ValueError, match=match):
            decode_sweep.parse_grid([bad], args)


def test_sweep_rows_equal_tools_test_on_val(tiny_data, tmp_path):  # noqa: F811
    cfg = write_tiny_config(tmp_path / 'tiny.py', tiny_data, 'annotations/tiny.json', iters=2)
    work = tmp_path / 'work'
    run([sys.executable, 'tools/train.py', cfg, '--work-dir', str(work)])
    ckpt = str(work / 'iter_2.pth')
    out = tmp_path / 'sweep'
    p = run([sys.executable, 'tools/analysis/semimultipose/decode_sweep.py', cfg, ckpt, '--grid',
             'max_candidates=3,5000', '--grid', 'flip_test=False,True', '--out', str(out)])
    assert '(best)' in p.stdout
    rep = json.load(open(out / 'decode_sweep.json'))
    # flip_test=False is the config's own: not repeated
    assert [r['setting'] for r in rep['rows']] == [{}, dict(max_candidates=3),
                                                   dict(max_candidates=5000),
                                                   dict(flip_test=True)]
    assert rep['split'] == 'val' and (out / 'decode_sweep.md').is_file()
    # each row is what tools/test.py --split val gives with that setting
    for i, row in enumerate(rep['rows'][:2] + rep['rows'][3:]):
        m = tmp_path / f'm{i}.json'
        opts = [f'model.test_cfg.{k}={v}' if k == 'flip_test' else f'model.head.decoder.{k}={v}'
                for k, v in row['setting'].items()]
        run([sys.executable, 'tools/test.py', cfg, ckpt, '--work-dir', str(work), '--split',
             'val', '--out', str(m)] + (['--cfg-options'] + opts if opts else []))
        want = json.load(open(m))
        for k, v in row['metrics'].items():
            assert v == pytest.approx(want[k], abs=1e-9), k
    best = rep['rows'][rep['best']]['metrics']['coco/AP']
    assert best == max(r['metrics']['coco/AP'] for r in rep['rows'])
    # outputs are refused before anything runs: existing files need --overwrite
    p = run([sys.executable, 'tools/analysis/semimultipose/decode_sweep.py', cfg, ckpt, '--grid',
             'max_candidates=3', '--out', str(out)], check=False)
    assert p.returncode == 2 and 'exists' in p.stderr
