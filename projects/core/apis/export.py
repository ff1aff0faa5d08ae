"""Predictions of a video or image folder as SLEAP labels (sleap-io) and COCO results."""
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np

#: output formats and the sleap-io writer (or ``None``: written here) of each
FORMATS = {'slp': 'save_slp', 'nwb': 'save_nwb', 'h5': 'save_analysis_h5', 'csv': 'save_csv',
           'coco': None}


def output_path(out_dir: str, stem: str, fmt: str) -> str:
    """The file a format is written to: ``<out_dir>/<stem>.<ext>`` (``h5``: ``.analysis.h5``,
    ``coco``: ``.json``)."""
    ext = {'h5': 'analysis.h5', 'coco': 'json'}.get(fmt, fmt)
    return osp.join(out_dir, f'{stem}.{ext}')


def skeleton_from_meta(meta: dict):
    """A ``sleap_io.Skeleton`` from MMPose dataset meta (``keypoint_id2name``,
    ``skeleton_links``) and its ``dataset_name``.

    Raises:
        KeyError: the meta lacks ``keypoint_id2name``.
    """
    import sleap_io as sio
    if 'keypoint_id2name' not in meta:
        raise KeyError('dataset meta: field "keypoint_id2name" is missing (load the dataset '
                       'info of the config)')
    names = [meta['keypoint_id2name'][i] for i in range(len(meta['keypoint_id2name']))]
    edges = [[names[a], names[b]] for a, b in meta.get('skeleton_links', [])]
    return sio.Skeleton(nodes=names, edges=edges, name=meta.get('dataset_name'))


def build_labels(records: Sequence[dict], meta: dict, source_paths: List[str],
                 kind: str):
    """Per-frame predictions -> ``sleap_io.Labels`` with predicted instances and tracks.

    Args:
        records (sequence of dict): one per frame, with ``index`` (frame number), ``path``,
            ``keypoints`` ``(N, K, 2)`` image pixels, ``keypoint_scores`` ``(N, K)``,
            ``scores`` ``(N,)`` and ``track_ids`` ``(N,)`` (-1: no track) or None.
        meta (dict): the model's dataset meta (skeleton).
        source_paths (list): the video file (``kind='video'``) or the image files.
        kind (str): ``'video'``, ``'folder'`` or ``'image'``.

    Returns:
        sleap_io.Labels: the video linked (not embedded) so that SLEAP opens the frames for
        proofreading; a track per id, named ``track_<id>``.
    """
    import sleap_io as sio
    skeleton = skeleton_from_meta(meta)
    if kind == 'video':
        video = sio.Video.from_filename(osp.abspath(source_paths[0]), grayscale=False)
    else:
        video = sio.Video.from_filename([osp.abspath(p) for p in source_paths],
                                        grayscale=False)
    tracks: Dict[int, object] = {}
    frames = []
    for rec in records:
        insts = []
        ids = rec.get('track_ids')
        for i in range(len(rec['keypoints'])):
            tid = int(ids[i]) if ids is not None else -1
            track = None
            if tid >= 0:
                track = tracks.setdefault(tid, sio.Track(name=f'track_{tid}'))
            insts.append(sio.PredictedInstance.from_numpy(
                points_data=np.asarray(rec['keypoints'][i], dtype=np.float64),
                point_scores=np.asarray(rec['keypoint_scores'][i], dtype=np.float64),
                score=float(rec['scores'][i]), skeleton=skeleton, track=track))
        frames.append(sio.LabeledFrame(video=video, frame_idx=int(rec['index']),
                                       instances=insts))
    return sio.Labels(labeled_frames=frames, videos=[video], skeletons=[skeleton],
                      tracks=[tracks[k] for k in sorted(tracks)])


def coco_results(records: Sequence[dict]) -> list:
    """COCO keypoint results (one dict per instance): ``image`` (file name or
    ``<video>#<frame>``), ``frame_idx``, ``category_id`` 1, ``keypoints`` ``[x, y, score] *
    K`` in image pixels, ``score`` and ``track_id`` (-1 without tracking)."""
    out = []
    for rec in records:
        ids = rec.get('track_ids')
        name = osp.basename(rec['path'])
        if rec.get('kind') == 'video':
            name = f'{name}#{int(rec["index"])}'
        for i in range(len(rec['keypoints'])):
            kpts = np.concatenate([np.asarray(rec['keypoints'][i], dtype=np.float64),
                                   np.asarray(rec['keypoint_scores'][i],
                                              dtype=np.float64)[:, None]], axis=1)
            out.append(dict(image=name, frame_idx=int(rec['index']), category_id=1,
                            keypoints=[round(float(v), 3) for v in kpts.reshape(-1)],
                            score=float(rec['scores'][i]),
                            track_id=int(ids[i]) if ids is not None else -1))
    return out


def _save_nwb(labels, path: str, fps: Optional[float]) -> None:
    """sleap-io's NWB predictions writer (ndx-pose ``PoseEstimation``, one container per
    track) with timestamps ``frame index / fps`` in seconds (``fps`` None: 1, so they count
    frames). Two sleap-io 0.9.5 problems are avoided: its ``save_nwb`` numbers the frames
    0..n-1 and fails on predictions of a frame range that does not start at 0 (``IndexError``
    in ``build_track_pose_estimation_list``), and it truncates the rate of evenly spaced
    series to an integer (corrected below)."""
    import h5py
    import numpy as np
    from sleap_io.io.nwb_predictions import write_nwb
    last = max((lf.frame_idx for lf in labels.labeled_frames), default=0)
    rate = float(fps) if fps else 1.0
    write_nwb(labels, path, pose_estimation_metadata=dict(
        video_timestamps=np.arange(last + 1, dtype=np.float64) / rate,
        video_sample_rate=rate))
    # sleap-io stores a series whose frames are evenly spaced as (starting_time, rate) with the
    # rate truncated to an integer (float(int(rate))): every frame of a 29.97 frames/s video
    # would be written at 29 Hz, every 4th frame at 10 frames/s at 2 Hz instead of 2.5. The
    # true rate is fps / spacing: set it (an HDF5 attribute) where sleap-io wrote another.
    frames: Dict[tuple, list] = {}
    for lf in labels.labeled_frames:
        for inst in lf.instances:
            if inst.track is None:
                continue
            pts = inst.numpy()
            for j, node in enumerate(inst.skeleton.node_names):
                if not np.isnan(pts[j]).any():
                    frames.setdefault((inst.track.name, node), []).append(lf.frame_idx)
    with h5py.File(path, 'r+') as f:
        def fix(name, obj):
            parts = name.split('/')
            if parts[-1] != 'starting_time' or 'rate' not in obj.attrs or len(parts) < 3:
                return
            track, node = parts[-3].split('=', 1)[-1], parts[-2]
            idx = sorted(frames.get((track, node), []))
            if len(idx) >= 2:
                obj.attrs['rate'] = rate / float(idx[1] - idx[0])
        f.visititems(fix)


def save_predictions(labels, records: Sequence[dict], out_dir: str, stem: str,
                     formats: Sequence[str], root: Optional[str] = None,
                     overwrite: bool = False, protect: Sequence[str] = (),
                     fps: Optional[float] = None) -> Dict[str, str]:
    """Write the predictions in each of ``formats`` as ``<out_dir>/<stem>.<ext>``.

    ``slp``, ``nwb``, ``h5`` (SLEAP analysis HDF5) and ``csv`` go through sleap-io's writers
    (``nwb``: pynwb and ndx-pose, timestamps ``frame index / fps`` seconds, see
    :func:`_save_nwb`); ``coco`` is :func:`coco_results` as JSON. Outputs
    follow :mod:`projects.core.fileio`: never over an input (``protect``), never through a
    link, an existing file replaced only with ``overwrite``.

    Returns:
        dict: format -> path written.

    Raises:
        ValueError: an unknown format.
        projects.core.fileio.UnsafeOutputError: a target that must not be written.
    """
    import sleap_io as sio
    from ..fileio import write_json, write_via
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ValueError(f'unknown output formats {unknown}; expected some of {sorted(FORMATS)}')
    root = out_dir if root is None else root
    written = {}
    for fmt in formats:
        path = output_path(out_dir, stem, fmt)
        if fmt == 'coco':
            write_json(coco_results(records), path, protect, root, overwrite)
        elif fmt == 'nwb':
            write_via(path, lambda tmp: _save_nwb(labels, tmp, fps), protect, root, overwrite)
        else:  # sleap-io's writer into a hidden file of the same extension, then moved
            write_via(path, lambda tmp, fmt=fmt: getattr(sio, FORMATS[fmt])(labels, tmp),
                      protect, root, overwrite)
        written[fmt] = path
    return written
