"""Running the chain on an image, a folder or a video, and writing what it found."""
import csv
import io
import os.path as osp
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from projects.core.apis import FrameSource
from projects.core.fileio import (Inputs, VideoFileWriter, check_output, save_figure,
                                  write_image, write_text)
from ..datasets.prediction_file import write_prediction_file
from .chain import FramePose, InfantPoseChain, frames_to_rows
from .smoothing import consecutive_runs, jitter, smooth_tracks


def frame_name(source: FrameSource, frame) -> str:
    """The name a frame is stored under: the image file, or ``<video>#<index>`` for a video
    frame."""
    return f'{frame.path}#{frame.index}' if source.kind == 'video' else frame.path


def draw_2d(chain: InfantPoseChain, img: np.ndarray, frame: FramePose) -> np.ndarray:
    """The frame (BGR) with its box and 2D skeleton drawn by MMPose's visualizer."""
    from mmengine.structures import InstanceData
    from mmpose.structures import PoseDataSample
    from mmpose.visualization import PoseLocalVisualizer
    vis = PoseLocalVisualizer.get_instance('posebridge_infant_chain', radius=3, line_width=2)
    vis.set_dataset_meta(chain.pose2d.dataset_meta)
    sample = PoseDataSample()
    inst = InstanceData()
    if frame.keypoints_2d is not None:
        inst.keypoints = np.asarray(frame.keypoints_2d, np.float32)[None]
        inst.keypoint_scores = np.asarray(frame.scores_2d, np.float32)[None]
        inst.bboxes = np.asarray(frame.bbox, np.float32)[None]
    sample.pred_instances = inst
    vis.add_datasample('frame', img[..., ::-1].copy(), data_sample=sample, draw_gt=False,
                       draw_bbox=True, kpt_thr=0.0, show=False)
    return vis.get_image()[..., ::-1]


def plot_3d(keypoints_3d: np.ndarray, skeleton: Sequence[Tuple[int, int]], path: str,
            title: str = '', sources: Iterable[str] = (), root: Optional[str] = None,
            overwrite: bool = False) -> None:
    """A 3D skeleton plot (PNG) of ``keypoints_3d`` ``(K, 3)`` (mm, pelvis-relative, camera
    axes; drawn with y up and z away from the viewer), written with
    :func:`projects.core.fileio.save_figure` (``sources``, ``root``, ``overwrite`` as there).

    Raises:
        UnsafeOutputError: ``path`` is an input, escapes ``root`` or exists (no
            ``overwrite``).
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    kp = np.asarray(keypoints_3d, np.float64)
    fig = plt.figure(figsize=(4, 4))
    ax = fig.add_subplot(projection='3d')
    xs, ys, zs = kp[:, 0], kp[:, 2], -kp[:, 1]
    ax.scatter(xs, ys, zs, s=10)
    for a, b in skeleton:
        ax.plot([xs[a], xs[b]], [ys[a], ys[b]], [zs[a], zs[b]])
    r = max(float(np.abs(kp).max()), 1.)
    ax.set_xlim(-r, r)
    ax.set_ylim(-r, r)
    ax.set_zlim(-r, r)
    ax.set_xlabel('x / mm')
    ax.set_ylabel('z / mm')
    ax.set_zlabel('-y / mm')
    ax.set_title(title, fontsize=8)
    fig.tight_layout()
    try:
        save_figure(fig, path, sources, root, overwrite, dpi=80)
    finally:
        plt.close(fig)


def run_chain(chain: InfantPoseChain, source: str, out_dir: str, smooth_window: int = 0,
              polyorder: int = 2, overlay: bool = True, plot_every: int = 0,
              max_frames: Optional[int] = None, overwrite: bool = False) -> Dict:
    """Run ``chain`` on ``source`` (an image, a folder of images or a video, read by the
    project's :class:`~projects.core.apis.FrameSource`) and write, under ``out_dir``:

    - ``predictions.json`` (the format of :mod:`projects.infant3d.datasets.prediction_file`):
      ``joints`` (MPII-16 names), units, ``frames`` (one per frame:
      ``frame``, ``image``, ``bbox``, ``bbox_score``, ``keypoints_2d``, ``scores_2d``,
      ``keypoints_3d``, ``time``), the raw (unsmoothed) tracks under ``raw`` when smoothing,
      and ``jitter`` before/after smoothing;
    - ``predictions.csv``: the same, one row per frame (:func:`frames_to_rows`);
    - ``overlay/<image stem>.jpg`` (image input) or ``overlay.mp4`` (video input) of the 2D
      skeleton;
    - ``pose3d/<frame>.png``: a 3D skeleton plot every ``plot_every`` frames (0: first only).

    A video frame is named ``<video>#<index>``. Every output is written through
    :mod:`projects.core.fileio`: never over an input or through a link that leaves
    ``out_dir``, an existing file replaced (atomically) only with ``overwrite``; the files
    known before the run (predictions, overlays) are checked before the chain runs.
    ``smooth_window`` > 0 applies :func:`smooth_tracks` (Savitzky-Golay) to the 2D and 3D
    tracks. Returns the JSON's content.

    Raises:
        FileNotFoundError, ValueError: ``source`` is missing, not an image or video, or holds
            an unreadable image (from :class:`FrameSource`); two images of a folder share a
            stem (their overlays would collide).
        UnsafeOutputError: an output is an input, escapes ``out_dir`` or exists (no
            ``overwrite``).
    """
    src = FrameSource(source)
    if max_frames is not None and max_frames < len(src):
        src = FrameSource(source, range(max(max_frames, 0)))
    fps = (src.fps or 25.) if src.kind == 'video' else None
    inputs = Inputs(src.paths)
    out = dict(json=osp.join(out_dir, 'predictions.json'),
               csv=osp.join(out_dir, 'predictions.csv'),
               video=osp.join(out_dir, 'overlay.mp4'))
    overlays = {}
    if overlay and src.kind != 'video':
        for i in src.frames:
            stem = osp.splitext(osp.basename(src.paths[i]))[0]
            if stem in overlays:
                raise ValueError(f'{source}: {src.paths[overlays[stem]]} and {src.paths[i]} '
                                 f'share the stem {stem!r}; their overlays would collide')
            overlays[stem] = i
    for path in [out['json'], out['csv']] + (
            [out['video']] if overlay and src.kind == 'video' else
            [osp.join(out_dir, 'overlay', f'{stem}.jpg') for stem in overlays]):
        check_output(path, None, inputs, out_dir, overwrite)
    frames: List[FramePose] = [chain(f.image, frame=i, image=frame_name(src, f))
                               for i, f in enumerate(src)]
    raw = frames
    result = dict(joints=[chain.pose2d.dataset_meta['keypoint_id2name'][k]
                          for k in range(chain.num_keypoints)],
                  units=dict(keypoints_2d='px', keypoints_3d='mm, relative to the pelvis'),
                  source=source, fps=fps)
    if smooth_window:
        frames = smooth_tracks(raw, smooth_window, polyorder)
        result['smoothing'] = dict(method='savgol', window=smooth_window, polyorder=polyorder)
        result['raw'] = [{k: v for k, v in f.to_dict().items()
                          if k in ('frame', 'keypoints_2d', 'keypoints_3d')} for f in raw]
    result['jitter'] = track_jitter(raw, frames)
    result['frames'] = [f.to_dict() for f in frames]
    write_prediction_file(result, out['json'], overwrite=overwrite, sources=inputs,
                          root=out_dir)
    table = io.StringIO(newline='')
    csv.writer(table).writerows(frames_to_rows(frames, result['joints']))
    write_text(table.getvalue(), out['csv'], inputs, out_dir, overwrite)
    if overlay and frames:
        # a second pass over the source: frames are not kept in memory (long videos)
        if src.kind == 'video':
            with VideoFileWriter(out['video'], fps, inputs, out_dir, overwrite) as video:
                for fr, f in zip(frames, src):
                    video.write(draw_2d(chain, f.image, fr))
        else:
            for fr, f in zip(frames, src):
                stem = osp.splitext(osp.basename(f.path))[0]
                write_image(osp.join(out_dir, 'overlay', f'{stem}.jpg'),
                            np.ascontiguousarray(draw_2d(chain, f.image, fr)), inputs, out_dir,
                            overwrite)
    skeleton = chain.pose2d.dataset_meta.get('skeleton_links', [])
    for fr in frames:
        if fr.keypoints_3d is None:
            continue
        if fr.frame == 0 or (plot_every and fr.frame % plot_every == 0):
            plot_3d(fr.keypoints_3d, skeleton,
                    osp.join(out_dir, 'pose3d', f'{fr.frame:05d}.png'),
                    title=osp.basename(fr.image), sources=inputs, root=out_dir,
                    overwrite=overwrite)
    return result


def track_jitter(raw: Sequence[FramePose], smoothed: Sequence[FramePose]) -> Dict:
    """:func:`jitter` of the 2D (px) and 3D (mm) tracks before and after smoothing, over the
    longest run of consecutive frames with keypoints (None when shorter than 3 frames)."""
    runs = consecutive_runs([f.keypoints_2d is not None for f in raw])
    best = max(runs, key=lambda r: r.stop - r.start, default=slice(0, 0))
    out = {}
    for key in ('keypoints_2d', 'keypoints_3d'):
        if best.stop - best.start < 3:
            out[key] = None
            continue
        out[key] = dict(raw=jitter(np.stack([getattr(f, key) for f in raw[best]])),
                        smoothed=jitter(np.stack([getattr(f, key) for f in smoothed[best]])),
                        frames=best.stop - best.start)
    return out
