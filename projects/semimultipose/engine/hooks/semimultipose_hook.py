"""The SemiMultiPose schedule: when the fusion losses switch on (Blau et al., section 5)."""
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper

from mmpose.registry import HOOKS


@HOOKS.register_module()
class SemiMultiPoseHook(Hook):
    """Switch on ``alpha * L_fl`` at ``fl_start`` and ``beta * L_fu`` at ``fu_start``.

    The paper trains with the supervised loss alone first, adds the labeled fusion loss at
    iteration 2k and the unlabeled one at 5k (honeybees and flies; 8k and 15k for mouse pups),
    so that unlabeled frames do not pull an untrained model to a bad optimum. Before every
    training iteration this hook sets the head's ``alpha`` and ``beta`` from the iteration
    number alone, so a training resumed past a switch has the right terms from its first
    iteration; each switch is logged once.

    Args:
        alpha (float): weight of L_fl once on (paper: 0.01; 5 to 10 with very few labels).
        beta (float): weight of L_fu once on (paper: 0.1).
        fl_start (int): first iteration (0-based) with L_fl; ``None`` never.
        fu_start (int): first iteration with L_fu; ``None`` never.
    """

    priority = 'NORMAL'

    def __init__(self, alpha: float = 0.01, beta: float = 0.1, fl_start: int = 2000,
                 fu_start: int = 5000) -> None:
        self.alpha, self.beta = alpha, beta
        self.fl_start, self.fu_start = fl_start, fu_start
        self._state = None

    @staticmethod
    def _head(runner):
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        head = model.head
        if not (hasattr(head, 'alpha') and hasattr(head, 'beta')):
            raise TypeError(f'SemiMultiPoseHook needs a head with alpha and beta '
                            f'(SemiMultiPoseHead), got {type(head).__name__}')
        return head

    def weights_at(self, it: int):
        """``(alpha, beta)`` in force at iteration ``it`` (0-based)."""
        alpha = self.alpha if self.fl_start is not None and it >= self.fl_start else 0.0
        beta = self.beta if self.fu_start is not None and it >= self.fu_start else 0.0
        return alpha, beta

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        head = self._head(runner)
        head.alpha, head.beta = self.weights_at(runner.iter)
        state = (head.alpha, head.beta)
        if state != self._state:
            print_log(f'SemiMultiPoseHook: iteration {runner.iter}: alpha * L_fl with alpha = '
                      f'{head.alpha}, beta * L_fu with beta = {head.beta}', logger='current')
            self._state = state
