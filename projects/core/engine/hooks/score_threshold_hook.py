"""Keep the instance-score threshold chosen on the val frames in every checkpoint."""
import math
from typing import Optional

from mmengine.hooks import Hook

from mmpose.registry import HOOKS


@HOOKS.register_module()
class ScoreThresholdHook(Hook):
    """Store the val frames' best-F1 instance-score threshold in checkpoints' ``meta``.

    After each validation, the metric ``key`` (``KeypointPixelError``'s ``px/score_thr``) is
    kept; every checkpoint saved afterwards carries it as ``meta['score_thr']`` (with
    ``meta['score_thr_iter']``, the iteration of the validation that chose it), which
    ``tools/predict.py`` uses when ``--score-thr`` is not given. The value is restored from a
    resumed checkpoint, so a resumed run keeps it.

    Args:
        key (str): the validation metric holding the threshold.
    """
    priority = 'NORMAL'  # before CheckpointHook (VERY_LOW) saves the best checkpoint

    def __init__(self, key: str = 'px/score_thr') -> None:
        self.key = key
        self.value: Optional[float] = None
        self.iter: Optional[int] = None

    def after_val_epoch(self, runner, metrics=None) -> None:
        value = (metrics or {}).get(self.key)
        if value is not None and math.isfinite(float(value)):
            self.value, self.iter = float(value), int(runner.iter)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if self.value is not None:
            checkpoint.setdefault('meta', {}).update(score_thr=self.value,
                                                     score_thr_iter=self.iter)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        meta = checkpoint.get('meta') or {}
        if 'score_thr' in meta:
            self.value, self.iter = float(meta['score_thr']), meta.get('score_thr_iter')
