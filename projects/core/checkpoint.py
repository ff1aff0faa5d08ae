"""Let ``torch.load(weights_only=True)`` read MMEngine checkpoints, and nothing more.

Since torch 2.6, ``torch.load`` defaults to ``weights_only=True``: it unpickles tensors and
plain containers only. MMEngine (``load_from``, ``--resume``) calls ``torch.load`` without the
argument, and its checkpoints also hold numpy arrays and scalars (``meta.dataset_meta``, seeds)
and :class:`mmengine.logging.HistoryBuffer` objects (``message_hub``), so loading fails.

Rather than switching the safety off (``weights_only=False`` would run any pickled code), this
module adds exactly those types to torch's allow-list with
``torch.serialization.add_safe_globals``. Other globals in a file are still refused. Imported by
:mod:`projects.core`, hence by every config's ``custom_imports``.
"""
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
    core = getattr(np, '_core', None) or np.core
    out += [core.multiarray._reconstruct, core.multiarray.scalar]
    out += [np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
            np.uint64, np.float16, np.float32, np.float64]
    return out


SAFE_GLOBALS = _numpy_globals() + [HistoryBuffer]


def register_safe_globals() -> None:
    """Allow the types of :data:`SAFE_GLOBALS` in ``weights_only`` loading (idempotent)."""
    if hasattr(torch.serialization, 'add_safe_globals'):
        torch.serialization.add_safe_globals(SAFE_GLOBALS)


register_safe_globals()
