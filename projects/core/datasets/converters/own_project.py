"""Write a scientist's labels (:class:`~.own_labels.OwnLabels`) as an MMPose data folder.

``tools/new_project.py`` calls :func:`write_dataset`, which writes into the project folder:

* ``dataset_info.py``: MMPose dataset meta (keypoint names from the nodes, links from the
  edges, flip pairs from the skeleton's symmetries or from left/right names, one OKS sigma);
* ``annotations/{train,val,test}.json``: COCO keypoints, one annotation per animal by the
  converters' one instance rule (:func:`.sleap.instance_to_coco`), boxes from keypoints;
* ``annotations/unlabeled.json``: frames without labels, read lazily by
  ``UnlabeledFrameDataset`` (video frames by ``video`` + ``frame_idx``, images by
  ``file_name``);
* ``images/<video>/``: labeled video frames extracted once (PNG; from the file itself for a
  SLEAP package, ``.pkg.slp``, that embeds them), image files linked.

Nothing is written over an input, through a link or outside the folder
(:mod:`projects.core.fileio`).
"""
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from ...fileio import Inputs, write_image, write_json, write_link, write_text
from ..video import extract_frames, select_frames, video_info
from .own_labels import OwnLabels, flip_pairs_from_names
from .sleap import instance_to_coco

#: colours of keypoints and links: left side, right side, the rest (BGR as MMPose's infos)
_COLOURS = dict(left=[0, 255, 0], right=[255, 128, 0], centre=[51, 153, 255])


def flip_pairs(labels: OwnLabels) -> Tuple[List[Tuple[str, str]], bool]:
    """The skeleton's symmetries, or (when it declares none) pairs guessed from names.

    Returns:
        tuple: ``(pairs, guessed)``; ``guessed`` is ``True`` when the pairs come from
        :func:`.own_labels.flip_pairs_from_names`.
    """
    if labels.symmetries:
        return list(labels.symmetries), False
    return flip_pairs_from_names(labels.nodes), True


def dataset_info_text(name: str, labels: OwnLabels, pairs: Sequence[Tuple[str, str]],
                      guessed: bool, sigma: float, source: str) -> str:
    """MMPose dataset-info file (Python) for ``labels``; see the module docstring.

    Args:
        name (str): ``dataset_name``.
        labels (OwnLabels): nodes and edges.
        pairs (sequence): flip pairs ``(name, name)``.
        guessed (bool): the pairs come from names (said in the file).
        sigma (float): the OKS sigma of every keypoint.
        source (str): what the labels were read from (said in the file).
    """
    swap = {}
    for a, b in pairs:
        swap[a], swap[b] = b, a
    side = {}
    for a, b in pairs:
        side[a], side[b] = 'left', 'right'
    lines = [
        f'# MMPose dataset info written by tools/new_project.py from {source}.',
        '# Keypoint names are the skeleton\'s nodes, links its edges.',
        ('# Flip pairs are GUESSED from left/right names (the skeleton declares no '
         'symmetries): check them.' if guessed and pairs else
         '# Flip pairs are the skeleton\'s symmetries.' if pairs else
         '# No flip pairs: the skeleton declares no symmetries and no names look left/right.'),
        f'# OKS sigma {sigma} for every keypoint: one annotation per keypoint gives no annotator',
        '# spread to measure per-keypoint sigmas from (COCO measured theirs from repeated',
        '# annotations); --sigma of tools/new_project.py sets it.',
        'dataset_info = dict(',
        f'    dataset_name={name!r},',
        '    paper_info=dict(author=\'\', title=\'\', container=\'\', year=\'\', '
        'homepage=\'\'),',
        '    keypoint_info={',
    ]
    for i, n in enumerate(labels.nodes):
        c = _COLOURS[side.get(n, 'centre')]
        lines.append(f'        {i}: dict(name={n!r}, id={i}, color={c}, type=\'\', '
                     f'swap={swap.get(n, "")!r}),')
    lines += ['    },', '    skeleton_info={']
    for i, (a, b) in enumerate(labels.edges):
        c = _COLOURS[side.get(b, side.get(a, 'centre'))]
        lines.append(f'        {i}: dict(link=({a!r}, {b!r}), id={i}, color={c}),')
    k = len(labels.nodes)
    lines += ['    },', f'    joint_weights=[1.0] * {k},', f'    sigmas=[{sigma!r}] * {k},',
              ')', '']
    return '\n'.join(lines)


def _coco(labels: OwnLabels, idx: Sequence[int], file_names: Dict[int, str]) -> dict:
    """COCO keypoints of the frames ``idx`` (image id = frame position + 1)."""
    images, anns = [], []
    for i in idx:
        f = labels.frames[i]
        images.append(dict(id=i + 1, file_name=file_names[i], width=f.width, height=f.height,
                           video=f.video_key, frame_idx=f.frame_idx))
        for inst in f.instances:
            ann = instance_to_coco(inst, len(anns) + 1, i + 1)
            if ann is not None:
                anns.append(ann)
    name_id = {n: j + 1 for j, n in enumerate(labels.nodes)}
    return dict(info=dict(description='written by tools/new_project.py',
                          labels=[osp.basename(p) for p in labels.files]),
                images=images, annotations=anns,
                categories=[dict(id=1, name='animal', supercategory='animal',
                                 keypoints=list(labels.nodes),
                                 skeleton=[[name_id[a], name_id[b]] for a, b in labels.edges])])


def write_frames(labels: OwnLabels, out_dir: str, overwrite: bool = False) -> Dict[int, str]:
    """Extract the labeled video frames once (``images/<video>/<frame:06d>.png``) and link the
    labeled image files (``images/<folder>/<file>``); returns frame position -> file name
    relative to ``images/``."""
    names: Dict[int, str] = {}
    by_video: Dict[str, List[int]] = {}
    for i, f in enumerate(labels.frames):
        if f.embedded is not None:  # a SLEAP package: the frame is stored in the .slp
            rel = f'{f.video_key}/{f.frame_idx:06d}.png'
            img = np.asarray(f.embedded[f.frame_idx])
            img = np.repeat(img, 3, -1) if img.ndim == 3 and img.shape[-1] == 1 else img
            write_image(osp.join(out_dir, 'images', rel),
                        np.ascontiguousarray(img.reshape(f.height, f.width, -1)[..., ::-1]),
                        [f.source], out_dir, overwrite)
            names[i] = rel
        elif f.is_video:
            by_video.setdefault(f.video_key, []).append(i)
        else:
            rel = f'{f.video_key}/{osp.basename(f.source)}'
            write_link(f.source, osp.join(out_dir, 'images', rel), out_dir, overwrite)
            names[i] = rel
    for key, idx in by_video.items():
        video = labels.frames[idx[0]].source
        files = extract_frames(video, osp.join(out_dir, 'images', key),
                               [labels.frames[i].frame_idx for i in idx],
                               pattern='{index:06d}.png', root=out_dir, overwrite=overwrite)
        by_frame = dict(zip(sorted({labels.frames[i].frame_idx for i in idx}), files))
        for i in idx:
            names[i] = f'{key}/{by_frame[labels.frames[i].frame_idx]}'
    return names


def unlabeled_entries(labels: OwnLabels, extra: Sequence[str], exclude_keys: Sequence[str],
                      max_per_source: int, out_dir: str, overwrite: bool = False) -> list:
    """COCO image entries of the frames without labels, for ``annotations/unlabeled.json``.

    Sources: the unlabeled frames of the labeled videos and image folders (not those of
    ``exclude_keys``, the val/test videos of a split by video), and every frame of the
    ``extra`` videos or image folders. At most ``max_per_source`` frames of each, evenly
    spaced (0: all). Video frames are entries with ``video`` (absolute path) and
    ``frame_idx``, decoded during training; images are linked under ``images/unlabeled/``.

    Raises:
        FileNotFoundError: an ``extra`` source that does not exist or holds no frame.
        ValueError: an ``extra`` file that is not a video.
    """
    from ...apis.inputs import IMAGE_EXTS, VIDEO_EXTS
    entries = []

    def pick(items):
        if not max_per_source or len(items) <= max_per_source:
            return list(items)
        sel = select_frames(len(items), count=max_per_source)
        return [items[i] for i in sel]

    def add_video(path, frames):
        _, w, h, _ = video_info(path)
        for i in pick(list(frames)):
            entries.append(dict(id=len(entries) + 1, video=osp.abspath(path),
                                frame_idx=int(i), width=int(w), height=int(h)))

    def add_images(key, files):
        for p in pick(sorted(files)):
            rel = f'unlabeled/{key}/{osp.basename(p)}'
            write_link(p, osp.join(out_dir, 'images', rel), out_dir, overwrite)
            entries.append(dict(id=len(entries) + 1, file_name=rel))

    for key, items in labels.unlabeled.items():
        if key in exclude_keys or not items:
            continue
        src = labels.videos[key]
        if osp.isdir(src):
            add_images(key, items)
        else:
            add_video(src, items)
    used = set()
    for src in extra:
        if not osp.exists(src):
            raise FileNotFoundError(f'--unlabeled {src}: no such file or folder')
        key = osp.splitext(osp.basename(osp.normpath(src)))[0] or 'frames'
        while key in used or key in labels.videos:
            key += '_'
        used.add(key)
        if osp.isdir(src):
            files = [osp.join(src, f) for f in os.listdir(src) if f.lower().endswith(IMAGE_EXTS)]
            if not files:
                raise FileNotFoundError(f'--unlabeled {src}: no images '
                                        f'({", ".join(IMAGE_EXTS)})')
            add_images(key, files)
        elif src.lower().endswith(VIDEO_EXTS):
            n = video_info(src)[0]
            if n <= 0:
                raise FileNotFoundError(f'--unlabeled {src}: the video has no frames')
            add_video(src, range(n))
        else:
            raise ValueError(f'--unlabeled {src}: not a video ({", ".join(VIDEO_EXTS)}) or a '
                             'folder of images')
    return entries


def write_dataset(labels: OwnLabels, split: Dict[str, List[int]], out_dir: str, name: str,
                  sigma: float = 0.1, unlabeled: Sequence[str] = (),
                  max_unlabeled: int = 1000, exclude_unlabeled: Sequence[str] = (),
                  overwrite: bool = False) -> Dict[str, object]:
    """Write ``dataset_info.py``, ``annotations/*.json`` and ``images/`` (module docstring).

    Args:
        labels (OwnLabels): the checked labels.
        split (dict): ``train``/``val``/``test`` -> frame positions
            (:func:`.own_labels.split_frames`).
        out_dir (str): the project folder.
        name (str): the dataset name.
        sigma (float): OKS sigma of every keypoint.
        unlabeled (sequence of str): extra videos or image folders without labels.
        max_unlabeled (int): frames kept per unlabeled source (0: all).
        exclude_unlabeled (sequence of str): video keys whose unlabeled frames are left out.
        overwrite (bool): replace existing files of the folder (never an input).

    Returns:
        dict: ``files`` (what was written), ``flip_pairs``, ``guessed`` (bool) and
        ``num_unlabeled``.
    """
    sources = Inputs(list(labels.files) + [f.source for f in labels.frames])
    pairs, guessed = flip_pairs(labels)
    files = {}
    info = osp.join(out_dir, 'dataset_info.py')
    write_text(dataset_info_text(name, labels, pairs, guessed, sigma,
                                 ', '.join(osp.basename(p) for p in labels.files)),
               info, sources, out_dir, overwrite)
    files['dataset_info'] = info
    names = write_frames(labels, out_dir, overwrite)
    for part in ('train', 'val', 'test'):
        path = osp.join(out_dir, 'annotations', f'{part}.json')
        write_json(_coco(labels, split[part], names), path, sources, out_dir, overwrite)
        files[part] = path
    entries = unlabeled_entries(labels, unlabeled, exclude_unlabeled, max_unlabeled, out_dir,
                                overwrite)
    path = osp.join(out_dir, 'annotations', 'unlabeled.json')
    write_json(dict(info=dict(description='frames without labels, written by '
                              'tools/new_project.py'), images=entries, annotations=[],
                    categories=[]), path, sources, out_dir, overwrite)
    files['unlabeled'] = path
    return dict(files=files, flip_pairs=pairs, guessed=guessed, num_unlabeled=len(entries))


def heading_spread(labels: OwnLabels) -> Optional[float]:
    """Mean resultant length ``R`` in ``[0, 1]`` of the animals' headings in the labels.

    The heading of an instance is the direction between its two keypoints that are farthest
    apart on average over all instances (the body's long axis, first node to second). ``R``
    near 1: every animal faces the same way (a side view, upright subjects); near 0: every
    heading occurs (a view from above). ``None`` with fewer than two nodes or instances.
    """
    k = len(labels.nodes)
    insts = [inst for f in labels.frames for inst in f.instances]
    if k < 2 or len(insts) < 2:
        return None
    arr = np.stack(insts)  # (M, K, 2)
    d = np.linalg.norm(arr[:, :, None] - arr[:, None], axis=-1)  # (M, K, K)
    with np.errstate(invalid='ignore'):
        mean = np.nanmean(np.where(np.isnan(d), np.nan, d), axis=0)
    mean = np.nan_to_num(mean, nan=-1.0)
    a, b = np.unravel_index(np.argmax(np.triu(mean, 1)), mean.shape)
    v = arr[:, b] - arr[:, a]
    v = v[~np.isnan(v).any(-1)]
    if len(v) < 2:
        return None
    ang = np.arctan2(v[:, 1], v[:, 0])
    return float(np.hypot(np.cos(ang).mean(), np.sin(ang).mean()))


__all__ = ['flip_pairs', 'dataset_info_text', 'write_frames', 'unlabeled_entries',
           'write_dataset', 'heading_spread']
