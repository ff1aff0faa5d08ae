"""Study plumbing shared by the tools: mean +- SE, curves, tables, paired differences."""
import csv
import json
import math

import pytest

from projects.core.experiments import (mean_se, mean_se_cell, paired_stats, read_curve,
                                       write_table)


def test_mean_se_by_hand():
    m, se = mean_se([0.7, 0.8, 0.9])
    # sample sd = 0.1, se = 0.1 / sqrt(3)
    assert m == pytest.approx(0.8) and se == pytest.approx(0.1 / math.sqrt(3))
    assert mean_se([0.5]) == (0.5, 0.0)
    with pytest.raises(ValueError):
        mean_se([])


def test_read_curve_merges_resumed_runs(tmp_path):
    for stamp, recs in (('20260101_000000', [(200, 0.1), (400, 0.2)]),
                        ('20260101_010000', [(400, 0.25), (600, 0.3)])):
        d = tmp_path / stamp / 'vis_data'
        d.mkdir(parents=True)
        with open(d / 'scalars.json', 'w') as f:
            f.write(json.dumps({'lr': 0.1, 'step': 10}) + '\n')
            for step, ap in recs:
                f.write(json.dumps({'coco/AP': ap, 'step': step}) + '\n')
    assert read_curve(str(tmp_path)) == [(200, 0.1), (400, 0.25), (600, 0.3)]


def test_cells_pairs_and_table_by_hand(tmp_path):
    assert mean_se_cell([0.3, 0.5]) == '0.400 +- 0.100 (n=2)'
    assert mean_se_cell([0.1, -0.05], signed=True, wins=1) == '+0.025 +- 0.075 (1/2 > 0)'
    assert mean_se_cell([]) == '-'
    # seeds 0, 1, 2 vs 1, 2, 3: pairs on 1 and 2 only: 0.6 - 0.5, 0.4 - 0.7
    m, se, n, wins, diffs = paired_stats({0: 0.2, 1: 0.5, 2: 0.7}, {1: 0.6, 2: 0.4, 3: 0.9})
    assert n == 2 and wins == 1 and diffs == pytest.approx([0.1, -0.3])
    assert m == pytest.approx(-0.1) and se == pytest.approx(0.2)
    st = paired_stats({0: 0.2, 1: 0.5, 2: 0.7}, {1: 0.6, 2: 0.4, 3: 0.9})
    assert (st.mean, st.se, st.n, st.wins, st.diffs) == (m, se, n, wins, diffs)
    assert paired_stats({0: 1.0}, {1: 1.0}) is None
    paths = write_table(str(tmp_path), 't', ['a', 'b'], [[1, None]], note='note')
    assert open(paths['markdown']).read() == 'note\n\n| a | b |\n|---|---|\n| 1 | - |\n'
    assert list(csv.reader(open(paths['csv']))) == [['a', 'b'], ['1', '']]
