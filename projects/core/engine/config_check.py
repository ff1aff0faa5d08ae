"""Checks that catch config typos before a run starts (MMEngine ignores some of them).

* :func:`check_cfg_options`: ``--cfg-options`` keys that nothing would read are refused before
  anything runs (a misspelled top-level name, ``train_cfgg.max_iters=2``; a config-file
  variable such as ``codec.refine_radius=0``, already used when the file was parsed; a nested
  misspelling, ``model.test_cfg.flip_testt``; an argument the dict's ``type`` does not take);
  MMEngine would add the key and silently run with the old value.
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


#: top-level keys that a config file reads as variables and tools also read after parsing
READ_AFTER_PARSING = {'data_mode', 'dataset_info'}


def _registered_class(type_name):
    """The class registered under ``type_name`` in one of MMPose's registries (MMEngine's and
    MMDetection's through their scopes, ``mmdet.FPN``), or ``None``."""
    import mmpose.registry as registries
    from mmengine.registry import Registry
    if not isinstance(type_name, str):
        return type_name if inspect.isclass(type_name) else None
    for reg in vars(registries).values():
        if isinstance(reg, Registry):
            try:
                cls = reg.get(type_name)
            except Exception:  # noqa: BLE001 - a scope that cannot be imported here
                cls = None
            if cls is not None:
                return cls
    return None


def _close(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.8)
    return close[0] if close else ''


def _check_nested(cfg, key: str) -> None:
    """Walk ``key`` (dotted, list indices as numbers) through ``cfg``; refuse a part that is
    a misspelling of an existing key or of an argument of the dict's ``type``, or that the
    ``type`` does not take."""
    parts = key.split('.')
    node, where = cfg, parts[0]
    node = cfg[parts[0]]
    for part in parts[1:]:
        if isinstance(node, (list, tuple)):
            if not part.isdigit() or int(part) >= len(node):
                raise ConfigKeyError(f'--cfg-options {key}: {where} is a list of {len(node)}; '
                                     f'{part!r} is not an index of it')
            node, where = node[int(part)], f'{where}.{part}'
            continue
        if not isinstance(node, dict):
            raise ConfigKeyError(f'--cfg-options {key}: {where} is a value ({node!r}), not a '
                                 'dict with keys')
        if part in node:
            node, where = node[part], f'{where}.{part}'
            continue
        cls = _registered_class(node.get('type')) if 'type' in node else None
        params = {}
        if cls is not None:
            params = inspect.signature(cls.__init__).parameters
            named = {p for p, v in params.items()
                     if v.kind in (v.POSITIONAL_OR_KEYWORD, v.KEYWORD_ONLY)} - {'self'}
            if part in named:
                return  # a constructor argument the config leaves at its default
            if not any(v.kind == v.VAR_KEYWORD for v in params.values()):
                raise ConfigKeyError(
                    f'--cfg-options {key}: {where} ({cls.__name__}) has no {part!r} and its '
                    f'class takes no such argument{_suggest(part, set(node) | named)}')
            known = set(node) | named
        else:
            known = set(node)
        typo = _close(part, known - {'type'})
        if typo:  # an open dict (test_cfg, env_cfg) or **kwargs: refuse likely misspellings
            raise ConfigKeyError(f'--cfg-options {key}: {where} has no {part!r}; did you mean '
                                 f'{typo!r}? (a new key would be added and never read)')
        return


def check_cfg_options(cfg, options: dict) -> None:
    """Refuse ``--cfg-options`` keys that nothing would read.

    * the top-level name must be in the config, an argument of MMEngine's ``Runner`` or in
      :data:`EXTRA_TOP_LEVEL`;
    * a top-level name that is only a variable of the config file (``codec``,
      ``input_size``) is refused: the file's other keys were computed from it when it was
      parsed, so changing it afterwards changes nothing (set the keys that use it instead);
    * below the top level, each part must exist, or be an argument of the enclosing dict's
      registered ``type`` (MMPose's registries, MMEngine's and MMDetection's through them),
      or, in a dict without a checkable ``type`` (``env_cfg``, ``model.test_cfg``) or whose
      class takes ``**kwargs``, not be a near-spelling of an existing key or argument;
      list elements are addressed by index.

    Args:
        cfg (mmengine.Config): the config before the options are merged.
        options (dict): the parsed ``--cfg-options`` (``DictAction``), dotted keys.

    Raises:
        ConfigKeyError: naming the option, where it stops matching, and the closest name.
    """
    runner_args = set(inspect.signature(Runner.__init__).parameters) | EXTRA_TOP_LEVEL
    runner_args.discard('self')
    known = set(cfg.keys()) | runner_args
    for key in options or {}:
        top = key.split('.')[0]
        if top not in known:
            raise ConfigKeyError(f'--cfg-options {key}: the config has no {top!r} and MMEngine '
                                 f'does not read it{_suggest(top, known)}')
        if top not in runner_args and top not in READ_AFTER_PARSING:
            raise ConfigKeyError(
                f'--cfg-options {key}: {top!r} is a variable of the config file, used when the '
                'file was parsed; changing it now changes nothing. Set the keys built from it '
                '(e.g. model.head.decoder.<name> and the GenerateTarget encoder in '
                'train_dataloader.dataset.pipeline), or write a config that inherits this one')
        if '.' in key and top in cfg:
            _check_nested(cfg, key)


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
