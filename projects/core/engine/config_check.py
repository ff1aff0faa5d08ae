"""Checks that catch config typos before a run starts (MMEngine ignores some of them).

* :func:`check_cfg_options`: ``--cfg-options`` keys whose top-level name is neither in the
  config nor an argument of MMEngine's ``Runner`` (``train_cfgg.max_iters=2``) are refused
  before anything runs; MMEngine would add the key and silently train with the default.
* :func:`check_hook_args`: hook arguments that the hook class does not take are refused when
  the config is read. MMEngine's ``CheckpointHook`` accepts any keyword (``**kwargs``) and
  passes it to ``Runner.save_checkpoint`` only when the first checkpoint is written, so a
  misspelled ``default_hooks.checkpoint.intervall`` failed after training and left no
  checkpoint.
"""
import difflib
import inspect
from typing import Iterable

from mmengine.runner import Runner

#: top-level keys read by PoseBridge's tools or MMEngine outside ``Runner.__init__``'s arguments
#: (those are accepted from its signature). MMEngine 0.10's ``Runner`` reads ``compile``
#: (``torch.compile`` of ``train_step``), ``activation_checkpointing``, ``efficient_conv_bn_eval``,
#: ``sync_bn``, ``model_wrapper_cfg`` and ``find_unused_parameters`` with ``self.cfg.get``.
EXTRA_TOP_LEVEL = {'load_from_allow', 'runner_type', 'preprocess_cfg', 'find_unused_parameters',
                   'custom_imports', 'compile', 'activation_checkpointing',
                   'efficient_conv_bn_eval', 'sync_bn', 'model_wrapper_cfg'}


class ConfigKeyError(KeyError):
    """A config key that nothing reads: most likely a typo."""

    def __str__(self) -> str:  # KeyError quotes its message; print it plainly
        return str(self.args[0])


def _suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f'; did you mean {close[0]!r}?' if close else ''


def check_cfg_options(cfg, options: dict) -> None:
    """Refuse ``--cfg-options`` keys whose first part nothing reads.

    Args:
        cfg (mmengine.Config): the config before the options are merged.
        options (dict): the parsed ``--cfg-options`` (``DictAction``), dotted keys.

    Raises:
        ConfigKeyError: a key's top-level name is neither in ``cfg`` nor a ``Runner``
            argument nor in :data:`EXTRA_TOP_LEVEL`; the message suggests the closest name.
    """
    known = set(cfg.keys()) | set(inspect.signature(Runner.__init__).parameters) | \
        EXTRA_TOP_LEVEL
    known.discard('self')
    for key in options or {}:
        top = key.split('.')[0]
        if top not in known:
            raise ConfigKeyError(f'--cfg-options {key}: the config has no {top!r} and MMEngine '
                                 f'does not read it{_suggest(top, known)}')


def _hook_cfgs(cfg):
    for name, hook in (cfg.get('default_hooks') or {}).items():
        if isinstance(hook, dict):
            yield f'default_hooks.{name}', hook
    for i, hook in enumerate(cfg.get('custom_hooks') or []):
        if isinstance(hook, dict):
            yield f'custom_hooks[{i}] ({hook.get("type")})', hook


def check_hook_args(cfg) -> None:
    """Refuse hook arguments the hook does not take (hooks looked up in MMPose's registry,
    which falls back to MMEngine's).

    For a hook whose constructor takes ``**kwargs`` (``CheckpointHook``), the extra keywords
    must be arguments of ``Runner.save_checkpoint``, where MMEngine passes them.

    Raises:
        ConfigKeyError: an unknown argument; the message names the hook and suggests the
            closest argument.
    """
    from mmengine.hooks import CheckpointHook
    from mmpose.registry import HOOKS
    saver = set(inspect.signature(Runner.save_checkpoint).parameters) - {'self'}
    for where, hook in _hook_cfgs(cfg):
        cls = HOOKS.get(hook.get('type')) if isinstance(hook.get('type'), str) else None
        if cls is None:
            continue  # an unknown type fails when MMEngine builds it, with its own message
        params = inspect.signature(cls.__init__).parameters
        has_kwargs = any(v.kind == v.VAR_KEYWORD for v in params.values())
        if has_kwargs and not issubclass(cls, CheckpointHook):
            continue  # where its extra keywords go is not known here
        # 'priority' is read by the Runner, the rest by the hook (CheckpointHook's extra
        # keywords by Runner.save_checkpoint)
        allowed = ({p for p, v in params.items() if v.kind == v.POSITIONAL_OR_KEYWORD or
                    v.kind == v.KEYWORD_ONLY} | {'priority'} | (saver if has_kwargs else set()))
        allowed.discard('self')
        for arg in hook:
            if arg not in ('type', '_scope_') and arg not in allowed:
                raise ConfigKeyError(f'{where}: {cls.__name__} takes no argument {arg!r}'
                                     f'{_suggest(arg, allowed)}')


__all__ = ['ConfigKeyError', 'check_cfg_options', 'check_hook_args']
