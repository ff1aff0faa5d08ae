"""File input and output that can neither lose data nor run code.

Every PoseBridge converter and tool writes through the functions here:

* :func:`check_output` refuses a path that is one of the inputs, a path that escapes the output
  root through a link, and an existing file with other content unless ``overwrite`` is given (a
  re-run that would write the same bytes leaves the file as it is, so converters stay
  re-runnable while a labeled file is never replaced by accident);
* :func:`write_via` (for writers that take a file name) and the writers built on it
  (:func:`write_bytes`, :func:`write_text`, :func:`write_json`, :func:`write_pickle`,
  :func:`write_image`, :func:`save_checkpoint`, :func:`save_figure`, :class:`VideoFileWriter`)
  write atomically: a temporary file in the target folder (``tempfile.mkstemp``, created
  exclusively, so a planted link is never followed), then ``os.replace``, which replaces a
  link at the target path by the file instead of writing into the link's target;
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
from typing import Any, Callable, Dict, Iterable, Optional

import numpy as np

from .checkpoint import SAFE_GLOBALS


class UnsafeOutputError(ValueError):
    """An output would replace an input, escape the output root or replace other content."""


class Inputs:
    """A run's input files, resolved once (``os.path.realpath``), for runs with many inputs
    (a folder of thousands of images): :func:`check_output` then looks an output up in a set
    instead of resolving every input again for every output.

    Args:
        paths (iterable of str): the inputs (``None`` and empty entries are skipped).
    """

    def __init__(self, paths: Iterable[str]) -> None:
        self._by_real = {}
        for p in paths:
            if p:
                self._by_real.setdefault(osp.realpath(p), p)

    def __iter__(self):
        return iter(self._by_real.values())

    def match(self, real: str) -> Optional[str]:
        """The input that resolves to ``real``, or ``None``."""
        return self._by_real.get(real)


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


def check_output_folder(folder: str, sources: Iterable[str] = (),
                        source_folders: Iterable[str] = ()) -> None:
    """Check that ``folder`` may be a tool's output folder (its ``--out``), before anything
    is written into it.

    The folder may exist (a re-run, or a study resumed) or not; a link on the way to it
    (``/scratch -> /mnt/...``) is fine. Refused:

    * an existing file in its place (one of the inputs, or another file);
    * ``folder`` itself a link: its files would land where the link points (for example a
      data set's image folder, linked by :mod:`projects.core.datasets.converters.honeybee`),
      mixing them with the frames that other runs read;
    * ``folder`` resolving to one of ``source_folders`` (the folders the tool reads: a
      converter's source, the image folder it lists): its files would mix with the inputs
      and be read as inputs next time. A folder inside one (``data/x/annotations`` beside
      ``data/x/images``) is allowed, as MMPose's data layout has it.

    Args:
        folder (str): the output folder.
        sources (iterable of str): the input files of the run.
        source_folders (iterable of str): the input folders of the run.

    Raises:
        UnsafeOutputError: naming ``folder`` and the reason.
    """
    folder = folder.rstrip(os.sep) or os.sep  # 'link/' would follow the link in islink
    real = osp.realpath(folder)
    if osp.lexists(folder) and not osp.isdir(folder) and not osp.islink(folder):
        hit = next((s for s in sources if s and osp.realpath(s) == real), None)
        if hit is not None:
            raise UnsafeOutputError(f'refusing to write into {folder}: it is the input file '
                                    f'{hit}; expected a folder')
        raise UnsafeOutputError(f'refusing to write into {folder}: it is a file; expected a '
                                'folder')
    if osp.islink(folder):
        raise UnsafeOutputError(f'refusing to write into {folder}: it is a link (to '
                                f'{os.readlink(folder)}); if the files belong there, pass '
                                f'{real} itself')
    hit = next((s for s in source_folders if s and osp.realpath(s) == real), None)
    if hit is not None:
        raise UnsafeOutputError(f'refusing to write into {folder}: it is the input folder '
                                f'{hit}; choose another folder (a new one, or one inside it)')


def check_output(path: str, data: Optional[bytes] = None, sources: Iterable[str] = (),
                 root: Optional[str] = None, overwrite: bool = False) -> bool:
    """Check that ``path`` may be written; return ``False`` when it already holds ``data``.

    Args:
        path (str): the file to write.
        data (bytes, optional): the bytes to write; an existing file with exactly these bytes
            is left alone (the return value is then ``False``).
        sources (iterable of str or Inputs): the inputs of the run; ``path`` must not resolve
            to any (pass :class:`Inputs` when there are many).
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
    if isinstance(sources, Inputs):
        hit = sources.match(real)
    else:
        hit = next((s for s in sources if s and osp.realpath(s) == real), None)
    if hit is not None:
        raise UnsafeOutputError(f'refusing to write {path}: it is the input file {hit}')
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


def _temporary(path: str) -> str:
    """A new, empty, hidden file beside ``path`` with the same extension, created exclusively
    (``tempfile.mkstemp``: a planted file or link of that name is never opened)."""
    folder = osp.dirname(osp.abspath(path))
    base = osp.basename(path)
    # the extension is kept (writers such as OpenCV's and sleap-io's choose the format by it);
    # '.analysis.h5' and '.pkl' alike keep everything after the first dot of the name
    stem, dot, ext = base.partition('.')
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f'.{stem}.', suffix=f'.partial{dot}{ext}')
    os.close(fd)
    return tmp


def write_via(path: str, write: Callable[[str], Any], sources: Iterable[str] = (),
              root: Optional[str] = None, overwrite: bool = False) -> str:
    """Write ``path`` with a writer that takes a file name, atomically, after
    :func:`check_output`.

    ``write(tmp)`` is called with a new hidden file beside ``path`` (same extension, created
    exclusively, so it is never a planted link); when it returns, the file is moved onto
    ``path`` in one step (``os.replace``: a link at ``path`` is replaced, its target never
    written). If ``write`` raises, the partial file is removed and ``path`` is untouched.
    For writers of other libraries that need a path: sleap-io's ``save_*``, OpenCV's
    ``VideoWriter``, ``torch.save``, matplotlib's ``savefig``.

    Args:
        path (str): the file to write.
        write (callable): ``write(tmp_path)`` writes the whole file.
        sources, root, overwrite: as :func:`check_output` (``data`` is unknown, so an existing
            file is replaced only with ``overwrite``).

    Returns:
        str: ``path``.

    Raises:
        UnsafeOutputError: see :func:`check_output`.
    """
    check_output(path, None, sources, root, overwrite)
    _write_atomic(path, write, root)
    return path


def _write_atomic(path: str, write: Callable[[str], Any], root: Optional[str]) -> None:
    """``write`` a hidden temporary file beside ``path``, then move it onto ``path`` (the
    checks of :func:`check_output` are the caller's)."""
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    if root is not None:  # again: the folder may have been made (or linked) since the check
        check_folder(folder, root)
    tmp = _temporary(path)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)  # a reader never sees a half-written file; links are replaced
    except BaseException:
        if osp.lexists(tmp):
            os.unlink(tmp)
        raise


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

    def write(tmp):
        with open(tmp, 'wb') as f:
            f.write(data)

    _write_atomic(path, write, root)
    return True


def write_text(text: str, path: str, sources: Iterable[str] = (), root: Optional[str] = None,
               overwrite: bool = False) -> bool:
    """Write ``text`` (UTF-8) with :func:`write_bytes`: Markdown tables, CSV, configs."""
    return write_bytes(path, text.encode('utf-8'), sources, root, overwrite)


def write_pickle(obj: Any, path: str, sources: Iterable[str] = (), root: Optional[str] = None,
                 overwrite: bool = False) -> bool:
    """Pickle ``obj`` (protocol 4) and write it with :func:`write_bytes` (``--dump``)."""
    return write_bytes(path, pickle.dumps(obj, protocol=4), sources, root, overwrite)


def save_checkpoint(obj: Any, path: str, sources: Iterable[str] = (),
                    root: Optional[str] = None, overwrite: bool = False) -> bool:
    """``torch.save(obj)`` written with :func:`write_bytes` (a checkpoint never replaces an
    input, a link's target or another file without ``overwrite``)."""
    import torch
    buf = io.BytesIO()
    torch.save(obj, buf)
    return write_bytes(path, buf.getvalue(), sources, root, overwrite)


def save_figure(fig, path: str, sources: Iterable[str] = (), root: Optional[str] = None,
                overwrite: bool = False, **kwargs) -> bool:
    """``fig.savefig`` (matplotlib; the format from the extension of ``path``, ``kwargs``
    passed on, e.g. ``dpi``) written with :func:`write_bytes`."""
    buf = io.BytesIO()
    fig.savefig(buf, format=osp.splitext(path)[1][1:] or 'png', **kwargs)
    return write_bytes(path, buf.getvalue(), sources, root, overwrite)


class VideoFileWriter:
    """An ``.mp4`` (OpenCV ``VideoWriter``, ``mp4v``) written into a hidden temporary file and
    moved onto ``path`` by :meth:`close`, after :func:`check_output`.

    A planted link at ``path`` is replaced, never written through; an interrupted run leaves
    no half-written video at ``path``. The frame size is taken from the first frame.

    Args:
        path (str): the video to write.
        fps (float): frames per second.
        sources, root, overwrite: as :func:`check_output`; checked when the writer is made.

    Raises:
        UnsafeOutputError: see :func:`check_output`.
        OSError: OpenCV cannot open a writer for ``path``.
    """

    def __init__(self, path: str, fps: float, sources: Iterable[str] = (),
                 root: Optional[str] = None, overwrite: bool = False) -> None:
        self.path, self.fps, self.root = path, float(fps), root
        self.sources = sources if isinstance(sources, Inputs) else list(sources)
        self.overwrite = overwrite
        check_output(path, None, self.sources, root, overwrite)
        self._writer, self._tmp = None, None

    def write(self, image: np.ndarray) -> None:
        """Append one BGR ``(H, W, 3)`` uint8 frame."""
        import cv2
        if self._writer is None:
            folder = osp.dirname(osp.abspath(self.path))
            os.makedirs(folder, exist_ok=True)
            if self.root is not None:
                check_folder(folder, self.root)
            self._tmp = _temporary(self.path)
            self._writer = cv2.VideoWriter(self._tmp, cv2.VideoWriter_fourcc(*'mp4v'),
                                           self.fps, (image.shape[1], image.shape[0]))
            if not self._writer.isOpened():
                os.unlink(self._tmp)
                raise OSError(f'{self.path}: OpenCV cannot write this video')
        self._writer.write(np.ascontiguousarray(image))

    def close(self) -> Optional[str]:
        """Finish the video and move it onto ``path``; returns ``path`` (``None`` when no
        frame was written)."""
        if self._writer is None:
            return None
        self._writer.release()
        tmp, self._writer = self._tmp, None
        check_output(self.path, None, self.sources, self.root, self.overwrite)
        os.chmod(tmp, 0o644)
        os.replace(tmp, self.path)
        return self.path

    def discard(self) -> None:
        """Drop a video that is being written (after an error); ``path`` is untouched."""
        if self._writer is not None:
            self._writer.release()
            self._writer = None
            if osp.lexists(self._tmp):
                os.unlink(self._tmp)

    def __enter__(self) -> 'VideoFileWriter':
        return self

    def __exit__(self, exc_type, *_) -> None:
        if exc_type is None:
            self.close()
        else:
            self.discard()


def write_json(obj: Any, path: str, sources: Iterable[str] = (), root: Optional[str] = None,
               overwrite: bool = False, indent: Optional[int] = None) -> bool:
    """Write ``obj`` as standard JSON (no NaN/Infinity tokens) with :func:`write_bytes`.

    Raises:
        UnsafeOutputError: see :func:`check_output`.
        ValueError: ``obj`` holds NaN or infinite numbers (not valid JSON).
    """
    return write_bytes(path, _json_bytes(obj, path, indent), sources, root, overwrite)


def _json_bytes(obj: Any, path: str, indent: Optional[int] = None) -> bytes:
    try:
        return json.dumps(obj, allow_nan=False, indent=indent).encode()
    except ValueError as e:
        raise ValueError(f'{path}: refusing to write NaN or Infinity into JSON ({e})') from e


def write_json_files(objs: Dict[str, Any], sources: Iterable[str] = (),
                     root: Optional[str] = None, overwrite: bool = False,
                     indent: Optional[int] = None) -> Dict[str, bool]:
    """Write several JSON files, every one checked (:func:`check_output`) before the first is
    written, so that a refused output leaves no partial set behind.

    Args:
        objs (dict): output path to the object to write.

    Returns:
        dict: path to whether it was written (``False``: it already held these bytes).

    Raises:
        UnsafeOutputError, ValueError: as :func:`write_json`, before anything is written.
    """
    data = {path: _json_bytes(obj, path, indent) for path, obj in objs.items()}
    sources = sources if isinstance(sources, Inputs) else list(sources)
    todo = {path: check_output(path, b, sources, root, overwrite) for path, b in data.items()}
    for path, b in data.items():
        if todo[path]:
            write_bytes(path, b, sources, root, overwrite)
    return todo


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


def write_link(target: str, path: str, root: Optional[str] = None,
               overwrite: bool = False) -> bool:
    """Make ``path`` a symbolic link to ``target`` (absolute): "linked, never copied".

    An existing link to the same target is left alone; anything else at ``path`` is replaced
    only with ``overwrite`` (atomically: a new link under a hidden name, then ``os.replace``).

    Returns:
        bool: ``True`` if the link was made, ``False`` if it was already there.

    Raises:
        UnsafeOutputError: ``path`` is ``target`` itself, is a folder, lies (through a link)
            outside ``root``, or exists otherwise without ``overwrite``.
        FileNotFoundError: ``target`` does not exist.
    """
    target = osp.abspath(target)
    if not osp.exists(target):
        raise FileNotFoundError(f'cannot link {path} to {target}: no such file')
    if osp.islink(path) and os.readlink(path) == target:
        return False
    if osp.realpath(path) == osp.realpath(target) and not osp.islink(path):
        raise UnsafeOutputError(f'refusing to write {path}: it is the input file {target}')
    if root is not None:
        check_folder(osp.dirname(osp.abspath(path)), root)
    if osp.isdir(path) and not osp.islink(path):
        raise UnsafeOutputError(f'refusing to write {path}: it is a folder')
    if osp.lexists(path) and not overwrite:
        raise UnsafeOutputError(f'refusing to replace {path}: it exists; pass --overwrite '
                                '(overwrite=True) to replace it, or choose another path')
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    if root is not None:
        check_folder(folder, root)
    tmp = _temporary(path)
    os.unlink(tmp)  # mkstemp reserved a unique name; the link takes it
    os.symlink(target, tmp)
    os.replace(tmp, path)
    return True


def check_image_complete(path: str) -> None:
    """Refuse an empty image file, or a JPEG / PNG that ends before its end marker.

    OpenCV decodes a truncated JPEG without an error (the missing rows come out grey), so a
    file cut short by a copy would be trained on or predicted on silently. A JPEG must end
    with its end-of-image marker ``FF D9`` (trailing zero bytes, which some cameras pad with,
    are allowed); a PNG with its ``IEND`` chunk. Other formats are checked for emptiness only.

    Raises:
        FileNotFoundError: no such file.
        ValueError: the file is empty or truncated; the message names it.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'image {path} does not exist')
    size = osp.getsize(path)
    if size == 0:
        raise ValueError(f'image {path} is empty (0 bytes)')
    ext = osp.splitext(path)[1].lower()
    if ext not in ('.jpg', '.jpeg', '.png'):
        return
    with open(path, 'rb') as f:
        f.seek(max(0, size - 4096))
        tail = f.read().rstrip(b'\x00')
    if ext in ('.jpg', '.jpeg') and not tail.endswith(b'\xff\xd9'):
        raise ValueError(f'image {path} is a truncated JPEG: it does not end with the '
                         'end-of-image marker FF D9 (a copy cut short?)')
    if ext == '.png' and not tail.endswith(b'IEND\xaeB`\x82'):
        raise ValueError(f'image {path} is a truncated PNG: it does not end with its IEND '
                         'chunk (a copy cut short?)')


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
                ('collections', 'OrderedDict'), ('builtins', 'bytes')}

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


__all__ = ['UnsafeOutputError', 'Inputs', 'check_folder', 'check_output', 'write_via', 'write_bytes',
           'write_text', 'write_json', 'write_pickle', 'save_checkpoint', 'save_figure',
           'write_image', 'write_link', 'VideoFileWriter', 'check_image_complete', 'read_json', 'RestrictedUnpickler',
           'load_restricted_pickle']
