"""SLEAP ``.slp`` labels plus their video to COCO keypoint JSON and extracted frames (sleap-io)."""
import json
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np

from ..video import extract_frames, video_info
from ...fileio import check_folder, write_json, write_json_files
from .splits import draw_splits, random_draws, random_split_files


def load_labels(slp_path: str):
    """``sleap_io.load_slp`` with errors that name the file.

    Raises:
        FileNotFoundError: no such file.
        ValueError: the file is not a SLEAP labels file (sleap-io cannot read it).
    """
    import sleap_io as sio
    if not osp.isfile(slp_path):
        raise FileNotFoundError(f'SLEAP labels {slp_path} do not exist')
    try:
        return sio.load_slp(slp_path)
    except Exception as e:  # noqa: BLE001 - h5py / format errors of a foreign file
        raise ValueError(f'{slp_path} is not a SLEAP labels file that sleap-io can read '
                         f'({type(e).__name__}: {e})') from e


def check_video_matches(slp_path: str, video_path: str, frames: Sequence) -> None:
    """Refuse a video that cannot be the one the labels were made on.

    Args:
        slp_path (str): the labels (named in errors).
        video_path (str): the video.
        frames (sequence): ``sleap_io.LabeledFrame`` objects to convert.

    Raises:
        ValueError: a labeled frame index is beyond the video's frames, or a labeled point
            lies outside its frame size (e.g. a 64x64 video for a 1024x1024 clip).
    """
    n, w, h, _ = video_info(video_path)
    if n <= 0:
        raise ValueError(f'video {video_path} has no frames (OpenCV counts {n})')
    last = max((lf.frame_idx for lf in frames), default=-1)
    if last >= n:
        raise ValueError(f'{slp_path}: labels on frame {last}, but the video {video_path} has '
                         f'{n} frames: is it the video the labels were made on?')
    pts = [inst.numpy() for lf in frames for inst in lf.user_instances]
    if pts:
        pts = np.concatenate(pts)
        pts = pts[~np.isnan(pts).any(1)]
        if len(pts) and (pts.min() < -0.5 or pts[:, 0].max() > w - 0.5 or
                         pts[:, 1].max() > h - 0.5):
            raise ValueError(f'{slp_path}: labeled points reach x = {pts[:, 0].max():.0f}, '
                             f'y = {pts[:, 1].max():.0f}, outside the {w}x{h} frames of '
                             f'{video_path}: is it the video the labels were made on?')


def instance_to_coco(points: np.ndarray, ann_id: int, image_id: int,
                     decimals: int = 3) -> Optional[Dict]:
    """One SLEAP instance as a COCO keypoint annotation (the one rule of this project).

    Args:
        points (np.ndarray): ``(K, 2)`` pixels, NaN where the point is missing.
        ann_id (int): the annotation id.
        image_id (int): the image id.
        decimals (int): rounding of the coordinates.

    Returns:
        dict or None: ``keypoints`` (``v = 2`` labeled, ``x = y = v = 0`` missing),
        ``num_keypoints``, ``bbox`` and ``area`` of the tightest box around the labeled points
        (SLEAP's instance area, :func:`projects.core.evaluation.keypoint_bbox_area`), category 1;
        ``None`` when no point is labeled.
    """
    pts = np.asarray(points, np.float64)
    vis = ~np.isnan(pts).any(-1)
    if not vis.any():
        return None
    kpts = np.zeros((len(pts), 3))
    kpts[vis, :2] = pts[vis]
    kpts[vis, 2] = 2
    x0, y0 = pts[vis].min(0)
    x1, y1 = pts[vis].max(0)
    return dict(id=int(ann_id), image_id=int(image_id), category_id=1, iscrowd=0,
                keypoints=kpts.reshape(-1).round(decimals).tolist(),
                num_keypoints=int(vis.sum()),
                bbox=[float(x0), float(y0), float(x1 - x0), float(y1 - y0)],
                area=float((x1 - x0) * (y1 - y0)))


def convert_slp(slp_path: str, out_dir: str, video_path: Optional[str] = None,
                frame_indices: Optional[Sequence[int]] = None,
                keypoint_names: Optional[Sequence[str]] = None,
                split_name: str = 'all', image_ext: str = 'png',
                name: Optional[str] = None, overwrite: bool = False) -> str:
    """Convert a SLEAP labels file to COCO keypoints with one annotation per animal.

    * keypoints follow ``keypoint_names`` (default: the skeleton's node order), mapped by name;
    * a missing point (NaN in SLEAP) becomes ``x = y = 0, v = 0``; labeled points get ``v = 2``;
    * ``track_id`` (an int, index into ``info.tracks``) and ``track`` (the name) keep identities;
    * the frames are written to ``out_dir/images/<video stem>_<frame:06d>.<ext>``;
    * ``bbox`` / ``area`` are the tightest box around the labeled points.

    Args:
        slp_path (str): the ``.slp`` file (user-labeled instances are used; predictions skipped).
        out_dir (str): output folder (``annotations/`` and ``images/`` inside).
        video_path (str, optional): the video, when it is not where the ``.slp`` says (default:
            the recorded file name, looked up next to ``slp_path``).
        frame_indices (sequence, optional): keep only these labeled frame indices.
        keypoint_names (sequence, optional): output keypoint order by node name.
        split_name (str): output file is ``annotations/<name>_<split_name>.json``.
        name (str, optional): prefix of the output file (default: the video's file stem).
        overwrite (bool): replace existing outputs whose content differs (see
            :func:`projects.core.fileio.check_output`).

    Returns:
        str: path of the written JSON.

    Raises:
        FileNotFoundError: the labels or the video are missing (``video_path`` given but not
            a file is named as such).
        ValueError: a node named in ``keypoint_names`` is not in the skeleton, the file holds
            more than one video or skeleton, or its video is a list of images.
        projects.core.fileio.UnsafeOutputError: an output would replace an input or other
            content, or ``out_dir/images`` / ``out_dir/annotations`` resolve outside ``out_dir``
            (e.g. the image link another converter made).
    """

    labels = load_labels(slp_path)
    if len(labels.skeletons) != 1 or len(labels.videos) != 1:
        raise ValueError(f'{slp_path}: expected one skeleton and one video, found '
                         f'{len(labels.skeletons)} and {len(labels.videos)}')
    skeleton = labels.skeletons[0]
    nodes = list(skeleton.node_names)
    names = list(keypoint_names) if keypoint_names else nodes
    unknown = [n for n in names if n not in nodes]
    if unknown:
        raise ValueError(f'{slp_path}: skeleton nodes are {nodes}; {unknown} not among them')
    order = [nodes.index(n) for n in names]
    name_to_out = {n: i for i, n in enumerate(names)}
    skel = sorted({tuple(sorted((name_to_out[a.name] + 1, name_to_out[b.name] + 1)))
                   for a, b in ((e.source, e.destination) for e in skeleton.edges)
                   if a.name in name_to_out and b.name in name_to_out})

    recorded = labels.videos[0].filename
    if isinstance(recorded, (list, tuple)):
        raise ValueError(f'{slp_path}: its video is a list of {len(recorded)} image files '
                         f'({osp.dirname(str(recorded[0])) if recorded else "none"}/...), not a '
                         'video file; this converter reads labels on a video: use '
                         'tools/new_project.py, which reads labels on image files')
    if video_path is not None:
        if not osp.isfile(video_path):
            raise FileNotFoundError(f'--video {video_path}: not a video file (the video of '
                                    f'{slp_path}, recorded as {recorded})')
    else:
        video_path = recorded
        if not osp.isfile(video_path):
            video_path = osp.join(osp.dirname(slp_path), osp.basename(video_path))
        if not osp.isfile(video_path):
            raise FileNotFoundError(f'video for {slp_path} not found at {recorded} nor at '
                                    f'{video_path}; pass it explicitly with --video')

    frames = sorted(labels.labeled_frames, key=lambda lf: lf.frame_idx)
    if frame_indices is not None:
        keep = set(int(i) for i in frame_indices)
        frames = [lf for lf in frames if lf.frame_idx in keep]
    tracks = [t.name for t in labels.tracks]
    stem = osp.splitext(osp.basename(video_path))[0]
    img_dir = osp.join(out_dir, 'images')
    out = osp.join(out_dir, 'annotations', f'{name or stem}_{split_name}.json')
    check_folder(osp.dirname(out), out_dir)  # before any frame is decoded
    check_video_matches(slp_path, video_path, frames)
    file_names = extract_frames(video_path, img_dir, [lf.frame_idx for lf in frames],
                                pattern='{stem}_{index:06d}.' + image_ext, root=out_dir,
                                overwrite=overwrite)
    _, w, h, _ = video_info(video_path)

    images: List[Dict] = []
    anns: List[Dict] = []
    for lf, fname in zip(frames, file_names):
        image_id = int(lf.frame_idx)
        images.append(dict(id=image_id, file_name=fname, width=w, height=h,
                           frame_idx=int(lf.frame_idx), video=osp.basename(video_path)))
        for inst in lf.user_instances:
            ann = instance_to_coco(inst.numpy()[order], len(anns) + 1, image_id)
            if ann is None:
                continue
            track = inst.track.name if inst.track is not None else None
            ann.update(track_id=tracks.index(track) if track in tracks else -1, track=track)
            anns.append(ann)
    coco = dict(info=dict(description=f'converted from {osp.basename(slp_path)} by posebridge',
                          tracks=tracks),
                images=images, annotations=anns,
                categories=[dict(id=1, name='animal', supercategory='animal',
                                 keypoints=names, skeleton=[list(e) for e in skel])])
    write_json(coco, out, [slp_path, video_path], root=out_dir, overwrite=overwrite)
    return out


def convert_slp_protocol(slp_path: str, out_dir: str, test_frames: Sequence[int],
                         pool_frames: Sequence[int], sizes: Sequence[int] = (5, ),
                         num_draws: int = 5, seed: int = 0, name: str = 'fly',
                         video_path: Optional[str] = None,
                         overwrite: bool = False,
                         val_frames: Sequence[int] = ()) -> Dict[str, str]:
    """SemiMultiPose-style splits of one labeled SLEAP clip (Blau et al., section 5, fly data).

    The frames ``test_frames`` are held out for testing and ``val_frames`` for validation (the
    frames on which settings and checkpoints are chosen); ``sizes`` labeled frames are drawn
    ``num_draws`` times from ``pool_frames`` (see :func:`.splits.draw_splits`), and the pool
    frames that were not drawn, with their labels dropped, form each draw's unlabeled set.
    ``train`` is the pool; ``train_full`` the pool and the validation frames (for a final model
    retrained with the chosen settings). Choose the three ranges apart in time (e.g. pool
    0:1100:10, val 1100:1200:10, test 1200:1500:10) so that no held-out frame is a near-copy of
    a training frame. Frames are extracted once, as :func:`convert_slp` does;
    ``annotations/<name>_all.json`` holds every converted frame.

    Returns:
        dict: split name (``all``, ``test``, ``train_full``, ``train5-d0`` ...,
        ``..._unlabeled``; with ``val_frames`` also ``val``, ``train``, ``train_unlabeled``)
        to written path.

    Raises:
        ValueError: the ranges overlap, or name frames without labels in ``slp_path``.
        FileNotFoundError: as :func:`convert_slp`.
    """
    test_frames, pool_frames = sorted(set(test_frames)), sorted(set(pool_frames))
    val_frames = sorted(set(val_frames))
    for a, b, what in ((test_frames, pool_frames, 'test and training'),
                       (test_frames, val_frames, 'test and validation'),
                       (val_frames, pool_frames, 'validation and training')):
        overlap = sorted(set(a) & set(b))
        if overlap:
            raise ValueError(f'{slp_path}: {what} frames overlap: {overlap[:5]}')
    used = test_frames + val_frames + pool_frames
    all_path = convert_slp(slp_path, out_dir, video_path=video_path,
                           frame_indices=sorted(used), split_name='all', name=name,
                           overwrite=overwrite)
    with open(all_path) as f:
        coco = json.load(f)
    by_idx = {im['frame_idx']: im['file_name'] for im in coco['images']}
    missing = [i for i in used if i not in by_idx]
    if missing:
        raise ValueError(f'{slp_path}: frames {missing[:5]} have no labeled instance')
    val = [by_idx[i] for i in val_frames]
    out = draw_splits(coco, [by_idx[i] for i in test_frames],
                      [by_idx[i] for i in pool_frames] + val, sizes, num_draws=num_draws,
                      seed=seed, val=val)
    written = dict(all=all_path)
    written.update({split: osp.join(out_dir, 'annotations', f'{name}_{split}.json')
                    for split in out})
    write_json_files({written[split]: obj for split, obj in out.items()}, [slp_path],
                     root=out_dir, overwrite=overwrite)
    return written


def convert_slp_random(slp_path: str, out_dir: str, num_labeled: int = 40,
                       num_unlabeled: int = 40, num_test: int = 20, num_draws: int = 5,
                       seed: int = 0, name: str = 'fly', frames: Optional[Sequence[int]] = None,
                       video_path: Optional[str] = None,
                       overwrite: bool = False) -> Dict[str, str]:
    """SemiMultiPose's random fly splits of one labeled SLEAP clip (Blau et al., section 5).

    For each draw, ``num_labeled`` labeled, ``num_unlabeled`` unlabeled and ``num_test`` test
    frames are drawn at random from the clip's labeled frame indices (``frames``, default all)
    with :func:`.splits.random_draws`; only the drawn frames are extracted. Writes
    ``annotations/<name>_rand<L>-d<d>.json``, ``..._unlabeled.json`` and ``..._test.json``.
    Frames drawn at random from one clip can be neighbours in time (near-copies at 25 fps), as
    in the paper.

    Returns:
        dict: split name to written path.

    Raises:
        ValueError: more frames requested than the clip has labeled.
        FileNotFoundError, projects.core.fileio.UnsafeOutputError: as :func:`convert_slp`.
    """
    labeled = sorted(lf.frame_idx for lf in load_labels(slp_path).labeled_frames
                     if len(lf.user_instances))
    if frames is not None:
        keep = set(int(i) for i in frames)
        labeled = [i for i in labeled if i in keep]
    try:
        draws = random_draws(labeled, num_labeled, num_unlabeled, num_test, num_draws, seed)
    except ValueError as e:
        raise ValueError(f'{slp_path}: {e} labeled frames') from e
    used = sorted({i for draw in draws for part in draw for i in part})
    all_path = convert_slp(slp_path, out_dir, video_path=video_path, frame_indices=used,
                           split_name='random_all', name=name, overwrite=overwrite)
    with open(all_path) as f:
        coco = json.load(f)
    by_idx = {im['frame_idx']: im['file_name'] for im in coco['images']}
    out = random_split_files(
        coco, [tuple([by_idx[i] for i in part] for part in draw) for draw in draws],
        num_labeled)
    written = dict(random_all=all_path)
    for split, obj in out.items():
        path = osp.join(out_dir, 'annotations', f'{name}_{split}.json')
        write_json(obj, path, [slp_path], root=out_dir, overwrite=overwrite)
        written[split] = path
    return written
