"""A scientist's own labels (any format sleap-io reads) as one checked table of frames.

Used by ``tools/new_project.py``: labels from SLEAP (``.slp``), DeepLabCut
(``CollectedData_*.csv``, or the ``.h5`` beside it), COCO keypoints (``.json``), Label Studio,
Ultralytics, NWB ... are read with ``sleap_io.load_file``; several files are merged when their
skeletons have the same nodes. Keypoints are matched by node *name* everywhere (sleap-io returns
DeepLabCut's bodyparts in alphabetical order, so position would silently swap them).

The result, :class:`OwnLabels`, holds one :class:`LabeledFrameRecord` per labeled frame, with
the instances as ``(N, K, 2)`` pixel arrays (NaN = not labeled) in the order of
:attr:`OwnLabels.nodes`; :func:`read_labels` checks everything a training set needs and raises
:class:`LabelsError` naming the file, the frame or the node and what was expected.
"""
import functools
import hashlib
import os
import os.path as osp
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

#: what ``sleap_io.load_file`` reads, by extension (named in errors)
READABLE = ('.slp (SLEAP)', '.csv (DeepLabCut CollectedData, or its .h5)',
            '.json (COCO keypoints, Label Studio)', '.nwb (ndx-pose)', '.mat (LEAP)',
            'data.yaml or its folder (Ultralytics)', 'config.yaml or its folder (DeepLabCut '
            'project)')


class LabelsError(ValueError):
    """Labels that cannot make a training set; the message names the file, the frame or the
    node, and what was expected."""


@dataclass
class LabeledFrameRecord:
    """One labeled frame.

    Attributes:
        labels_file (str): the labels file it came from.
        source (str): the video file, or the image file of an image-list source.
        frame_idx (int): the frame's index in its video (0 for an image file).
        is_video (bool): ``source`` is a video (frames are extracted) rather than an image.
        width, height (int): the frame size in pixels, read from the file.
        instances (np.ndarray): ``(N, K, 2)`` keypoints in pixels of the frame, NaN where a
            keypoint is not labeled, nodes in :attr:`OwnLabels.nodes` order.
        video_key (str): a short name of the video (or image folder), unique in the set; the
            unit of ``--split-by video``.
        embedded (sleap_io.Video, optional): for a SLEAP package (``.pkg.slp``) whose frames
            are stored in the labels file itself (``source``), the video that reads them.
    """
    labels_file: str
    source: str
    frame_idx: int
    is_video: bool
    width: int
    height: int
    instances: np.ndarray
    video_key: str = ''
    embedded: object = None


@dataclass
class OwnLabels:
    """Every labeled frame of one or more labels files, checked.

    Attributes:
        files (list): the labels files, in the order given.
        nodes (list): keypoint names (the first file's node order).
        edges (list): ``(name, name)`` skeleton links (union over the files).
        symmetries (list): ``(name, name)`` pairs the files declare symmetric.
        frames (list): :class:`LabeledFrameRecord` objects, sorted by video then frame.
        videos (dict): ``video_key`` -> source path (a video file or an image folder).
        unlabeled (dict): ``video_key`` -> frame indices of that video without labels
            (videos), or image files without labels (image folders).
    """
    files: List[str]
    nodes: List[str]
    edges: List[Tuple[str, str]]
    symmetries: List[Tuple[str, str]]
    frames: List[LabeledFrameRecord]
    videos: Dict[str, str] = field(default_factory=dict)
    unlabeled: Dict[str, list] = field(default_factory=dict)

    @property
    def instances_per_frame(self) -> np.ndarray:
        """``(F,)`` number of labeled instances of each frame."""
        return np.array([len(f.instances) for f in self.frames], dtype=np.int64)

    def animal_lengths(self) -> np.ndarray:
        """``(M,)`` the longer side (pixels) of each instance's keypoint box, over the
        instances with at least two labeled keypoints: the animal size that
        :func:`projects.semimultipose.experiments.new_project.choose_input_size` reads."""
        out = []
        for f in self.frames:
            for inst in f.instances:
                pts = inst[~np.isnan(inst).any(-1)]
                if len(pts) >= 2:
                    out.append(float((pts.max(0) - pts.min(0)).max()))
        return np.asarray(out, dtype=np.float64)


# ------------------------------------------------------------------------------------------
# flip pairs from names


def _swap_case_like(word: str, template: str) -> str:
    """``word`` written in the case style of ``template`` (``LEFT``, ``Left``, ``left``)."""
    if template.isupper():
        return word.upper()
    if template[0].isupper():
        return word.capitalize()
    return word.lower()


#: (pattern, function giving the other side's text) for left/right tokens in keypoint names:
#: the words left/right in any case (``leftear``, ``Left_Ear``, ``ear_left``), a capital L/R
#: standing alone as a token (``L_paw``, ``LAnt``, ``wingL``, ``forelegL4``: not followed by a
#: lower-case letter, not preceded by a capital), and a lower-case l/r set off by separators
#: (``l_ear``, ``ear_l``).
_SIDE_RULES = (
    (re.compile(r'(?i)(left|right)'),
     lambda m: _swap_case_like('right' if m.group(1).lower() == 'left' else 'left', m.group(1))),
    (re.compile(r'(?<![A-Z])([LR])(?![a-z])'),
     lambda m: 'R' if m.group(1) == 'L' else 'L'),
    (re.compile(r'(?:(?<=^)|(?<=[_\-. ]))([lr])(?=$|[_\-. 0-9])'),
     lambda m: 'r' if m.group(1) == 'l' else 'l'),
)


def flip_pairs_from_names(nodes: Sequence[str]) -> List[Tuple[str, str]]:
    """Left/right keypoint pairs guessed from the names, for skeletons without symmetries.

    A name's counterpart is the name with one left/right token swapped (see ``_SIDE_RULES``:
    ``leftear``/``rightear``, ``L_paw``/``R_paw``, ``paw_l``/``paw_r``, ``wingL``/``wingR``,
    ``LAnt``/``RAnt``); a pair is kept when the counterpart is another node. Each node is in at
    most one pair; names such as ``Lip`` or ``TAIL`` hold no token.

    Args:
        nodes (sequence of str): the keypoint names.

    Returns:
        list: ``(left-ish name, right-ish name)`` pairs in node order (the first member is
        the earlier node).
    """
    names = list(nodes)
    present = set(names)
    paired, pairs = set(), []
    for name in names:
        if name in paired:
            continue
        for pattern, other in _SIDE_RULES:
            found = None
            for m in pattern.finditer(name):
                cand = name[:m.start(1)] + other(m) + name[m.end(1):]
                if cand != name and cand in present and cand not in paired:
                    found = cand
                    break
            if found:
                pairs.append((name, found))
                paired.update((name, found))
                break
    return pairs


# ------------------------------------------------------------------------------------------
# reading


def _load(path: str, image_root: Optional[str] = None):
    """``sleap_io.load_file`` with errors that name the file and the formats read.

    A DeepLabCut ``.h5`` (pandas HDF) is read through the ``.csv`` DeepLabCut writes beside
    it (same stem): sleap-io reads DeepLabCut labels from CSV. A COCO file's images are looked
    up under ``image_root`` (default: beside the file); sleap-io's warning about images it
    could not find (it skips them with their labels) is an error here.
    """
    import warnings

    import sleap_io as sio
    if not osp.exists(path):
        raise LabelsError(f'labels {path}: no such file')
    if path.lower().endswith('.h5') and _is_pandas_hdf(path):
        csv = osp.splitext(path)[0] + '.csv'
        if not osp.isfile(csv):
            raise LabelsError(f'labels {path}: a DeepLabCut .h5; PoseBridge reads DeepLabCut '
                              f'labels from the CSV DeepLabCut writes beside it ({csv}), which '
                              'is missing')
        path = csv
    if path.lower().endswith('.csv'):
        _check_dlc_images(path)
    kwargs = {}
    if image_root is not None and path.lower().endswith('.json'):
        kwargs['dataset_root'] = image_root
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            labels = sio.load_file(path, **kwargs)
    except TypeError as e:
        if kwargs:
            raise LabelsError(f'labels {path}: --images applies to COCO files; sleap-io reads '
                              f'this one otherwise ({e})') from e
        raise LabelsError(f'labels {path}: sleap-io cannot read it (TypeError: {e}); formats '
                          'read: ' + ', '.join(READABLE)) from e
    except Exception as e:  # noqa: BLE001 - each reader raises its own errors
        raise LabelsError(f'labels {path}: sleap-io cannot read it ({type(e).__name__}: '
                          f'{str(e).splitlines()[0] if str(e) else ""}); formats read: '
                          + ', '.join(READABLE)) from e
    if not isinstance(labels, sio.Labels):
        raise LabelsError(f'labels {path}: sleap-io reads it as a {type(labels).__name__}, '
                          'not as labels; formats read: ' + ', '.join(READABLE))
    for w in caught:
        if 'not found' in str(w.message):
            raise LabelsError(f'labels {path}: images missing: {w.message}'
                              + ('' if image_root else ' (--images names their folder)'))
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return labels, path


def _is_pandas_hdf(path: str) -> bool:
    try:
        import h5py
        with h5py.File(path, 'r') as f:
            return any(k in f for k in ('df_with_missing', 'keypoints')) and \
                'pandas_type' in str(dict(next(iter(f.values())).attrs))
    except Exception:  # noqa: BLE001 - not HDF5 at all: sleap-io will say so
        return False


def _check_dlc_images(csv: str) -> None:
    """Refuse a DeepLabCut CSV whose images are missing (sleap-io skips a missing image and
    numbers the rest, which would put labels on the wrong image)."""
    import csv as csvlib
    try:
        with open(csv, newline='') as f:
            rows = list(csvlib.reader(f))
    except (OSError, UnicodeDecodeError) as e:
        raise LabelsError(f'labels {csv}: cannot read it as text ({e})') from e
    if len(rows) < 4 or rows[0][:1] != ['scorer']:
        return  # not DeepLabCut's layout: sleap-io decides what it is
    header = 4 if len(rows) > 1 and rows[1][:1] == ['individuals'] else 3
    parent = osp.dirname(osp.abspath(csv))
    for r, row in enumerate(rows[header:], start=header + 1):
        if not row:
            continue
        # the image path is the first column, or the first three (labeled-data, video, file)
        parts = [p for p in row[:3] if p and not _is_number(p)] if len(row) > 3 else row[:1]
        rel = osp.join(*parts) if parts else row[0]
        cands = [osp.join(parent, rel), osp.join(parent, osp.basename(rel)),
                 osp.join(osp.dirname(parent), rel)]
        if not any(osp.isfile(c) for c in cands):
            raise LabelsError(f'labels {csv}: row {r}: image {rel} not found (looked at '
                              f'{cands[0]} and {cands[1]})')


def _is_number(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


@functools.lru_cache(maxsize=64)
def _video_info(path: str) -> Tuple[int, int, int]:
    """``(frames, width, height)`` of a video (OpenCV), read once per path."""
    from ..video import video_info
    n, w, h, _ = video_info(path)
    return int(n), int(w), int(h)


def _frame_size(path: str, is_video: bool) -> Tuple[int, int]:
    """``(width, height)`` of an image (its header) or a video (OpenCV)."""
    if is_video:
        return _video_info(path)[1:]
    from PIL import Image
    try:
        with Image.open(path) as im:
            return im.size
    except Exception as e:  # noqa: BLE001 - truncated or not an image
        raise LabelsError(f'image {path}: cannot be read as an image ({e})') from e


def _coco_sizes(path: str) -> Dict[str, Tuple[int, int]]:
    """``file name -> (width, height)`` that a COCO file states (empty if it is not COCO)."""
    import json
    try:
        with open(path) as f:
            coco = json.load(f)
    except (OSError, ValueError):
        return {}
    if not isinstance(coco, dict) or not isinstance(coco.get('images'), list):
        return {}
    out = {}
    for im in coco['images']:
        if isinstance(im, dict) and im.get('file_name') and im.get('width') and im.get('height'):
            out[osp.basename(str(im['file_name']))] = (int(im['width']), int(im['height']))
    return out


def read_labels(paths: Sequence[str], video_paths: Optional[Dict[str, str]] = None,
                image_root: Optional[str] = None) -> OwnLabels:
    """Read, merge and check one or more labels files.

    Frames without a user-labeled instance (predictions only, or an empty labeled frame) are
    not labeled frames; instances without any labeled keypoint are dropped.

    Args:
        paths (sequence of str): labels files (anything ``sleap_io.load_file`` reads).
        video_paths (dict, optional): recorded video path -> where it is now, for labels whose
            videos moved (default: the recorded path, then the same name beside the labels).
        image_root (str, optional): the folder of a COCO file's images (default: beside it).

    Returns:
        OwnLabels: the checked frames.

    Raises:
        LabelsError: a file sleap-io does not read; skeletons whose nodes differ (the nodes
            in one and not the other are named); a file with several skeletons; a missing
            image or video; a frame that is not the size the labels state (a COCO file's
            ``width``/``height``, a ``.slp``'s recorded video shape) or whose labeled points
            lie outside it; the same frame labeled twice; no labeled frame at all; a node that
            is never labeled.
    """
    video_paths = dict(video_paths or {})
    nodes: Optional[List[str]] = None
    edges, symmetries = [], []
    frames: List[LabeledFrameRecord] = []
    seen: Dict[tuple, str] = {}
    sources: Dict[str, Tuple[str, bool]] = {}  # video key -> (path, is_video)
    key_of: Dict[str, str] = {}  # resolved source (video file or image folder) -> key
    labeled_idx: Dict[str, set] = {}
    for given in paths:
        labels, path = _load(given, image_root)
        if len(labels.skeletons) != 1:
            raise LabelsError(f'labels {path}: {len(labels.skeletons)} skeletons; expected one '
                              '(one keypoint definition per project)')
        skel = labels.skeletons[0]
        names = list(skel.node_names)
        if nodes is None:
            nodes = names
            first = path
        elif set(names) != set(nodes):
            raise LabelsError(
                f'labels {path}: its skeleton does not agree with {first}: nodes only in '
                f'{path}: {sorted(set(names) - set(nodes))}; only in {first}: '
                f'{sorted(set(nodes) - set(names))}')
        _merge_links(skel, nodes, edges, symmetries)
        order = [names.index(n) for n in nodes]
        coco_sizes = _coco_sizes(path) if path.lower().endswith('.json') else {}
        for lf in sorted(labels.labeled_frames,
                         key=lambda lf: (str(lf.video.filename), lf.frame_idx)):
            insts = [np.asarray(i.numpy(), np.float64)[order] for i in lf.user_instances]
            insts = [p for p in insts if not np.isnan(p).all()]
            if not insts:
                continue
            rec = _record(path, lf, np.stack(insts), video_paths, coco_sizes)
            src_key = osp.realpath(rec.source)
            if (src_key, rec.frame_idx) in seen:
                raise LabelsError(
                    f'labels {path}: frame {rec.frame_idx} of {rec.source} is labeled twice '
                    f'(also in {seen[(src_key, rec.frame_idx)]}); remove one')
            seen[(src_key, rec.frame_idx)] = path
            rec.video_key = _source_key(rec, key_of, sources)
            labeled_idx.setdefault(rec.video_key, set()).add(
                rec.frame_idx if rec.is_video else osp.realpath(rec.source))
            frames.append(rec)
    if not frames:
        raise LabelsError(f'labels {", ".join(paths)}: no labeled frame (no user-labeled '
                          'instance with a labeled keypoint)')
    _check_duplicate_images(frames)
    counts = np.zeros(len(nodes), dtype=np.int64)
    for f in frames:
        counts += (~np.isnan(f.instances).any(-1)).sum(0)
    never = [n for n, c in zip(nodes, counts) if c == 0]
    if never:
        raise LabelsError(f'labels {", ".join(paths)}: node(s) {never} never labeled in '
                          f'{len(frames)} frames; label them or remove them from the skeleton')
    frames.sort(key=lambda f: (f.video_key, f.frame_idx, f.source))
    out = OwnLabels(files=list(paths), nodes=list(nodes), edges=edges, symmetries=symmetries,
                    frames=frames, videos={k: v[0] for k, v in sources.items()})
    for key, (src, is_video) in sources.items():
        out.unlabeled[key] = _unlabeled(src, is_video, labeled_idx[key])
    return out


def _merge_links(skel, nodes: List[str], edges: List[Tuple[str, str]],
                 symmetries: List[Tuple[str, str]]) -> None:
    """Add a ``sleap_io.Skeleton``'s edges and left/right symmetries (by node name, each
    pair once, a symmetry in the order of ``nodes``) to ``edges`` and ``symmetries``."""
    for e in skel.edges:
        pair = (e.source.name, e.destination.name)
        if pair not in edges and pair[::-1] not in edges:
            edges.append(pair)
    for sym in getattr(skel, 'symmetries', []):
        pair = tuple(sorted((n.name for n in sym.nodes), key=nodes.index))
        if len(pair) == 2 and pair not in symmetries:
            symmetries.append(pair)


def _source_key(rec: LabeledFrameRecord, key_of: Dict[str, str],
                sources: Dict[str, Tuple[str, bool]]) -> str:
    """The key of the video or image folder a record comes from: its file stem (a video),
    ``<package stem>_<embedded video>`` (a video inside a ``.pkg.slp``) or its folder name
    (images), made a safe file name and numbered when two sources share it. A new source is
    added to ``key_of`` (resolved source -> key) and ``sources`` (key -> (source, is_video))."""
    folder = rec.source if rec.is_video else osp.dirname(osp.realpath(rec.source))
    if folder not in key_of:
        if rec.embedded is not None:
            pkg, _, dataset = rec.source.rpartition('#')
            name = osp.basename(pkg).split('.')[0] + '_' + dataset
        elif rec.is_video:
            name = osp.splitext(osp.basename(folder))[0]
        else:
            name = osp.basename(folder)
        base = re.sub(r'[^A-Za-z0-9_.-]+', '_', name) or 'frames'
        key, n = base, 1
        while key in sources:
            n += 1
            key = f'{base}_{n}'
        key_of[folder] = key
        sources[key] = (folder, rec.is_video)
    return key_of[folder]


def _unlabeled(src: str, is_video: bool, labeled: set) -> list:
    """A source's frames without labels: frame indices of a video, image paths of a folder
    (``labeled`` holds the labeled indices, or the labeled images' resolved paths). A video
    embedded in a SLEAP package stores its labeled frames only: none."""
    if is_video and '#' in src and src.rpartition('#')[0].lower().endswith(('.slp', '.h5')):
        return []
    if is_video:
        return [i for i in range(_video_info(src)[0]) if i not in labeled]
    from ...apis.inputs import IMAGE_EXTS
    return sorted(osp.join(src, f) for f in os.listdir(src) if f.lower().endswith(IMAGE_EXTS)
                  and osp.realpath(osp.join(src, f)) not in labeled)


def _record(path: str, lf, instances: np.ndarray, video_paths: Dict[str, str],
            coco_sizes: Dict[str, Tuple[int, int]]) -> LabeledFrameRecord:
    """The checked :class:`LabeledFrameRecord` of one ``sleap_io.LabeledFrame``."""
    video = lf.video
    fname = video.filename
    if isinstance(fname, (list, tuple)):  # an image list: one file per frame
        if not 0 <= lf.frame_idx < len(fname):
            raise LabelsError(f'labels {path}: frame {lf.frame_idx} beyond its '
                              f'{len(fname)} images')
        source, is_video, idx = str(fname[lf.frame_idx]), False, 0
        where = f'image {source}'
    else:
        source, is_video, idx = str(fname), True, int(lf.frame_idx)
        where = f'frame {idx} of {source}'
    if is_video and source.lower().endswith(('.slp', '.h5')):
        return _embedded_record(path, lf, instances, where)
    source = video_paths.get(source, source)
    if not osp.isfile(source):
        beside = osp.join(osp.dirname(osp.abspath(path)), osp.basename(source))
        if osp.isfile(beside):
            source = beside
        else:
            raise LabelsError(f'labels {path}: {"video" if is_video else "image"} {source} not '
                              f'found (nor {beside}); pass where it is now')
    w, h = _frame_size(source, is_video)
    stated = None
    if not is_video and osp.basename(source) in coco_sizes:
        stated = coco_sizes[osp.basename(source)]
    elif is_video and video.backend_metadata.get('shape') is not None:
        shape = video.backend_metadata['shape']
        stated = (int(shape[2]), int(shape[1]))
    if stated is not None and stated != (w, h):
        raise LabelsError(f'labels {path}: {where}: the labels say {stated[0]}x{stated[1]} '
                          f'pixels, the file is {w}x{h}: is it the frame the labels were made '
                          'on?')
    if is_video:
        n = _video_info(source)[0]
        if idx >= n:
            raise LabelsError(f'labels {path}: labels on frame {idx}, but the video {source} '
                              f'has {n} frames')
    _check_points(path, where, instances, w, h)
    return LabeledFrameRecord(labels_file=path, source=source, frame_idx=idx,
                              is_video=is_video, width=w, height=h, instances=instances)


def _embedded_record(path: str, lf, instances: np.ndarray, where: str) -> LabeledFrameRecord:
    """The record of a frame stored in a SLEAP package (``.pkg.slp``), read by sleap-io."""
    try:
        img = np.asarray(lf.video[lf.frame_idx])
    except Exception as e:  # noqa: BLE001 - the file holds no image for this frame
        raise LabelsError(f'labels {path}: {where}: the frame is not embedded in the file and '
                          f'no video is linked ({type(e).__name__}: {e}); save the package with '
                          'its frames (SLEAP: "Export Labels Package") or link the video') from e
    h, w = img.shape[:2]
    _check_points(path, where, instances, w, h)
    # one package may embed several videos: each is its own source
    dataset = str(lf.video.backend_metadata.get('dataset') or 'video0/video').split('/')[0]
    return LabeledFrameRecord(labels_file=path, source=f'{path}#{dataset}',
                              frame_idx=int(lf.frame_idx),
                              is_video=True, width=int(w), height=int(h), instances=instances,
                              embedded=lf.video)


def _check_points(path: str, where: str, instances: np.ndarray, w: int, h: int) -> None:
    """Refuse labeled points outside the ``w`` x ``h`` frame (half a pixel of tolerance)."""
    pts = instances.reshape(-1, 2)
    pts = pts[~np.isnan(pts).any(-1)]
    if len(pts) and (pts.min() < -0.5 or pts[:, 0].max() > w - 0.5 or
                     pts[:, 1].max() > h - 0.5):
        raise LabelsError(f'labels {path}: {where}: labeled points reach x = '
                          f'{pts[:, 0].min():.1f}..{pts[:, 0].max():.1f}, y = '
                          f'{pts[:, 1].min():.1f}..{pts[:, 1].max():.1f}, outside its {w}x{h} '
                          'pixels')


def _check_duplicate_images(frames: Sequence[LabeledFrameRecord]) -> None:
    """Refuse two image files with the same bytes (one frame labeled twice under two names)."""
    by_hash: Dict[str, LabeledFrameRecord] = {}
    for f in frames:
        if f.is_video:
            continue
        with open(f.source, 'rb') as fh:
            digest = hashlib.sha1(fh.read()).hexdigest()
        if digest in by_hash:
            other = by_hash[digest]
            raise LabelsError(f'labels {f.labels_file}: image {f.source} is the same frame as '
                              f'{other.source} (labeled in {other.labels_file}): identical '
                              'bytes; remove one')
        by_hash[digest] = f


# ------------------------------------------------------------------------------------------
# splits


def split_frames(frames: Sequence[LabeledFrameRecord], val: float, test: float, seed: int,
                 by: str = 'frame') -> Dict[str, List[int]]:
    """Indices of ``frames`` for ``train``, ``val`` and ``test``.

    ``by='frame'`` (the default of ``tools/new_project.py``, DeepLabCut's
    ``create_training_dataset`` way): frames drawn at random with ``seed``; a labeled set
    usually comes from one or two videos, which a split by video could not divide. Frames of
    one video that are close in time then fall on both sides, so test scores are optimistic
    for new videos. ``by='video'``: whole videos (or image folders) are drawn, so no stretch
    of video is on both sides; the fractions then count videos.

    Args:
        frames (sequence): the labeled frames (:class:`LabeledFrameRecord`).
        val, test (float): fractions in ``[0, 1)``; a non-zero fraction gets at least one
            frame (or video).
        seed (int): the draw's seed (``numpy.random.default_rng``).
        by (str): ``'frame'`` or ``'video'``.

    Returns:
        dict: ``train``, ``val``, ``test`` -> sorted frame indices.

    Raises:
        LabelsError: fractions out of range, or fewer frames (videos) than the split needs
            (at least one for training and one for each non-zero fraction).
    """
    if by not in ('frame', 'video'):
        raise LabelsError(f'--split-by {by!r}: expected frame or video')
    for name, v in (('val', val), ('test', test)):
        if not 0 <= v < 1:
            raise LabelsError(f'--{name} {v}: expected a fraction in [0, 1)')
    if val + test >= 1:
        raise LabelsError(f'--val {val} + --test {test} leave no training frames')
    units = [f.video_key for f in frames] if by == 'video' else list(range(len(frames)))
    keys = sorted(set(units), key=str)
    n = len(keys)

    def count(frac):
        return 0 if frac == 0 else max(1, int(round(frac * n)))

    n_val, n_test = count(val), count(test)
    what = 'videos' if by == 'video' else 'labeled frames'
    if n - n_val - n_test < 1:
        raise LabelsError(f'{n} {what}: too few for the split (--val {val} -> {n_val}, --test '
                          f'{test} -> {n_test}, and at least 1 for training)'
                          + ('; use --split-by frame' if by == 'video' else ''))
    perm = np.random.default_rng(seed).permutation(n)
    test_keys = {keys[i] for i in perm[:n_test]}
    val_keys = {keys[i] for i in perm[n_test:n_test + n_val]}
    out = dict(train=[], val=[], test=[])
    for i, u in enumerate(units):
        out['test' if u in test_keys else 'val' if u in val_keys else 'train'].append(i)
    return out


__all__ = ['LabelsError', 'LabeledFrameRecord', 'OwnLabels', 'flip_pairs_from_names',
           'read_labels', 'split_frames', 'READABLE']
