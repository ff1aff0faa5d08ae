"""A hook that ends the training process abruptly, to test resuming (tests only)."""
import os

from mmengine.hooks import Hook

from mmpose.registry import HOOKS


@HOOKS.register_module()
class KillAfterIterHook(Hook):
    """``os._exit(3)`` right after iteration ``iter`` (1-based) and its checkpoint."""

    priority = 'LOWEST'  # after CheckpointHook has written the checkpoint

    def __init__(self, iter: int) -> None:
        self.iter = iter

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        if runner.iter + 1 == self.iter:
            os._exit(3)
