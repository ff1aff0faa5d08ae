"""What a prediction tool reads: one image, a folder of images or a video, frame by frame."""
import glob
import os.path as osp
from typing import Iterator, List, NamedTuple, Optional, Sequence

import numpy as np

IMAGE_EXTS = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff')
VIDEO_EXTS = ('.mp4', '.avi', '.mov', '.mkv', '.mpg', '.mpeg', '.webm')


class Frame(NamedTuple):
    """One input frame: ``image`` BGR uint8 ``(H, W, 3)``; ``index`` its frame number in the
    source (position in the sorted folder for images); ``path`` the image file or the video."""
    path: str
    index: int
    image: np.ndarray


class FrameSource:
    """An image file, a folder of images (sorted by name) or a video, read frame by frame.

    Videos are decoded once, in increasing frame order, by the project's one video reader
    (:class:`~projects.core.datasets.video.FrameReader`), one frame in memory at a time.

    Args:
        source (str): the file or folder.
        frames (sequence of int, optional): frame indices to read (default: all).

    Attributes:
        kind (str): ``'image'``, ``'folder'`` or ``'video'``.
        paths (list): the image files (for images and folders) or ``[video]``.
        num_frames (int): frames in the source. ``fps`` (float or None): a video's frame rate.

    Raises:
        FileNotFoundError: nothing at ``source``, or a folder without images.
        ValueError: an unknown file type, or a frame index outside the source; when reading,
            an empty or truncated image (named).
    """

    def __init__(self, source: str, frames: Optional[Sequence[int]] = None) -> None:
        self.source, self.fps = source, None
        if osp.isdir(source):
            self.kind = 'folder'
            self.paths = sorted(p for p in glob.glob(osp.join(source, '*'))
                                if p.lower().endswith(IMAGE_EXTS))
            if not self.paths:
                raise FileNotFoundError(f'{source}: no images ({", ".join(IMAGE_EXTS)})')
            self.num_frames = len(self.paths)
        elif not osp.isfile(source):
            raise FileNotFoundError(f'{source}: no such file or folder')
        elif source.lower().endswith(VIDEO_EXTS):
            from ..datasets.video import FrameReader
            self.kind, self.paths = 'video', [source]
            self._reader = FrameReader(source)
            self.num_frames, self.fps = len(self._reader), self._reader.fps or None
        elif source.lower().endswith(IMAGE_EXTS):
            self.kind, self.paths, self.num_frames = 'image', [source], 1
        else:
            raise ValueError(f'{source}: not an image ({", ".join(IMAGE_EXTS)}) or a video '
                             f'({", ".join(VIDEO_EXTS)})')
        self.frames: List[int] = list(range(self.num_frames)) if frames is None else \
            sorted(set(int(i) for i in frames))
        bad = [i for i in self.frames if not 0 <= i < self.num_frames]
        if bad:
            raise ValueError(f'{source}: has {self.num_frames} frames; asked for {bad[:5]}')

    def __len__(self) -> int:
        return len(self.frames)

    def __iter__(self) -> Iterator[Frame]:
        if self.kind == 'video':
            for idx, img in self._reader.read(self.frames):
                yield Frame(self.source, idx, img)
            return
        import mmcv

        from ..fileio import check_image_complete
        for idx in self.frames:
            path = self.paths[idx]
            check_image_complete(path)  # OpenCV decodes a truncated JPEG without a word
            img = mmcv.imread(path)
            if img is None:
                raise OSError(f'{path}: cannot read this image')
            yield Frame(path, idx, img)
