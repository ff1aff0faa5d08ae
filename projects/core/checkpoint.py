"""Let ``torch.load(weights_only=True)`` read MMEngine checkpoints, and nothing more.

Since torch 2.6, ``torch.load`` defaults to ``weights_only=True``: it unpickles tensors and
plain containers only. MMEngine (``load_from``, ``--resume``) calls ``torch.load`` without the
argument, and its checkpoints also hold numpy arrays and scalars (``meta.dataset_meta``, seeds)
and :class:`mmengine.logging.HistoryBuffer` objects (``message_hub``), so loading fails.

Rather than switching the safety off (``weights_only=False`` would run any pickled code), this
module

* adds exactly those types to torch's allow-list (``torch.serialization.add_safe_globals``);
  other globals in a file are still refused;
* pickles a ``HistoryBuffer`` as ``HistoryBuffer(log_history, count_history, max_length)``
  (``copyreg``): its own ``__getstate__`` also stores its statistics functions, which protocol 2
  writes as ``getattr(HistoryBuffer, 'min')``, and allowing ``getattr`` is not needed.

Imported by :mod:`projects.core`, hence by every config's ``custom_imports``, so checkpoints
written by PoseBridge runs load back with ``weights_only=True``.
"""
import copyreg

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


SAFE_GLOBALS = _numpy_globals() + [HistoryBuffer]


def _reduce_history_buffer(buf: HistoryBuffer):
    return HistoryBuffer, (buf._log_history, buf._count_history, buf.max_length)


def register_safe_globals() -> None:
    """Allow the types of :data:`SAFE_GLOBALS` in ``weights_only`` loading (idempotent)."""
    if hasattr(torch.serialization, 'add_safe_globals'):
        torch.serialization.add_safe_globals(SAFE_GLOBALS)
    copyreg.pickle(HistoryBuffer, _reduce_history_buffer)


register_safe_globals()
