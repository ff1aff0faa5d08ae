"""Predictions of a video or image folder as SLEAP labels (sleap-io) and COCO results."""
import os
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


def save_predictions(labels, records: Sequence[dict], out_dir: str, stem: str,
                     formats: Sequence[str], root: Optional[str] = None,
                     overwrite: bool = False, protect: Sequence[str] = ()) -> Dict[str, str]:
    """Write the predictions in each of ``formats`` as ``<out_dir>/<stem>.<ext>``.

    ``slp``, ``nwb``, ``h5`` (SLEAP analysis HDF5) and ``csv`` go through sleap-io's writers
    (``nwb`` needs pynwb and ndx-pose); ``coco`` is :func:`coco_results` as JSON. Outputs
    follow :mod:`projects.core.fileio`: never over an input (``protect``), never through a
    link, an existing file replaced only with ``overwrite``.

    Returns:
        dict: format -> path written.

    Raises:
        ValueError: an unknown format.
        projects.core.fileio.UnsafeOutputError: a target that must not be written.
    """
    import sleap_io as sio
    from ..fileio import check_output, write_json
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ValueError(f'unknown output formats {unknown}; expected some of {sorted(FORMATS)}')
    root = out_dir if root is None else root
    written = {}
    for fmt in formats:
        path = output_path(out_dir, stem, fmt)
        ext = path[len(osp.join(out_dir, stem)) + 1:]
        if fmt == 'coco':
            write_json(coco_results(records), path, list(protect), root, overwrite)
        else:
            check_output(path, None, list(protect), root, overwrite)
            # written beside the target under a hidden name with the same extension (the
            # writers choose the format by it), then moved into place in one step
            tmp = osp.join(out_dir, f'.{stem}.{os.getpid()}.partial.{ext}')
            try:
                getattr(sio, FORMATS[fmt])(labels, tmp)
                os.replace(tmp, path)
            finally:
                if osp.exists(tmp):
                    os.remove(tmp)
        written[fmt] = path
    return written
