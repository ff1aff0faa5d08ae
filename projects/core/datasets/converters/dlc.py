"""DeepLabCut's labeled-data layout: ``labeled-data/<video>/img*.png`` + ``CollectedData_*.csv``.

:func:`dlc_csv_text` writes the single-animal CSV of DeepLabCut 2.x: three header rows
(``scorer``, ``bodyparts``, ``coords``), then one row per image whose first three cells are
``labeled-data``, the video folder and the image file, followed by ``x, y`` per bodypart
(empty where not labeled). :func:`slp_to_dlc` makes such a folder from one animal (track) of a
SLEAP file: used to show single-animal training on real frames, and by the tests.
"""
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from ...fileio import write_image, write_text


def dlc_csv_text(scorer: str, bodyparts: Sequence[str],
                 rows: Sequence[Tuple[str, str, np.ndarray]]) -> str:
    """DeepLabCut's single-animal ``CollectedData_<scorer>.csv``.

    Args:
        scorer (str): the labeler's name.
        bodyparts (sequence of str): keypoint names, in the CSV's column order.
        rows (sequence): ``(video folder, image file, points (K, 2) pixels, NaN = not
            labeled)``.

    Returns:
        str: the CSV text.
    """
    k = len(bodyparts)
    head = [['scorer', '', ''] + [scorer] * (2 * k),
            ['bodyparts', '', ''] + [b for b in bodyparts for _ in (0, 1)],
            ['coords', '', ''] + ['x', 'y'] * k]
    lines = [','.join(r) for r in head]
    for folder, image, pts in rows:
        pts = np.asarray(pts, np.float64).reshape(k, 2)
        cells = ['' if np.isnan(v) else f'{v:.2f}' for v in pts.reshape(-1)]
        lines.append(','.join(['labeled-data', folder, image] + cells))
    return '\n'.join(lines) + '\n'


def slp_to_dlc(slp_path: str, out_dir: str, frames: Sequence[int], track: Optional[str] = None,
               crop: Optional[Tuple[int, int]] = None, scorer: str = 'posebridge',
               bodyparts: Optional[Sequence[str]] = None, mask_others: bool = False,
               mask_pad: int = 12, overwrite: bool = False) -> Dict[str, object]:
    """One animal of a SLEAP file as a DeepLabCut labeled-data folder.

    For each frame of ``frames`` holding the animal (its user instance on ``track``, or the
    first user instance), the frame is read from the ``.slp``'s video, optionally cropped to a
    ``crop = (w, h)`` window centred on the animal's labeled keypoints (clamped to the
    frame), and written as ``<out_dir>/labeled-data/<video stem>/img<frame:05d>.png``; its
    keypoints (shifted into the crop; those outside it left unlabeled) go into
    ``<out_dir>/labeled-data/<video stem>/CollectedData_<scorer>.csv``.

    Args:
        slp_path (str): the SLEAP labels (their video must be readable).
        out_dir (str): the output folder (a DeepLabCut project's root).
        frames (sequence of int): frame indices to take.
        track (str, optional): the animal's track name (default: the first instance).
        crop (tuple, optional): ``(w, h)`` of the written images (default: whole frames).
        scorer (str): DeepLabCut's scorer name.
        bodyparts (sequence of str, optional): the CSV's column order by name (default: the
            skeleton's node order).
        mask_others (bool): paint the other labeled animals over with the frame's median
            colour (the convex hull of their labeled keypoints, widened by ``mask_pad``
            pixels), so that a frame holds one animal, as a single-animal project's do.
        mask_pad (int): pixels added around a masked animal.
        overwrite (bool): replace existing files.

    Returns:
        dict: ``csv`` (path), ``images`` (list of paths), ``bodyparts``, ``frames`` (indices
        written) and ``offsets`` (``(x0, y0)`` of each crop).

    Raises:
        ValueError: a bodypart that is not a node, an unknown track, or a crop larger than
            the frame.
    """
    import sleap_io as sio
    from ..video import FrameReader
    labels = sio.load_slp(slp_path)
    nodes = list(labels.skeletons[0].node_names)
    parts = list(bodyparts) if bodyparts else nodes
    unknown = [b for b in parts if b not in nodes]
    if unknown:
        raise ValueError(f'{slp_path}: bodyparts {unknown} are not nodes ({nodes})')
    order = [nodes.index(b) for b in parts]
    if track is not None and track not in [t.name for t in labels.tracks]:
        raise ValueError(f'{slp_path}: no track {track!r} (tracks: '
                         f'{[t.name for t in labels.tracks]})')
    video = labels.videos[0].filename
    reader = FrameReader(video)
    stem = osp.splitext(osp.basename(video))[0]
    folder = osp.join(out_dir, 'labeled-data', stem)
    by_idx = {lf.frame_idx: lf for lf in labels.labeled_frames}
    rows: List[Tuple[str, str, np.ndarray]] = []
    images, written, offsets = [], [], []
    for idx in frames:
        lf = by_idx.get(int(idx))
        if lf is None:
            continue
        insts = [i for i in lf.user_instances
                 if track is None or (i.track is not None and i.track.name == track)]
        if not insts:
            continue
        pts = np.asarray(insts[0].numpy(), np.float64)[order]
        img = reader[int(idx)]
        if mask_others:
            img = _mask(img, [np.asarray(i.numpy(), np.float64) for i in lf.user_instances
                              if i is not insts[0]], mask_pad)
        x0 = y0 = 0
        if crop is not None:
            w, h = crop
            if w > img.shape[1] or h > img.shape[0]:
                raise ValueError(f'crop {crop} is larger than the {img.shape[1]}x'
                                 f'{img.shape[0]} frames of {video}')
            c = np.nanmean(pts, 0)
            x0 = int(np.clip(round(c[0] - w / 2), 0, img.shape[1] - w))
            y0 = int(np.clip(round(c[1] - h / 2), 0, img.shape[0] - h))
            img = img[y0:y0 + h, x0:x0 + w]
            pts = pts - [x0, y0]
            outside = (pts[:, 0] < 0) | (pts[:, 1] < 0) | (pts[:, 0] > w - 1) | \
                (pts[:, 1] > h - 1)
            pts[outside] = np.nan
        name = f'img{int(idx):05d}.png'
        path = osp.join(folder, name)
        write_image(path, np.ascontiguousarray(img), [slp_path, video], out_dir, overwrite)
        rows.append((stem, name, pts))
        images.append(path)
        written.append(int(idx))
        offsets.append((x0, y0))
    csv = osp.join(folder, f'CollectedData_{scorer}.csv')
    write_text(dlc_csv_text(scorer, parts, rows), csv, [slp_path, video], out_dir, overwrite)
    return dict(csv=csv, images=images, bodyparts=parts, frames=written, offsets=offsets)


def _mask(img: np.ndarray, others: Sequence[np.ndarray], pad: int) -> np.ndarray:
    """``img`` with each of ``others`` (``(K, 2)`` keypoints) painted over with the image's
    median colour: the convex hull of the labeled keypoints, dilated by ``pad`` pixels."""
    import cv2
    out = img.copy()
    fill = np.median(img.reshape(-1, img.shape[-1]), 0)
    mask = np.zeros(img.shape[:2], np.uint8)
    for pts in others:
        pts = pts[~np.isnan(pts).any(-1)]
        if len(pts) == 0:
            continue
        hull = cv2.convexHull(np.round(pts).astype(np.int32))
        cv2.fillConvexPoly(mask, hull, 255)
    if pad > 0:
        mask = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE,
                                                          (2 * pad + 1, 2 * pad + 1)))
    out[mask > 0] = fill.astype(img.dtype)
    return out


__all__ = ['dlc_csv_text', 'slp_to_dlc']
