"""Frame access for videos (OpenCV), shared by converters and unlabeled-frame datasets."""
import os.path as osp
from typing import Iterator, Optional, Sequence, Tuple

import cv2
import numpy as np


def video_info(path: str) -> Tuple[int, int, int, float]:
    """``(num_frames, width, height, fps)`` of a video file.

    Raises:
        FileNotFoundError: the file does not exist.
        OSError: OpenCV cannot open it.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'video {path} does not exist')
    cap = cv2.VideoCapture(path)
    if not cap.isOpened():
        raise OSError(f'video {path}: OpenCV cannot open it')
    try:
        return (int(cap.get(cv2.CAP_PROP_FRAME_COUNT)), int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)),
                int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)), float(cap.get(cv2.CAP_PROP_FPS)))
    finally:
        cap.release()


def select_frames(num_frames: int, every: Optional[int] = None,
                  count: Optional[int] = None, start: int = 0,
                  stop: Optional[int] = None) -> np.ndarray:
    """Frame indices: every ``every``-th frame, or ``count`` frames evenly spaced.

    Args:
        num_frames (int): frames in the video.
        every (int, optional): step between kept frames.
        count (int, optional): number of frames spread evenly over ``[start, stop)``.
        start, stop (int): the range to draw from (``stop`` defaults to ``num_frames``).

    Returns:
        np.ndarray: sorted unique int indices.

    Raises:
        ValueError: neither or both of ``every`` and ``count`` are given, or a bad range.
    """
    stop = num_frames if stop is None else min(stop, num_frames)
    if (every is None) == (count is None):
        raise ValueError('give exactly one of every= and count=')
    if not 0 <= start < stop:
        raise ValueError(f'empty frame range [{start}, {stop}) for {num_frames} frames')
    if every is not None:
        if every < 1:
            raise ValueError(f'every must be >= 1, got {every}')
        return np.arange(start, stop, every)
    if count < 1:
        raise ValueError(f'count must be >= 1, got {count}')
    return np.unique(np.linspace(start, stop - 1, num=min(count, stop - start)).round()
                     .astype(int))


def iter_frames(path: str, indices: Sequence[int]) -> Iterator[Tuple[int, np.ndarray]]:
    """Yield ``(index, BGR uint8 image (H, W, 3))`` for the given frame indices, in order.

    The video is read sequentially (exact for every codec, unlike seeking) and only one frame is
    held in memory at a time.

    Raises:
        OSError: the video cannot be opened or ends before an asked-for index.
    """
    wanted = sorted(set(int(i) for i in indices))
    if not wanted:
        return
    cap = cv2.VideoCapture(path)
    if not cap.isOpened():
        raise OSError(f'video {path}: OpenCV cannot open it')
    try:
        pos = 0
        for idx in wanted:
            while pos < idx:
                if not cap.grab():
                    raise OSError(f'video {path} ended at frame {pos}, before frame {idx}')
                pos += 1
            ok, frame = cap.read()
            if not ok:
                raise OSError(f'video {path} ended at frame {pos}, before frame {idx}')
            pos += 1
            yield idx, frame
    finally:
        cap.release()


def extract_frames(video: str, out_dir: str, indices: Sequence[int],
                   pattern: str = '{stem}_{index:06d}.png', root: Optional[str] = None,
                   overwrite: bool = False) -> list:
    """Write the given frames of ``video`` as images into ``out_dir``; return the file names.

    Each frame is written with :func:`projects.core.fileio.write_image`: atomically, never
    through a link, never over the video, and an existing image with other content is replaced
    only with ``overwrite`` (a re-run writing the same frame leaves it as it is).

    Args:
        video (str): the video file.
        out_dir (str): folder for the images.
        indices (sequence of int): frame indices.
        pattern (str): file name pattern with ``{stem}`` and ``{index}``.
        root (str, optional): the tool's output root; ``out_dir`` must resolve inside it
            (default: ``out_dir`` itself).
        overwrite (bool): replace existing images with other content.

    Raises:
        projects.core.fileio.UnsafeOutputError: a target is the video, lies outside ``root``
            (through a link), or exists with other content without ``overwrite``.
        OSError: the video cannot be read.
    """
    from ..fileio import check_folder, write_image
    root = out_dir if root is None else root
    stem = osp.splitext(osp.basename(video))[0]
    check_folder(out_dir, root)  # before decoding anything
    names = []
    for idx, frame in iter_frames(video, indices):
        name = pattern.format(stem=stem, index=idx)
        write_image(osp.join(out_dir, name), frame, [video], root, overwrite)
        names.append(name)
    return names
