"""ScoreThresholdHook: the val frames' threshold travels with the checkpoints."""
from types import SimpleNamespace

from projects.core.engine.hooks import ScoreThresholdHook


def test_threshold_kept_in_checkpoints_and_restored():
    hook = ScoreThresholdHook()
    ckpt = dict(meta=dict(seed=0))
    hook.before_save_checkpoint(SimpleNamespace(iter=10), ckpt)
    assert ckpt['meta'] == dict(seed=0)  # nothing chosen yet
    hook.after_val_epoch(SimpleNamespace(iter=300), {'px/score_thr': 0.42, 'coco/AP': 0.5})
    hook.after_val_epoch(SimpleNamespace(iter=600), {'px/score_thr': float('nan')})  # kept
    hook.before_save_checkpoint(SimpleNamespace(iter=600), ckpt)
    assert ckpt['meta'] == dict(seed=0, score_thr=0.42, score_thr_iter=300)
    resumed = ScoreThresholdHook()
    resumed.after_load_checkpoint(None, ckpt)
    out = {}
    resumed.before_save_checkpoint(None, out)
    assert out['meta'] == dict(score_thr=0.42, score_thr_iter=300)
