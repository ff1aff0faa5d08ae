"""The infant chain's prediction file (``predictions.json``): one definition for the writer
(``tools/infant_chain.py``, :func:`projects.infant3d.apis.run_chain`) and the readers
(:class:`~projects.infant3d.datasets.MiniRGBDDataset`'s ``keypoints_2d_file`` / ``boxes_file``).

Format: a JSON object with ``joints`` (MPII-16 names), ``units``, ``source``, ``fps`` and
``frames``, a list with one object per frame: ``frame`` (index), ``image`` (path, or
``<video>#<index>``), ``bbox`` (``[x1, y1, x2, y2]`` pixels or null), ``bbox_score``,
``keypoints_2d`` (``(16, 2)`` pixels or null), ``scores_2d``, ``keypoints_3d`` (``(16, 3)`` mm
relative to the pelvis) and ``time``; optionally ``raw`` (unsmoothed tracks), ``smoothing`` and
``jitter``.
"""
import os
import os.path as osp
from typing import Dict, Iterable, Optional, Sequence, Union

from projects.core.fileio import read_json, write_json


def write_prediction_file(result: dict, path: str, overwrite: bool = True,
                          sources: Iterable[str] = (), root: Optional[str] = None) -> None:
    """Write ``result`` (the format above) as JSON to ``path`` through
    :func:`projects.core.fileio.write_json` (atomically, never through a link; never over one
    of ``sources`` or outside ``root``; an existing file is replaced only with ``overwrite``).

    Raises:
        ValueError: ``result`` lacks ``joints`` or ``frames``.
        UnsafeOutputError: see :func:`projects.core.fileio.check_output`.
    """
    for key in ('joints', 'frames'):
        if key not in result:
            raise ValueError(f'prediction file {path}: field {key!r} missing')
    write_json(result, path, sources, root, overwrite)


def frame_key(image: str) -> str:
    """The key that matches a frame across machines: the last three path parts
    (MINI-RGBD's ``NN/rgb/syn_%05d.png``)."""
    return '/'.join(osp.normpath(image).split(os.sep)[-3:])


def read_prediction_frames(files: Union[str, Sequence[str]], what: str) -> Dict[str, dict]:
    """The frames with 2D keypoints of one or several prediction files, by :func:`frame_key`.

    The files are read as JSON only (:func:`projects.core.fileio.read_json`): a pickle is
    refused, never unpickled.

    Args:
        files: path(s) of ``predictions.json`` files.
        what (str): the name of the setting that named them (for messages).

    Raises:
        ValueError: a file that is not a JSON object with a ``frames`` list (file named).
    """
    files = [files] if isinstance(files, str) else list(files)
    by_key: Dict[str, dict] = {}
    for f in files:
        data = read_json(f, what)
        if not isinstance(data, dict) or not isinstance(data.get('frames'), list):
            raise ValueError(f'{what} {f}: expected a JSON object with a "frames" list (the '
                             "chain's predictions.json)")
        for fr in data['frames']:
            if fr.get('keypoints_2d') is not None:
                by_key[frame_key(fr['image'])] = fr
    return by_key
