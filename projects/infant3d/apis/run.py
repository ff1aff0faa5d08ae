"""Running the chain on an image, a folder or a video, and writing what it found."""
import csv
import glob
import os
import os.path as osp
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import cv2
import numpy as np

from ..datasets.prediction_file import write_prediction_file
from .chain import FramePose, InfantPoseChain, frames_to_rows
from .smoothing import consecutive_runs, jitter, smooth_tracks

IMAGE_EXTS = ('.jpg', '.jpeg', '.png', '.bmp')
VIDEO_EXTS = ('.mp4', '.avi', '.mov', '.mkv')


def read_frames(source: str) -> Tuple[Iterator[Tuple[str, np.ndarray]], Optional[float]]:
    """Frames of an image file, a folder of images (sorted by name) or a video.

    Returns:
        tuple: an iterator of ``(name, BGR (H, W, 3) uint8)`` and the video's frame rate
        (None for images). A video frame is named ``<video>#<index>``.

    Raises:
        FileNotFoundError: nothing readable at ``source``.
    """
    if osp.isdir(source):
        paths = sorted(p for p in glob.glob(osp.join(source, '*'))
                       if p.lower().endswith(IMAGE_EXTS))
        if not paths:
            raise FileNotFoundError(f'{source}: no images ({", ".join(IMAGE_EXTS)})')
        return ((p, _imread(p)) for p in paths), None
    if not osp.isfile(source):
        raise FileNotFoundError(f'{source}: no such file or folder')
    if source.lower().endswith(VIDEO_EXTS):
        from projects.core.datasets.video import FrameReader
        try:
            reader = FrameReader(source)
        except OSError as e:
            raise FileNotFoundError(f'{source}: {e}') from None
        return ((f'{source}#{i}', img) for i, img in reader.read(range(len(reader)))), \
            reader.fps or 25.
    return iter([(source, _imread(source))]), None


def _imread(path: str) -> np.ndarray:
    img = cv2.imread(path)
    if img is None:
        raise FileNotFoundError(f'{path}: OpenCV cannot read this image')
    return img


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
            title: str = '') -> None:
    """A 3D skeleton plot (PNG) of ``keypoints_3d`` ``(K, 3)`` (mm, pelvis-relative, camera
    axes; drawn with y up and z away from the viewer)."""
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
    fig.savefig(path, dpi=80)
    plt.close(fig)


def run_chain(chain: InfantPoseChain, source: str, out_dir: str, smooth_window: int = 0,
              polyorder: int = 2, overlay: bool = True, plot_every: int = 0,
              max_frames: Optional[int] = None) -> Dict:
    """Run ``chain`` on ``source`` and write, under ``out_dir``:

    - ``predictions.json`` (the format of :mod:`projects.infant3d.datasets.prediction_file`):
      ``joints`` (MPII-16 names), units, ``frames`` (one per frame:
      ``frame``, ``image``, ``bbox``, ``bbox_score``, ``keypoints_2d``, ``scores_2d``,
      ``keypoints_3d``, ``time``), the raw (unsmoothed) tracks under ``raw`` when smoothing,
      and ``jitter`` before/after smoothing;
    - ``predictions.csv``: the same, one row per frame (:func:`frames_to_rows`);
    - ``overlay/`` images (image input) or ``overlay.mp4`` (video input) of the 2D skeleton;
    - ``pose3d/<frame>.png``: a 3D skeleton plot every ``plot_every`` frames (0: first only).

    ``smooth_window`` > 0 applies :func:`smooth_tracks` (Savitzky-Golay) to the 2D and 3D
    tracks. Returns the JSON's content.
    """
    os.makedirs(out_dir, exist_ok=True)
    frames_in, fps = read_frames(source)
    frames: List[FramePose] = []
    for i, (name, img) in enumerate(frames_in):
        if max_frames is not None and i >= max_frames:
            break
        frames.append(chain(img, frame=i, image=name))
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
    write_prediction_file(result, osp.join(out_dir, 'predictions.json'))
    with open(osp.join(out_dir, 'predictions.csv'), 'w', newline='') as f:
        csv.writer(f).writerows(frames_to_rows(frames, result['joints']))
    if overlay and frames:
        # a second pass over the source: frames are not kept in memory (long videos)
        writer = None
        if fps is None:
            os.makedirs(osp.join(out_dir, 'overlay'), exist_ok=True)
        for fr, (_, img) in zip(frames, read_frames(source)[0]):
            drawn = np.ascontiguousarray(draw_2d(chain, img, fr))
            if fps is None:
                cv2.imwrite(osp.join(out_dir, 'overlay', osp.splitext(
                    osp.basename(fr.image))[0] + '.jpg'), drawn)
                continue
            if writer is None:
                h, w = drawn.shape[:2]
                writer = cv2.VideoWriter(osp.join(out_dir, 'overlay.mp4'),
                                         cv2.VideoWriter_fourcc(*'mp4v'), fps, (w, h))
            writer.write(drawn)
        if writer is not None:
            writer.release()
    skeleton = chain.pose2d.dataset_meta.get('skeleton_links', [])
    os.makedirs(osp.join(out_dir, 'pose3d'), exist_ok=True)
    for fr in frames:
        if fr.keypoints_3d is None:
            continue
        if fr.frame == 0 or (plot_every and fr.frame % plot_every == 0):
            plot_3d(fr.keypoints_3d, skeleton,
                    osp.join(out_dir, 'pose3d', f'{fr.frame:05d}.png'),
                    title=osp.basename(fr.image))
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
