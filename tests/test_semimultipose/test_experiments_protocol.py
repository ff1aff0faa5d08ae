import csv
import math
import os

import pytest

from projects.semimultipose.experiments import protocol


def _cfg(name):
    from mmengine.config import Config
    return Config.fromfile(f'configs/semimultipose/{name}')


HONEYBEE = 'honeybee/{}_mobilenetv2-fpn_cpu-demo_honeybee-640x384.py'


def test_configure_run_per_method():
    o = protocol.configure_run(_cfg(HONEYBEE.format('semimultipose')), 'semimultipose',
                               'train5-d3', 600, 200)
    lab, unl = o.train_dataloader.dataset.datasets
    assert lab.ann_file == 'annotations/honeybee_train5-d3.json'
    assert unl.ann_file == 'annotations/honeybee_train5-d3_unlabeled.json'
    hook = [h for h in o.custom_hooks if h.type == 'SemiMultiPoseHook'][0]
    # the paper's 2k / 5k of 15k, scaled to 600 iterations: 80 and 200
    assert (hook.fl_start, hook.fu_start) == (80, 200)
    assert [s.end for s in o.param_scheduler if s.type == 'CosineAnnealingLR'] == [600]
    assert o.train_cfg.max_iters == 600 and o.train_cfg.val_interval == 200
    assert o.default_hooks.checkpoint.interval == 600
    d = protocol.configure_run(_cfg(HONEYBEE.format('directpose')), 'directpose', 'train25-d0',
                               600, 200)
    assert d.train_dataloader.batch_size == 2
    own = protocol.configure_run(_cfg(HONEYBEE.format('directpose')), 'directpose',
                                 'train25-d0', 600, 200, labeled_batch=None)
    assert own.train_dataloader.batch_size == 4  # the demo DirectPose config's own batch
    assert d.train_dataloader.dataset.ann_file == 'annotations/honeybee_train25-d0.json'
    hook = [h for h in d.custom_hooks if h.type == 'SemiMultiPoseHook'][0]
    assert hook.fl_start is None and hook.fu_start is None  # untouched: alpha = beta = 0
    sl = protocol.configure_run(_cfg(HONEYBEE.format('semimultipose-labeled')),
                                'semimultipose-labeled', 'train5-d0', 600, 200)
    assert [h.fl_start for h in sl.custom_hooks if h.type == 'SemiMultiPoseHook'] == [80]
    with pytest.raises(ValueError, match='unknown method'):
        protocol.configure_run(_cfg(HONEYBEE.format('directpose')), 'x', 'train5-d0', 1, 1)
    # the fly configs' unlabeled stream is a ConcatDataset (clip frames, then a video)
    f = protocol.configure_run(_cfg('fly/semimultipose_mobilenetv2-fpn_cpu-demo_fly-512x512.py'),
                               'semimultipose', 'train5-d1', 600, 200, dataset='fly')
    lab, unl = f.train_dataloader.dataset.datasets
    assert lab.ann_file == 'annotations/fly_train5-d1.json'
    assert unl.datasets[0].ann_file == 'annotations/fly_train5-d1_unlabeled.json'
    assert 'ann_file' not in unl.datasets[1] or not unl.datasets[1].ann_file  # the video
    assert f.val_dataloader.dataset.ann_file == 'annotations/fly_val.json'  # the config's
    assert f.test_dataloader.dataset.ann_file == 'annotations/fly_test.json'
    # the random fly draws hold out their own frames: loaders and every evaluator read them
    r = protocol.configure_run(_cfg('fly/semimultipose_mobilenetv2-fpn_cpu-30min_fly-512x512.py'),
                               'semimultipose', 'rand40-d3', 600, 200, dataset='fly',
                               test_split='rand40-d3_test')
    lab, unl = r.train_dataloader.dataset.datasets
    assert lab.ann_file == 'annotations/fly_rand40-d3.json'
    assert unl.datasets[0].ann_file == 'annotations/fly_rand40-d3_unlabeled.json'
    for loader in (r.val_dataloader, r.test_dataloader):
        assert loader.dataset.ann_file == 'annotations/fly_rand40-d3_test.json'
    assert len(r.val_evaluator) == len(r.test_evaluator) == 3
    for ev in list(r.val_evaluator) + list(r.test_evaluator):
        assert ev.ann_file == 'data/fly/annotations/fly_rand40-d3_test.json'


def test_configure_run_finds_pieces_by_type_not_position():
    """A config whose hooks, schedulers and streams are reordered gets the same settings."""
    cfg = _cfg(HONEYBEE.format('semimultipose'))
    cfg.custom_hooks = [dict(type='EMAHook')] + list(cfg.custom_hooks)
    cfg.param_scheduler = list(reversed(cfg.param_scheduler))
    ds = cfg.train_dataloader.dataset
    ds.datasets = list(reversed(ds.datasets))
    o = protocol.configure_run(cfg, 'semimultipose', 'train5-d2', 300, 100)
    assert o.custom_hooks[0] == dict(type='EMAHook')
    assert (o.custom_hooks[1].fl_start, o.custom_hooks[1].fu_start) == (40, 100)
    assert o.param_scheduler[0].type == 'CosineAnnealingLR' and o.param_scheduler[0].end == 300
    assert o.param_scheduler[1].type == 'LinearLR' and o.param_scheduler[1].end == 50
    assert ds.datasets[1].ann_file == 'annotations/honeybee_train5-d2.json'
    assert ds.datasets[0].ann_file == 'annotations/honeybee_train5-d2_unlabeled.json'
    del cfg.custom_hooks[1]
    with pytest.raises(ValueError, match='no SemiMultiPoseHook'):
        protocol.configure_run(cfg, 'semimultipose', 'train5-d2', 300, 100)


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


def test_configure_run_fine_tune_design():
    """All methods from one DirectPose checkpoint, constant low lr, fusion on from the start."""
    runs = {m: protocol.configure_run(_cfg(HONEYBEE.format(m)), m, 'train5-d1', 300, 100,
                                      init_checkpoint='dp/train5-d1.pth', finetune_lr=1e-4)
            for m in protocol.METHODS}
    for m, cfg in runs.items():
        assert cfg.load_from == 'dp/train5-d1.pth' and cfg.optim_wrapper.optimizer.lr == 1e-4
        assert [s.type for s in cfg.param_scheduler] == ['ConstantLR']
        assert cfg.param_scheduler[0].factor == 1.0
    hooks = {m: [h for h in c.custom_hooks if h.type == 'SemiMultiPoseHook'][0]
             for m, c in runs.items()}
    assert hooks['semimultipose'].fl_start == 0 and hooks['semimultipose'].fu_start == 0
    assert hooks['semimultipose-labeled'].fl_start == 0
    assert hooks['directpose'].alpha == 0 and hooks['directpose'].beta == 0
    with pytest.raises(ValueError, match='needs finetune_lr'):
        protocol.configure_run(_cfg(HONEYBEE.format('directpose')), 'directpose', 'x', 1, 1,
                               init_checkpoint='a.pth')


def test_configure_run_seed():
    cfg = protocol.configure_run(_cfg(HONEYBEE.format('directpose')), 'directpose', 'train5-d0',
                                 10, 10, seed=7)
    assert cfg.randomness.seed == 7
    cfg = protocol.configure_run(_cfg(HONEYBEE.format('directpose')), 'directpose', 'train5-d0',
                                 10, 10)
    assert cfg.randomness.seed == 0  # the config's own


def test_paired_differences_by_hand():
    final = {('directpose', 'train5', 0): 0.3, ('directpose', 'train5', 1): 0.5,
             ('semimultipose', 'train5', 0): 0.4, ('semimultipose', 'train5', 1): 0.45,
             # draw 2 has no DirectPose run: it cannot be paired and is left out
             ('semimultipose', 'train5', 2): 0.9}
    md, rows = protocol.paired_differences(final, ['directpose', 'semimultipose'], ['train5'])
    # differences +0.1 and -0.05: mean 0.025; sd 0.15 / sqrt(2) = 0.1061; SE = sd / sqrt(2)
    assert '| SemiMultiPose | +0.025 +- 0.075 (n=2) |' in md
    assert rows[1][:3] == ['semimultipose', 'train5', '2']
    assert float(rows[1][3]) == pytest.approx(0.025) and float(rows[1][4]) == pytest.approx(0.075)
    assert len(rows) == 2  # no row for the baseline itself


def test_seed_noise_and_report_with_init(tmp_path):
    curves = {('directpose', 'train5', 0): [(100, 0.30)],
              ('semimultipose', 'train5', 0): [(100, 0.34)]}
    seeds = {('directpose', 'train5', 0, 1): [(100, 0.32)],
             ('semimultipose', 'train5', 0, 1): [(100, 0.33)],
             ('directpose', 'train5', 0, 2): [(100, 0.28)],
             ('semimultipose', 'train5', 0, 2): [(100, 0.35)]}
    paths = protocol.write_report(str(tmp_path), curves, ['directpose', 'semimultipose'],
                                  ['train5'], seed_curves=seeds,
                                  init_curves={('train5', 0): [(600, 0.25)]})
    md = open(paths['markdown']).read()
    # DirectPose over seeds 0, 1, 2: 0.30, 0.32, 0.28 -> mean 0.30, sd 0.02
    assert '| DirectPose | train5-d0 | 3 | 0.300, 0.320, 0.280 | 0.300 +- 0.020 | - |' in md
    # SemiMultiPose - DirectPose per seed: +0.04, +0.01, +0.07 -> mean 0.04, SE 0.03 / sqrt(3)
    se = 0.03 / math.sqrt(3)
    assert (f'| SemiMultiPose | train5-d0 | 3 | 0.340, 0.330, 0.350 | 0.340 +- 0.010 | '
            f'+0.040 +- {se:.3f} (n=3) |') in md
    assert '| Starting checkpoint (fine-tune design) | 0.250 +- 0.000 (n=1) |' in md
    assert '| SemiMultiPose | +0.040 +- 0.000 (n=1) |' in md
    assert list(csv.reader(open(paths['paired_csv'])))[1][:3] == ['semimultipose', 'train5', '1']


def test_configure_run_sensitivity_beta_and_unlabeled_batch():
    """--beta / --unlabeled-batch change the SemiMultiPose arm only (departures from the
    paper's beta = 0.1 and 2 labeled + 1 unlabeled frames per batch)."""
    smp = protocol.configure_run(_cfg(HONEYBEE.format('semimultipose')), 'semimultipose',
                                 'train5-d0', 200, 100, init_checkpoint='a.pth',
                                 finetune_lr=2e-4, beta=1.0, unlabeled_batch=3)
    hook = [h for h in smp.custom_hooks if h.type == 'SemiMultiPoseHook'][0]
    assert hook.beta == 1.0 and hook.alpha == 0.01 and hook.fu_start == 0
    loader = smp.train_dataloader
    assert loader.sampler.source_ratio == [2, 3]  # the config's 2 labeled, now 3 unlabeled
    assert loader.sampler.batch_size == loader.batch_size == 5
    plain = protocol.configure_run(_cfg(HONEYBEE.format('semimultipose')), 'semimultipose',
                                   'train5-d0', 200, 100)
    assert plain.train_dataloader.sampler.source_ratio == [2, 1]
    assert [h.beta for h in plain.custom_hooks if h.type == 'SemiMultiPoseHook'] == [0.1]
    for m in ('directpose', 'semimultipose-labeled'):
        kw = dict(init_checkpoint='a.pth', finetune_lr=2e-4)
        a = protocol.configure_run(_cfg(HONEYBEE.format(m)), m, 'train5-d0', 200, 100, **kw)
        b = protocol.configure_run(_cfg(HONEYBEE.format(m)), m, 'train5-d0', 200, 100,
                                   beta=1.0, unlabeled_batch=3, **kw)
        assert a.to_dict() == b.to_dict()
    with pytest.raises(ValueError, match='beta must be >= 0'):
        protocol.configure_run(_cfg(HONEYBEE.format('semimultipose')), 'semimultipose',
                               'train5-d0', 10, 10, beta=-1)
    with pytest.raises(ValueError, match='unlabeled_batch must be >= 1'):
        protocol.configure_run(_cfg(HONEYBEE.format('semimultipose')), 'semimultipose',
                               'train5-d0', 10, 10, unlabeled_batch=0)


def test_paired_curve_by_hand(tmp_path):
    """Paired differences at every validated iteration (only iterations both runs of a draw
    have; a draw without a DirectPose run is left out)."""
    curves = {('directpose', 'rand40', 0): [(100, 0.50), (200, 0.60)],
              ('directpose', 'rand40', 1): [(100, 0.40), (200, 0.70)],
              ('semimultipose', 'rand40', 0): [(100, 0.30), (200, 0.65)],
              ('semimultipose', 'rand40', 1): [(100, 0.35), (200, 0.80)],
              ('semimultipose', 'rand40', 2): [(100, 0.90), (200, 0.90)]}
    md, rows = protocol.paired_curve(curves, ['directpose', 'semimultipose'], ['rand40'])
    # at 100: -0.20 and -0.05 -> mean -0.125, SE = sd / sqrt(2) = 0.1061 / 1.414 = 0.075
    # at 200: +0.05 and +0.10 -> mean +0.075, SE 0.025, both above zero
    assert '| SemiMultiPose | rand40 | 100 | -0.125 +- 0.075 (0/2 > 0) |' in md
    assert '| SemiMultiPose | rand40 | 200 | +0.075 +- 0.025 (2/2 > 0) |' in md
    assert [r[:5] for r in rows[1:]] == [['semimultipose', 'rand40', '100', '2', '0'],
                                         ['semimultipose', 'rand40', '200', '2', '2']]
    assert float(rows[1][5]) == pytest.approx(-0.125) and float(rows[2][6]) == pytest.approx(0.025)
    paths = protocol.write_report(str(tmp_path), curves, ['directpose', 'semimultipose'],
                                  ['rand40'], seed_curves={
                                      ('directpose', 'rand40', 0, 5): [(200, 0.62)],
                                      ('semimultipose', 'rand40', 0, 5): [(200, 0.61)]},
                                  first_seed=4)
    md = open(paths['markdown']).read()
    assert '| SemiMultiPose | rand40 | 200 | +0.075 +- 0.025 (2/2 > 0) |' in md
    assert 'seed 4 is the run above' in md
    # the seed table pairs seed 4 (0.60 / 0.65) and seed 5 (0.62 / 0.61): +0.05, -0.01
    assert '| SemiMultiPose | rand40-d0 | 2 | 0.650, 0.610 |' in md
    assert list(csv.reader(open(paths['paired_curve_csv'])))[2][:3] == [
        'semimultipose', 'rand40', '200']


def test_paired_curve_against_another_study_by_hand(tmp_path):
    """--compare: each method minus the same method of another study on the same draws (e.g.
    BatchNorm statistics kept minus updated), paired by draw at the iterations both have."""
    kept = {('directpose', 'rand40', 0): [(100, 0.50), (200, 0.60)],
            ('directpose', 'rand40', 1): [(100, 0.40), (200, 0.70)],
            ('semimultipose', 'rand40', 0): [(100, 0.30), (200, 0.65)],
            ('semimultipose', 'rand40', 1): [(100, 0.35), (200, 0.80)]}
    updated = {('directpose', 'rand40', 0): [(100, 0.50), (200, 0.60)],  # the same runs
               ('directpose', 'rand40', 1): [(100, 0.40), (200, 0.70)],
               ('semimultipose', 'rand40', 0): [(100, 0.10), (200, 0.70), (300, 0.9)],
               ('semimultipose', 'rand40', 1): [(100, 0.45), (200, 0.60)]}
    md, rows = protocol.paired_curve(kept, ['directpose', 'semimultipose'], ['rand40'],
                                     reference=updated, reference_name='outputs/upd')
    assert '| Method - the same method in outputs/upd |' in md
    # DirectPose against itself: 0 at both iterations, no draw above
    assert '| DirectPose | rand40 | 100 | +0.000 +- 0.000 (0/2 > 0) |' in md
    # SemiMultiPose at 100: +0.20 and -0.10 -> mean +0.05, SE = 0.2121 / 1.414 = 0.150
    assert '| SemiMultiPose | rand40 | 100 | +0.050 +- 0.150 (1/2 > 0) |' in md
    # at 200: -0.05 and +0.20 -> +0.075 +- 0.125; iteration 300 exists in one study only
    assert '| SemiMultiPose | rand40 | 200 | +0.075 +- 0.125 (1/2 > 0) |' in md
    assert [r[2] for r in rows[1:]] == ['100', '200', '100', '200']
    paths = protocol.write_report(str(tmp_path), kept, ['directpose', 'semimultipose'],
                                  ['rand40'], reference_curves=updated,
                                  reference_name='outputs/upd')
    md = open(paths['markdown']).read()
    assert 'Against outputs/upd: each method minus the same method there' in md
    assert '| SemiMultiPose | rand40 | 200 | +0.075 +- 0.125 (1/2 > 0) |' in md
    # the DirectPose baseline section is still there
    assert '| SemiMultiPose | rand40 | 200 | +0.075 +- 0.025 (2/2 > 0) |' in md
    got = list(csv.reader(open(paths['compare_curve_csv'])))
    assert got[-1][:5] == ['semimultipose', 'rand40', '200', '2', '1']
    assert float(got[-1][5]) == pytest.approx(0.075)
