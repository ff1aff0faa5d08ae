"""File input and output that can neither lose data nor run code.

Every PoseBridge converter and tool writes through the functions here:

* :func:`check_output` refuses a path that is one of the inputs, a path that escapes the output
  root through a link, and an existing file with other content unless ``overwrite`` is given (a
  re-run that would write the same bytes leaves the file as it is, so converters stay
  re-runnable while a labeled file is never replaced by accident);
* :func:`write_bytes`, :func:`write_json` and :func:`write_image` write atomically: a temporary
  file in the target folder (``tempfile.mkstemp``, created exclusively, so a planted link is
  never followed), then ``os.replace``, which replaces a link at the target path by the file
  instead of writing into the link's target;
* :func:`read_json` reads a JSON file only (never chooses a reader by extension, as
  ``mmengine.fileio.load`` does, which unpickles ``.pkl`` files: arbitrary code);
* :func:`load_restricted_pickle` reads the pickles of published formats (MMPose's camera
  files) with an unpickler that allows only numpy arrays, dtypes and scalars and builtin
  containers, and refuses every other global.
"""
import io
import json
import os
import os.path as osp
import pickle
import tempfile
from typing import Any, Iterable, Optional

import numpy as np

from .checkpoint import SAFE_GLOBALS


class UnsafeOutputError(ValueError):
    """An output would replace an input, escape the output root or replace other content."""


def _inside(path: str, root: str) -> bool:
    path, root = osp.realpath(path), osp.realpath(root)
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def check_folder(folder: str, root: str) -> None:
    """Check that ``folder`` resolves inside the output root ``root`` (links followed).

    Raises:
        UnsafeOutputError: it does not, e.g. ``root/images`` is a link to another data set.
    """
    if not _inside(folder, root):
        raise UnsafeOutputError(
            f'refusing to write into {folder}: it resolves to {osp.realpath(folder)}, outside '
            f'the output folder {root} (a link?); choose another output folder')


def check_output(path: str, data: Optional[bytes] = None, sources: Iterable[str] = (),
                 root: Optional[str] = None, overwrite: bool = False) -> bool:
    """Check that ``path`` may be written; return ``False`` when it already holds ``data``.

    Args:
        path (str): the file to write.
        data (bytes, optional): the bytes to write; an existing file with exactly these bytes
            is left alone (the return value is then ``False``).
        sources (iterable of str): the inputs of the run; ``path`` must not resolve to any.
        root (str, optional): the output root (a tool's ``--out``): the folder ``path`` is
            written into must resolve inside it, so that a link below ``root`` never sends a
            write elsewhere.
        overwrite (bool): replace an existing file with other content.

    Returns:
        bool: ``True`` when the file must be written.

    Raises:
        UnsafeOutputError: ``path`` is an input, lies (through a link) outside ``root``, is a
            folder, or exists with other content and ``overwrite`` is false.
    """
    real = osp.realpath(path)
    for src in sources:
        if src and osp.realpath(src) == real:
            raise UnsafeOutputError(f'refusing to write {path}: it is the input file {src}')
    if root is not None:
        check_folder(osp.dirname(osp.abspath(path)), root)
    if osp.isdir(path):
        raise UnsafeOutputError(f'refusing to write {path}: it is a folder')
    if not osp.lexists(path):
        return True
    if osp.islink(path):
        if overwrite:
            return True
        raise UnsafeOutputError(f'refusing to write {path}: it is a link (to '
                                f'{os.readlink(path)}); remove it or pass --overwrite, which '
                                'replaces the link, never its target')
    if data is not None and osp.getsize(path) == len(data):
        with open(path, 'rb') as f:
            if f.read() == data:
                return False
    if overwrite:
        return True
    raise UnsafeOutputError(f'refusing to replace {path}: it exists with other content; pass '
                            '--overwrite (overwrite=True) to replace it, or choose another path')


def write_bytes(path: str, data: bytes, sources: Iterable[str] = (), root: Optional[str] = None,
                overwrite: bool = False) -> bool:
    """Write ``data`` to ``path`` atomically after :func:`check_output`.

    Returns:
        bool: ``True`` if the file was written, ``False`` if it already held ``data``.

    Raises:
        UnsafeOutputError: see :func:`check_output`.
    """
    if not check_output(path, data, sources, root, overwrite):
        return False
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    if root is not None:  # again: the folder may have been made (or linked) since the check
        check_folder(folder, root)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix='.' + osp.basename(path) + '.', suffix='.tmp')
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)  # a reader never sees a half-written file; links are replaced
    except BaseException:
        if osp.lexists(tmp):
            os.unlink(tmp)
        raise
    return True


def write_json(obj: Any, path: str, sources: Iterable[str] = (), root: Optional[str] = None,
               overwrite: bool = False) -> bool:
    """Write ``obj`` as standard JSON (no NaN/Infinity tokens) with :func:`write_bytes`.

    Raises:
        UnsafeOutputError: see :func:`check_output`.
        ValueError: ``obj`` holds NaN or infinite numbers (not valid JSON).
    """
    try:
        text = json.dumps(obj, allow_nan=False)
    except ValueError as e:
        raise ValueError(f'{path}: refusing to write NaN or Infinity into JSON ({e})') from e
    return write_bytes(path, text.encode(), sources, root, overwrite)


def write_image(path: str, image: np.ndarray, sources: Iterable[str] = (),
                root: Optional[str] = None, overwrite: bool = False) -> bool:
    """Encode a BGR ``(H, W, 3)`` uint8 image by the extension of ``path`` (OpenCV) and write
    it with :func:`write_bytes`.

    Raises:
        UnsafeOutputError: see :func:`check_output`.
        OSError: OpenCV cannot encode the image in that format.
    """
    import cv2
    ok, buf = cv2.imencode(osp.splitext(path)[1] or '.png', image)
    if not ok:
        raise OSError(f'could not encode an image of shape {image.shape} for {path}')
    return write_bytes(path, buf.tobytes(), sources, root, overwrite)


def read_json(path: str, what: str = 'file') -> Any:
    """Read ``path`` as JSON, whatever its extension.

    Args:
        path (str): the file.
        what (str): what the file is for (e.g. ``'keypoints_2d_file'``), named in errors.

    Raises:
        FileNotFoundError: no such file.
        ValueError: the file is not valid JSON (a pickle, say): never unpickled.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'{what} {path} does not exist')
    with open(path, 'rb') as f:
        raw = f.read()
    try:
        return json.loads(raw.decode('utf-8'))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f'{what} {path} is not a JSON file ({e}); PoseBridge reads it as JSON '
                         'only and never unpickles it') from e


class RestrictedUnpickler(pickle.Unpickler):
    """Unpickler that resolves only numpy's array/dtype/scalar globals and refuses the rest.

    Builtin containers and numbers (dict, list, tuple, str, int, float) need no global.
    """

    ALLOWED = {(g.__module__, g.__qualname__ if hasattr(g, '__qualname__') else g.__name__)
               for g in SAFE_GLOBALS if g.__module__.startswith('numpy')}
    ALLOWED |= {('numpy.core.multiarray', '_reconstruct'), ('numpy.core.multiarray', 'scalar'),
                ('numpy._core.multiarray', '_reconstruct'),
                ('numpy._core.multiarray', 'scalar'), ('numpy', 'ndarray'), ('numpy', 'dtype'),
                ('collections', 'OrderedDict')}

    def find_class(self, module: str, name: str):
        if (module, name) in self.ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f'global {module}.{name} is not allowed')


def load_restricted_pickle(path: str, what: str = 'file') -> Any:
    """Unpickle ``path`` with :class:`RestrictedUnpickler` (numpy arrays and builtins only).

    Raises:
        FileNotFoundError: no such file.
        ValueError: the pickle refers to a global outside the allow-list (code would run) or
            is not a pickle; the message names the file.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'{what} {path} does not exist')
    with open(path, 'rb') as f:
        raw = f.read()
    try:
        return RestrictedUnpickler(io.BytesIO(raw)).load()
    except pickle.UnpicklingError as e:
        raise ValueError(f'{what} {path}: refused ({e}); only numpy arrays and builtin '
                         'containers are read from it') from e
    except Exception as e:  # noqa: BLE001 - a truncated or foreign file
        raise ValueError(f'{what} {path} is not a readable pickle ({type(e).__name__}: '
                         f'{e})') from e


__all__ = ['UnsafeOutputError', 'check_folder', 'check_output', 'write_bytes', 'write_json',
           'write_image', 'read_json', 'RestrictedUnpickler', 'load_restricted_pickle']
