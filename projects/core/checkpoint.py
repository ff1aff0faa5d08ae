"""Let ``torch.load(weights_only=True)`` read MMEngine checkpoints, and nothing more.

Since torch 2.6, ``torch.load`` defaults to ``weights_only=True``: it unpickles tensors and
plain containers only. MMEngine (``load_from``, ``--resume``) calls ``torch.load`` without the
argument, and its checkpoints also hold numpy arrays and scalars (``meta.dataset_meta``, seeds)
and :class:`mmengine.logging.HistoryBuffer` objects (``message_hub``), so loading fails.

Rather than switching the safety off (``weights_only=False`` would run any pickled code), this
module

* adds exactly those types (and the ``bytes`` builtin, see :data:`SAFE_GLOBALS`) to torch's
  allow-list (``torch.serialization.add_safe_globals``); other globals in a file are still
  refused;
* pickles a ``HistoryBuffer`` as ``HistoryBuffer(log_history, count_history, max_length)``
  (``copyreg``): its own ``__getstate__`` also stores its statistics functions, which protocol 2
  writes as ``getattr(HistoryBuffer, 'min')``, and allowing ``getattr`` is not needed.

Imported by :mod:`projects.core`, hence by every config's ``custom_imports``, so checkpoints
written by PoseBridge runs load back with ``weights_only=True``.

:func:`check_checkpoint_fits` refuses a checkpoint that does not fit the model (MMEngine loads
non-strictly and only logs what it skipped). :func:`mmpose1x_checkpoint` makes a published
MMPose 0.x checkpoint (``keypoint_head.*``) loadable by ``load_from``, ``tools/test.py`` and
``tools/predict.py``.
"""
import copyreg
import os
import re
from typing import Optional, Sequence

import numpy as np
import torch
from mmengine.logging import HistoryBuffer


def _numpy_globals() -> list:
    """The numpy reconstructors, dtypes and scalar types that pickled arrays refer to."""
    out = [np.ndarray, np.dtype]
    try:  # numpy >= 1.25 dtype classes, e.g. numpy.dtypes.Float64DType
        import numpy.dtypes as npd
        out += [getattr(npd, n) for n in dir(npd) if n.endswith('DType')]
    except ImportError:  # pragma: no cover
        pass
    try:  # numpy >= 2
        from numpy._core import multiarray
    except ImportError:  # numpy 1.x
        from numpy.core import multiarray
    out += [multiarray._reconstruct, multiarray.scalar]
    out += [np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
            np.uint64, np.float16, np.float32, np.float64]
    return out


#: ``bytes``: pickle protocol 2 (``torch.save``'s) writes an empty ``bytes`` object as a call
#: of the ``bytes`` builtin, and an empty numpy array (e.g. the link colours of a skeleton
#: without links, ``meta.dataset_meta.skeleton_link_colors``) holds one; it runs no code
SAFE_GLOBALS = _numpy_globals() + [HistoryBuffer, bytes]


def _reduce_history_buffer(buf: HistoryBuffer):
    return HistoryBuffer, (buf._log_history, buf._count_history, buf.max_length)


def register_safe_globals() -> None:
    """Allow the types of :data:`SAFE_GLOBALS` in ``weights_only`` loading (idempotent)."""
    if hasattr(torch.serialization, 'add_safe_globals'):
        torch.serialization.add_safe_globals(SAFE_GLOBALS)
    copyreg.pickle(HistoryBuffer, _reduce_history_buffer)


register_safe_globals()


#: key revisions from other code bases to MMPose 1.x (MMEngine's ``revise_keys`` convention,
#: ``(pattern, replacement)`` for ``re.sub``): the ``module.`` of wrapped (distributed) models,
#: and MMPose 0.x's head name: 0.x top-down models (``TopDown`` + ``TopdownHeatmapSimpleHead``,
#: e.g. the MacaquePose and MPII ResNet-50 of MMPose's model zoo) store
#: ``keypoint_head.deconv_layers.*`` / ``keypoint_head.final_layer.*``, which MMPose 1.x's
#: ``HeatmapHead`` calls ``head.deconv_layers.*`` / ``head.final_layer.*`` (same layers, same
#: shapes; the backbone's keys are unchanged).
REVISE_KEYS = ((r'^module\.', ''), (r'^keypoint_head\.', 'head.'))


def revise_keys(state_dict: dict, revise=REVISE_KEYS) -> dict:
    """``state_dict`` with every key revised by ``revise`` (in order; values untouched)."""
    import re
    out = dict(state_dict)
    for pattern, repl in revise:
        out = {re.sub(pattern, repl, k): v for k, v in out.items()}
    return out


def _file_digest(path: str) -> str:
    """The first 12 hex digits of the SHA-256 of a file's bytes."""
    import hashlib
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    return h.hexdigest()[:12]


def mmpose1x_checkpoint(checkpoint: str, out_dir: str) -> str:
    """A checkpoint that MMPose 1.x loads: ``checkpoint`` itself, or, when it has MMPose 0.x
    key names (``keypoint_head.*``), a copy with :data:`REVISE_KEYS` applied, written to
    ``<out_dir>/<name>_<sha>_mmpose1x.pth``. ``<sha>`` is the first 12 hex digits of the
    SHA-256 of the source file (of its URL for a URL), so the copy of one checkpoint never
    stands in for another of the same name; an existing copy is reused only when its
    ``meta.converted_sha256`` says it was made from these bytes. The input is never modified;
    the copy is written through :func:`projects.core.fileio.save_checkpoint` (atomically,
    never through a link). Used by ``tools/train.py`` (``load_from``), ``tools/test.py`` and
    ``tools/predict.py``, so a published 0.x checkpoint loads like a 1.x one; whether it then
    fits the model is :func:`check_checkpoint_fits`' job.

    Args:
        checkpoint (str): path or URL (read with MMEngine's ``CheckpointLoader``).
        out_dir (str): where a converted copy goes (a work dir).

    Returns:
        str: the checkpoint to load.

    Raises:
        FileNotFoundError: a local ``checkpoint`` that does not exist.
        RuntimeError: a local ``checkpoint`` that does not load (truncated, empty, not a
            checkpoint); the message names it.
        projects.core.fileio.UnsafeOutputError: the copy's path is a link or holds a copy of
            other bytes.
    """
    import hashlib
    import os.path as osp
    from mmengine.logging import print_log
    from mmengine.runner import CheckpointLoader

    from .fileio import UnsafeOutputError, save_checkpoint
    url = '://' in checkpoint
    if not url and not osp.isfile(checkpoint):
        raise FileNotFoundError(f'checkpoint {checkpoint} does not exist')
    try:
        ckpt = CheckpointLoader.load_checkpoint(checkpoint, map_location='cpu')
    except Exception as e:  # noqa: BLE001 - torch's errors do not name the file
        if url:
            raise
        raise _load_failure(checkpoint, _reason(e)) from e
    state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else ckpt
    if not any(re.match(r'^(module\.)?keypoint_head\.', k) for k in state):
        return checkpoint
    digest = hashlib.sha256(checkpoint.encode()).hexdigest()[:12] if url else \
        _file_digest(checkpoint)
    name = osp.splitext(osp.basename(checkpoint.split('?')[0]))[0]
    out = osp.join(out_dir, f'{name}_{digest}_mmpose1x.pth')
    if osp.islink(out):
        raise UnsafeOutputError(f'refusing to use {out}: it is a link (to {os.readlink(out)}); '
                                'remove it')
    if osp.isfile(out):
        meta = torch.load(out, map_location='cpu', weights_only=True).get('meta', {})
        if meta.get('converted_sha256') != digest:
            raise UnsafeOutputError(
                f'{out} is not the 1.x copy of {checkpoint} (its meta.converted_sha256 is '
                f'{meta.get("converted_sha256")!r}, expected {digest!r}); remove it')
    else:
        meta = dict(ckpt.get('meta') or {}) if isinstance(ckpt, dict) else {}
        meta.update(converted_from=checkpoint, converted_sha256=digest)
        save_checkpoint(dict(state_dict=revise_keys(state), meta=meta), out, [checkpoint],
                        out_dir)
    print_log(f'{checkpoint}: MMPose 0.x key names (keypoint_head.*); loading the 1.x copy '
              f'{out}', logger='current')
    return out


class CheckpointMismatchError(ValueError):
    """A checkpoint does not fit the model it is loaded into."""


def _model_of(model):
    from mmengine.model import is_model_wrapper
    return model.module if is_model_wrapper(model) else model


def checkpoint_mismatch(model, state_dict: dict, allow: Sequence[str] = ()) -> dict:
    """Keys of ``state_dict`` that do not fit ``model``, outside the ``allow`` patterns.

    Args:
        model (nn.Module): the model (a DDP wrapper is unwrapped).
        state_dict (dict): parameter name to tensor (``module.`` prefixes are stripped, as
            MMEngine's ``load_checkpoint`` does).
        allow (sequence of str): regular expressions (``re.match``) of keys that may be missing,
            unexpected or mis-sized (e.g. a transfer's re-initialised head, ``'head\\.'``).

    Returns:
        dict: ``missing`` (in the model, not in the checkpoint), ``unexpected`` (the reverse)
        and ``mis_sized`` (``(key, checkpoint shape, model shape)``), each a sorted list.
    """
    import re
    own = _model_of(model).state_dict()
    theirs = {re.sub(r'^module\.', '', k): v for k, v in state_dict.items()}
    ok = [re.compile(p) for p in allow]

    def allowed(k):
        return any(p.match(k) for p in ok)

    missing = sorted(k for k in own if k not in theirs and not allowed(k))
    unexpected = sorted(k for k in theirs if k not in own and not allowed(k))
    mis_sized = sorted((k, tuple(theirs[k].shape), tuple(own[k].shape)) for k in own
                       if k in theirs and hasattr(theirs[k], 'shape') and
                       tuple(theirs[k].shape) != tuple(own[k].shape) and not allowed(k))
    return dict(missing=missing, unexpected=unexpected, mis_sized=mis_sized)


def check_checkpoint_fits(model, checkpoint: str, allow: Sequence[str] = ()) -> None:
    """Raise unless ``checkpoint`` fits ``model`` (every key present with its shape).

    Used by ``tools/test.py`` and by ``tools/train.py`` for ``load_from``: MMEngine loads
    non-strictly and only logs what it skipped, so a checkpoint of another model would
    otherwise be evaluated (or fine-tuned) as if it were this one.

    Args:
        model (nn.Module): the built model.
        checkpoint (str): path or URL (read with MMEngine's ``CheckpointLoader``).
        allow (sequence of str): key patterns allowed not to fit (see
            :func:`checkpoint_mismatch`); what they cover is logged.

    Raises:
        CheckpointMismatchError: keys missing, unexpected or mis-sized; the message names the
            checkpoint, the counts and the first keys of each kind.
    """
    from mmengine.logging import print_log
    from mmengine.runner import CheckpointLoader
    ckpt = CheckpointLoader.load_checkpoint(checkpoint, map_location='cpu')
    state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else ckpt
    bad = checkpoint_mismatch(model, state, allow)
    if allow:
        loose = checkpoint_mismatch(model, state)
        n = sum(len(v) for v in loose.values()) - sum(len(v) for v in bad.values())
        print_log(f'{checkpoint}: {n} keys not loaded, allowed by {list(allow)}',
                  logger='current')
    if not any(bad.values()):
        return
    parts = []
    for kind, keys in bad.items():
        if keys:
            first = ', '.join(
                f'{k[0]} (checkpoint {k[1]}, model {k[2]})' if kind == 'mis_sized' else k
                for k in keys[:3])
            parts.append(f'{len(keys)} {kind.replace("_", "-")} (first: {first})')
    raise CheckpointMismatchError(
        f'checkpoint {checkpoint} does not fit the model {type(_model_of(model)).__name__}: '
        + '; '.join(parts) + '. Is it the checkpoint of this config? Keys that may differ on '
        'purpose (a re-initialised head) go in the config as load_from_allow = [regex, ...]')


def _reason(e: BaseException) -> str:
    """The first line of a load error, with its type (torch's errors do not name the file)."""
    return f'{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ""}'[:200]


def _load_failure(path: str, why: str) -> RuntimeError:
    return RuntimeError(f'checkpoint {path} does not load ({why}); is it truncated?')


def _loadable(path: str) -> Optional[str]:
    """``None`` if ``path`` loads with ``torch.load(weights_only=True)``, else the reason."""
    try:
        torch.load(path, map_location='cpu', weights_only=True)
    except Exception as e:  # noqa: BLE001 - truncated, empty, not a checkpoint
        return _reason(e)
    return None


def find_resume_checkpoint(work_dir: str) -> Optional[str]:
    """The newest checkpoint of ``work_dir`` that loads, for ``--resume`` without a path.

    Candidates, newest first: the file named in ``last_checkpoint``, then ``iter_*.pth`` /
    ``epoch_*.pth`` by decreasing number. A candidate that is missing or does not load (a run
    killed while saving, a truncated copy) is skipped with a warning that names it, so training
    resumes from the intact older checkpoint instead of failing.

    Returns:
        str or None: the checkpoint to resume from; ``None`` when ``work_dir`` holds none.

    Raises:
        RuntimeError: checkpoints exist but none loads; the message names each with its error.
    """
    import glob
    import os.path as osp
    import re
    import warnings
    cands = []
    last = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(last):
        named = open(last).read().strip()
        if named:
            cands.append(named if osp.isabs(named) else osp.join(work_dir, osp.basename(named)))
    numbered = glob.glob(osp.join(work_dir, 'iter_*.pth')) + \
        glob.glob(osp.join(work_dir, 'epoch_*.pth'))
    numbered.sort(key=lambda p: int(re.findall(r'(\d+)\.pth$', p)[0]), reverse=True)
    cands += [p for p in numbered if p not in cands]
    if not cands:
        return None
    broken = []
    for path in cands:
        why = 'missing' if not osp.isfile(path) else _loadable(path)
        if why is None:
            if broken:
                warnings.warn(f'resuming from {path}: newer checkpoints do not load ('
                              + '; '.join(f'{p}: {w}' for p, w in broken) + ')')
            return path
        broken.append((path, why))
    raise RuntimeError(f'no checkpoint in {work_dir} loads: '
                       + '; '.join(f'{p}: {w}' for p, w in broken))


def check_loadable(path: str) -> None:
    """Raise ``RuntimeError`` naming ``path`` when it does not load as a checkpoint (torch's
    own corruption errors do not name the file)."""
    import os.path as osp
    if osp.isfile(path):
        why = _loadable(path)
        if why is not None:
            raise _load_failure(path, why)
