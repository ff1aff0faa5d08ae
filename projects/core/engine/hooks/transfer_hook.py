"""Transfer initialisation and a report of what trains, as MMEngine hooks."""
from collections import OrderedDict
from typing import Optional, Union

from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from torch.nn.modules.batchnorm import _BatchNorm

from mmpose.registry import HOOKS

from ...keypoints import build_mapping
from ...models.transfer import (load_source_state_dict, per_keypoint_layers, summarize,
                                transfer_state_dict)


@HOOKS.register_module()
class TransferInitHook(Hook):
    """Start training from a network trained on another keypoint definition.

    At the first iteration of a fresh training (never after a resume: ``runner.iter > 0``),
    the source checkpoint's weights are transferred into the model with
    :func:`~projects.core.models.transfer.transfer_state_dict` and what was copied or left
    fresh is logged. Use it instead of ``load_from`` when the keypoint sets differ; with
    ``mode='reinit_head'`` it is Scott et al.'s transfer (DeepLabCut ``keepdeconvweights=False``).

    Args:
        checkpoint (str): the source checkpoint (path or URL).
        mode (str): ``'reinit_head'``, ``'reinit_final'`` or ``'copy_mapped'``.
        mapping (str | dict, optional): source -> target keypoint mapping (a name of
            ``projects.core.keypoints.MAPPINGS`` or ``dict(source=, target=, rules=)``);
            required by ``'copy_mapped'``.
        head_prefix (str): prefix of the head's parameters in the state dict.
        per_keypoint_layers (dict, optional): override of the head's per-keypoint layers.

    Raises:
        FileNotFoundError: a missing local checkpoint.
        ValueError: see :func:`transfer_state_dict`.
    """

    priority = 'VERY_HIGH'

    def __init__(self, checkpoint: str, mode: str = 'reinit_head',
                 mapping: Union[str, dict, None] = None, head_prefix: str = 'head.',
                 per_keypoint_layers: Optional[dict] = None) -> None:
        self.checkpoint = checkpoint
        self.mode = mode
        self.mapping = build_mapping(mapping) if mapping is not None else None
        self.head_prefix = head_prefix
        self.layers = per_keypoint_layers

    def before_train(self, runner) -> None:
        if runner.iter > 0:
            print_log(f'TransferInitHook: resumed at iteration {runner.iter}; the transfer from '
                      f'{self.checkpoint} is not repeated', logger='current')
            return
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        layers = self.layers or per_keypoint_layers(model.head)
        source = load_source_state_dict(self.checkpoint)
        new, report = transfer_state_dict(source, model.state_dict(), self.mode, layers,
                                          self.mapping, self.head_prefix)
        model.load_state_dict(new)
        print_log(f'TransferInitHook: {self.mode} from {self.checkpoint}', logger='current')
        for line in summarize(report):
            print_log(f'  {line}', logger='current')


@HOOKS.register_module()
class TrainableParametersHook(Hook):
    """Log at the start of training which parameters are frozen, which batch-norm layers keep
    frozen statistics (eval mode while training: MMPose backbones' ``norm_eval``), and the
    learning-rate multipliers of the optimizer's parameter groups (``paramwise_cfg``)."""

    priority = 'LOW'

    def before_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        model.train()  # backbones apply frozen_stages / norm_eval in train()
        frozen, trainable = OrderedDict(), OrderedDict()
        for name, p in model.named_parameters():
            group = '.'.join(name.split('.')[:3])
            (trainable if p.requires_grad else frozen).setdefault(group, 0)
            (trainable if p.requires_grad else frozen)[group] += p.numel()
        n_frozen, n_train = sum(frozen.values()), sum(trainable.values())
        print_log(f'TrainableParametersHook: {n_train} trainable, {n_frozen} frozen parameters',
                  logger='current')
        if frozen:
            print_log('  frozen: ' + ', '.join(f'{k} ({v})' for k, v in frozen.items()),
                      logger='current')
        bn_eval = [n for n, m in model.named_modules() if isinstance(m, _BatchNorm)
                   and not m.training]
        if bn_eval:
            print_log(f'  batch-norm statistics frozen in {len(bn_eval)} layers: '
                      + ', '.join(bn_eval[:8]) + (' ...' if len(bn_eval) > 8 else ''),
                      logger='current')
        optim = getattr(runner, 'optim_wrapper', None)
        groups = getattr(getattr(optim, 'optimizer', None), 'param_groups', [])
        lrs = sorted({g['lr'] for g in groups})
        if len(lrs) > 1:
            print_log(f'  learning rates of the parameter groups: {lrs}', logger='current')
