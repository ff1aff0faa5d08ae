"""Frame access for videos: the one reader of PoseBridge (over ``mmcv.VideoReader``)."""
import os.path as osp
from typing import Iterator, Optional, Sequence, Tuple

import numpy as np


class FrameReader:
    """PoseBridge's one video reader: frames of a video by index, over ``mmcv.VideoReader``.

    Every part of PoseBridge that decodes a video (converters, ``LoadFrame`` in training
    pipelines, the prediction and analysis tools) reads it through this class. Random access
    uses mmcv's ``VideoReader.get_frame``, which seeks with ``CAP_PROP_POS_FRAMES`` and then
    checks the position the decoder reports, decoding forward when the seek landed early (the
    inexact-seek problem of some codecs that mmcv documents); a frame at or just after the
    current position (within ``max_skip`` frames) is reached by decoding forward, without a
    seek. ``seek=False`` never seeks: a frame behind the current position reopens the video
    and decodes from its start, which is exact for every codec and slow for scattered access.
    Frames are BGR ``uint8`` ``(H, W, 3)`` arrays, as ``cv2`` and MMPose's ``LoadImage`` give.

    Args:
        path (str): the video file.
        seek (bool): allow seeking (default) or decode strictly forward.
        max_skip (int): largest forward gap decoded instead of seeking.
        cache_capacity (int): frames mmcv keeps decoded.

    Raises:
        FileNotFoundError: the file does not exist.
        OSError: OpenCV cannot open it; or (when reading) a frame cannot be decoded.
        IndexError: a frame index outside ``[0, len(reader))``.
    """

    def __init__(self, path: str, seek: bool = True, max_skip: int = 30,
                 cache_capacity: int = 10) -> None:
        import mmcv
        if not osp.isfile(path):
            raise FileNotFoundError(f'video {path} does not exist')
        self.path, self.seek, self.max_skip = path, seek, int(max_skip)
        self._capacity = cache_capacity
        try:
            self._reader = mmcv.VideoReader(path, cache_capacity=cache_capacity)
        except AssertionError:  # mmcv asserts that the capture opened
            raise OSError(f'video {path}: OpenCV cannot open it') from None
        if not self._reader.opened:
            raise OSError(f'video {path}: OpenCV cannot open it')

    def __len__(self) -> int:
        return self._reader.frame_cnt

    @property
    def fps(self) -> float:
        """Frames per second stored in the file (0 when it stores none)."""
        return float(self._reader.fps)

    @property
    def width(self) -> int:
        return self._reader.width

    @property
    def height(self) -> int:
        return self._reader.height

    def __getitem__(self, idx: int) -> np.ndarray:
        """The frame ``idx`` (0-based), BGR ``(H, W, 3)`` uint8."""
        idx = int(idx)
        if not 0 <= idx < len(self):
            raise IndexError(f'video {self.path} has {len(self)} frames; no frame {idx}')
        pos = self._reader.position
        if self.seek and not pos <= idx <= pos + self.max_skip:
            img = self._reader.get_frame(idx)
        else:
            if idx < pos:  # strictly forward: start again
                import mmcv
                self._reader = mmcv.VideoReader(self.path, cache_capacity=self._capacity)
            img = None
            while self._reader.position <= idx:
                img = self._reader.read()
                if img is None:
                    break
        if img is None:
            raise OSError(f'video {self.path}: cannot decode frame {idx} '
                          f'(the file reports {len(self)} frames)')
        return img

    def read(self, indices: Sequence[int]) -> Iterator[Tuple[int, np.ndarray]]:
        """Yield ``(index, frame)`` for the given indices in increasing order, once each."""
        for idx in sorted(set(int(i) for i in indices)):
            yield idx, self[idx]


def video_info(path: str) -> Tuple[int, int, int, float]:
    """``(num_frames, width, height, fps)`` of a video file (see :class:`FrameReader`).

    Raises:
        FileNotFoundError: the file does not exist.
        OSError: OpenCV cannot open it.
    """
    r = FrameReader(path)
    return len(r), r.width, r.height, r.fps


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
    """Yield ``(index, BGR uint8 image (H, W, 3))`` for the given frame indices, in order,
    one frame in memory at a time (:meth:`FrameReader.read`).

    Raises:
        OSError: the video cannot be opened or ends before an asked-for index.
    """
    wanted = sorted(set(int(i) for i in indices))
    if not wanted:
        return
    reader = FrameReader(path)
    for idx in wanted:
        if idx >= len(reader):
            raise OSError(f'video {path} ended at frame {len(reader)}, before frame {idx}')
        yield idx, reader[idx]


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
