import csv
import json
import math
import os

import pytest

from projects.semimultipose.evaluation import protocol


def test_mean_se_by_hand():
    m, se = protocol.mean_se([0.7, 0.8, 0.9])
    # sample sd = 0.1, se = 0.1 / sqrt(3)
    assert m == pytest.approx(0.8) and se == pytest.approx(0.1 / math.sqrt(3))
    assert protocol.mean_se([0.5]) == (0.5, 0.0)
    with pytest.raises(ValueError):
        protocol.mean_se([])


def test_run_options_per_method():
    o = protocol.run_options('semimultipose', 'train5-d3', 600, 200)
    assert 'train_dataloader.dataset.datasets.0.ann_file=annotations/honeybee_train5-d3.json' in o
    assert ('train_dataloader.dataset.datasets.1.ann_file='
            'annotations/honeybee_train5-d3_unlabeled.json') in o
    # the paper's 2k / 5k of 15k, scaled to 600 iterations: 80 and 200
    assert 'custom_hooks.0.fl_start=80' in o and 'custom_hooks.0.fu_start=200' in o
    assert 'param_scheduler.1.end=600' in o
    d = protocol.run_options('directpose', 'train25-d0', 600, 200)
    assert 'train_dataloader.batch_size=2' in d and not any('custom_hooks' in x for x in d)
    assert 'custom_hooks.0.fl_start=80' in protocol.run_options('semimultipose-labeled',
                                                                'train5-d0', 600, 200)
    with pytest.raises(ValueError, match='unknown method'):
        protocol.run_options('x', 'train5-d0', 1, 1)
    # the fly configs' unlabeled stream is a ConcatDataset (clip frames, then a video)
    f = protocol.run_options('semimultipose', 'train5-d1', 600, 200, dataset='fly')
    assert 'train_dataloader.dataset.datasets.0.ann_file=annotations/fly_train5-d1.json' in f
    assert ('train_dataloader.dataset.datasets.1.datasets.0.ann_file='
            'annotations/fly_train5-d1_unlabeled.json') in f
    g = protocol.run_options('directpose', 'train5-d1', 15000, 1000, labeled_batch=3)
    assert 'train_dataloader.batch_size=3' in g and 'param_scheduler.1.end=15000' in g
    with pytest.raises(ValueError, match='unknown dataset'):
        protocol.run_options('directpose', 'train5-d0', 1, 1, dataset='cow')


def test_read_curve_merges_resumed_runs(tmp_path):
    for stamp, recs in (('20260101_000000', [(200, 0.1), (400, 0.2)]),
                        ('20260101_010000', [(400, 0.25), (600, 0.3)])):
        d = tmp_path / stamp / 'vis_data'
        d.mkdir(parents=True)
        with open(d / 'scalars.json', 'w') as f:
            f.write(json.dumps({'lr': 0.1, 'step': 10}) + '\n')
            for step, ap in recs:
                f.write(json.dumps({'coco/AP': ap, 'step': step}) + '\n')
    assert protocol.read_curve(str(tmp_path)) == [(200, 0.1), (400, 0.25), (600, 0.3)]


def test_report_table_and_curves(tmp_path):
    curves = {('directpose', 'train5', 0): [(200, 0.1), (400, 0.3)],
              ('directpose', 'train5', 1): [(200, 0.2), (400, 0.5)],
              ('semimultipose', 'train5', 0): [(200, 0.2), (400, 0.6)]}
    paths = protocol.write_report(str(tmp_path), curves, ['directpose', 'semimultipose'],
                                  ['train5'])
    md = open(paths['markdown']).read()
    # DirectPose: final APs 0.3 and 0.5 -> 0.4 +- 0.1 (sd 0.1414 / sqrt 2)
    assert '| DirectPose | 0.400 +- 0.100 (n=2) |' in md
    assert '| SemiMultiPose | 0.600 +- 0.000 (n=1) |' in md
    rows = list(csv.reader(open(paths['csv'])))
    assert rows[1][:3] == ['directpose', 'train5', '2'] and float(rows[1][3]) == 0.4
    assert os.path.getsize(paths['curve_train5']) > 1000
