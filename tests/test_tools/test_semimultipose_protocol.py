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
    cmd = [sys.executable, 'tools/analysis/semimultipose/semimultipose_protocol.py', '--methods', 'directpose',
           'semimultipose', '--sizes', 'train5', '--draws', '0', '--iters', '2',
           '--val-interval', '1', '--out', str(out)]
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    rows = list(csv.reader(open(out / 'table1.csv')))
    assert [r[:3] for r in rows[1:]] == [['directpose', 'train5', '1'],
                                          ['semimultipose', 'train5', '1']]
    assert (out / 'curve_train5.png').stat().st_size > 1000
    # AP was evaluated at iterations 1 and 2 of each run
    from projects.core.experiments import read_curve
    assert [s for s, _ in read_curve(str(out / 'directpose' / 'train5-d0'))] == [1, 2]
    # a second call trains nothing (the final checkpoints exist) and rewrites the report
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0 and '+ ' not in p.stdout


def test_protocol_fine_tune_design_with_seeds(tmp_path, shared_data):
    """--init-config trains the starting network once per draw; every seed's run loads it."""
    honeybee.convert(osp.join(shared_data, 'honeybee'), osp.join(ROOT, 'data', 'honeybee'))
    out = tmp_path / 'finetune'
    pattern = ('configs/semimultipose/{dataset}/{method}_mobilenetv2-fpn_cpu-30min_'
               '{dataset}-{size}.py')
    cmd = [sys.executable, 'tools/analysis/semimultipose/semimultipose_protocol.py', '--methods', 'directpose',
           '--sizes', 'train5', '--draws', '1', '--config', pattern, '--init-config', pattern,
           '--init-iters', '1', '--iters', '1', '--finetune-lr', '1e-4', '--seeds', '0', '3',
           '--init-cfg-options', 'optim_wrapper.dtype=float32',
           'optim_wrapper.channels_last=False', '--out', str(out)]
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    init = out / 'init' / 'train5-d1' / 'iter_1.pth'
    assert init.exists()
    from mmengine.config import Config
    for work, seed in (('train5-d1', 0), ('train5-d1-s3', 3)):
        cfg = Config.fromfile(str(out / 'directpose' / work / 'run_config.py'))
        assert cfg.load_from == str(init) and cfg.randomness.seed == seed
        assert cfg.train_dataloader.dataset.ann_file == 'annotations/honeybee_train5-d1.json'
        assert [s.type for s in cfg.param_scheduler] == ['ConstantLR']
        # --init-cfg-options reach the starting network's run only: the arms keep the trio's
        # bfloat16 wrapper
        assert 'dtype' not in cfg.optim_wrapper and cfg.optim_wrapper.channels_last is True
    init_cfg = Config.fromfile(str(out / 'init' / 'train5-d1' / 'run_config.py'))
    assert init_cfg.load_from is None and init_cfg.train_dataloader.batch_size == 4
    # tools/train.py merged --init-cfg-options into the config it keeps in the work dir
    assert init_cfg.optim_wrapper.type == 'CPUAmpOptimWrapper'
    assert init_cfg.optim_wrapper.dtype == 'float32'
    assert init_cfg.optim_wrapper.channels_last is False
    md = open(out / 'table1.md').read()
    assert 'Starting checkpoint (fine-tune design)' in md and 'Run-to-run noise' in md
    # lengthening the study: a larger --iters resumes each run from its last checkpoint
    longer = cmd[:cmd.index('--iters') + 1] + ['2'] + cmd[cmd.index('--iters') + 2:]
    p = subprocess.run(longer, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    for work in ('train5-d1', 'train5-d1-s3'):
        assert (out / 'directpose' / work / 'iter_2.pth').exists()
        assert 'resumed epoch: 0, iter: 1' in open(out / 'directpose' / work / 'protocol.log').read()
    assert not (out / 'init' / 'train5-d1' / 'iter_2.pth').exists()  # the start is kept
    # --compare pairs each method with the same method of another study (here the study with
    # itself: a difference of exactly 0 on the one draw), without training anything
    p = subprocess.run(longer + ['--report-only', '--compare', str(out)], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    md = open(out / 'table1.md').read()
    assert f'Against {osp.relpath(str(out), ROOT)}: each method minus the same method' in md
    assert '| DirectPose | train5 | 2 | +0.000 +- 0.000 (0/1 > 0) |' in md
    assert (out / 'compare_curve.csv').exists()
    p = subprocess.run(longer + ['--report-only', '--compare', str(tmp_path / 'nothing')],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert p.returncode == 2 and 'no such directory' in p.stderr
    # a sensitivity check trains only the SemiMultiPose arm from the same starting network,
    # with its own beta and unlabeled frames per batch
    out2 = tmp_path / 'beta'
    cmd = [sys.executable, 'tools/analysis/semimultipose/semimultipose_protocol.py', '--methods',
           'semimultipose', '--sizes', 'train5', '--draws', '1', '--config', pattern, '--init',
           str(out / 'init' / '{split}' / 'iter_1.pth'), '--iters', '1', '--finetune-lr', '1e-4',
           '--beta', '0.5', '--unlabeled-batch', '2', '--cfg-options',
           'model.backbone.norm_eval=True', '--out', str(out2)]
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    cfg = Config.fromfile(str(out2 / 'semimultipose' / 'train5-d1' / 'run_config.py'))
    assert cfg.load_from == str(init)
    assert [h.beta for h in cfg.custom_hooks if h.type == 'SemiMultiPoseHook'] == [0.5]
    assert cfg.train_dataloader.sampler.source_ratio == [2, 2]
    assert cfg.model.backbone.norm_eval is True  # --cfg-options, after the protocol's own
    # --init-cfg-options without --init-config has nothing to reach: refused
    p = subprocess.run(cmd + ['--init-cfg-options', 'optim_wrapper.dtype=float32'], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 2 and '--init-cfg-options needs --init-config' in p.stderr
