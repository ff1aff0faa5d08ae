"""Targets and decoding of DirectPose as SemiMultiPose uses it (Blau et al., section 3.2)."""
from typing import Optional, Tuple

import numpy as np

from mmpose.codecs.base import BaseKeypointCodec
from mmpose.codecs.utils import generate_unbiased_gaussian_heatmaps
from mmpose.registry import KEYPOINT_CODECS

from .utils import (candidate_instances, dark_taylor_step, group_candidates, heatmap_peaks,
                    refine_to_peaks, rescore_with_heatmaps)


@KEYPOINT_CODECS.register_module()
class DirectPoseLabel(BaseKeypointCodec):
    r"""Encode multi-instance keypoints into the targets G, U, P; decode B2/B3 into instances.

    Coordinates: keypoints are given in model-input pixels ``(x, y)``. The output grid has
    ``heatmap_size = (W, H)`` cells with stride ``s = input_size / heatmap_size`` per axis; cell
    ``(i, j)`` (row, column) stands for the input location ``M_ij = (j * s_x, i * s_y)`` (MMPose's
    convention: heatmap coordinates are input coordinates divided by the stride). Offsets are in
    heatmap cells divided by ``offset_scale``.

    Encoding (paper eqs. 3, 5, 6):

    * **G** ``(K, H, W)``: per keypoint type, ones in a ``(2r+1) x (2r+1)`` window (``r =
      keypoint_radius``) around the cell nearest each instance's labeled keypoint.
    * **U** ``(K, H, W)``: the pseudo box of an instance is the smallest rectangle of cells
      enclosing its labeled keypoints, grown by ``box_margin`` cells on each side. Each location
      belongs to at most one instance: where boxes overlap, to the instance with the smallest
      (unpadded) box, as in FCOS/DirectPose (Tian et al. 2019); equal areas go to the instance
      listed later. ``U[k]`` is one at the locations owned by an instance whose keypoint ``k`` is
      labeled, so an unlabeled (or out-of-input) keypoint contributes no box, offset or window.
    * **P** ``(2K, H, W)``, channels ``(x_0, y_0, x_1, y_1, ...)``: at a location owned by
      instance ``n``, the vector from the location to keypoint ``k`` of ``n``:
      ``(y_nk / s - M_ij / s) / offset_scale``; zero elsewhere (masked by U in eq. 6).

    Decoding (the inference of sections 3.2-3.3): a location is a candidate instance where
    ``max_k U_k > score_thr`` (delta = 0.05 in the paper); its keypoints are ``(D_k + M) * s``
    (eq. 8), each with confidence ``v_k = U_k`` at that location. Candidates are sorted by their
    mean confidence and grouped greedily: the best remaining candidate and every remaining
    candidate whose OKS to it (SLEAP's formula, ``nms_stddev``, the best candidate's keypoint-box
    area, at least that of 4 x 4 cells) exceeds ``nms_thr`` form one instance, whose keypoints
    are the ``v``-weighted means of the group's keypoints, whose keypoint scores are the group's largest ``v_k``, and whose score
    is the best candidate's mean confidence. This is OKS-based NMS that pools the suppressed
    duplicates instead of discarding them.

    Heatmap refinement (an option, off by default and in the paper's configs; not in the
    paper, whose decoding reads B2 and B3 only): with ``refine_radius`` set and B1's
    ``sigmoid(heatmaps)`` given to :meth:`decode`, each regressed keypoint moves to the nearest peak of
    its type's B1 map within ``refine_radius`` cells, as CenterNet snaps its regressed joints to
    the nearest detected keypoint heatmap peak (Zhou et al. 2019, "Objects as Points", section
    4.2). See :meth:`heatmap_peaks` and :meth:`refine`.

    Gaussian keypoint heatmaps (an option for the CPU recipe, off by default and in the paper's
    configs): with ``heatmap_sigma`` set, G is not the window of ones but, per keypoint type,
    the maximum over instances of ``exp(-|c - y_nk / s|^2 / (2 sigma^2))`` centred on the exact
    sub-cell keypoint position (MMPose's ``generate_unbiased_gaussian_heatmaps``, DARK, Zhang
    et al. 2020, eq. 5), so that B1 carries sub-cell positions; ``subcell='dark'`` then reads
    them back with DARK's Taylor step on the log heatmap (Zhang et al. 2020, eqs. 2-4; MMPose's
    ``refine_keypoints_dark``), which recovers a sampled Gaussian's centre exactly.

    Finer B1 grid (an option for the CPU recipe, default 1 = the paper's shared grid): with
    ``keypoint_heatmap_scale = f``, B1 and its target G live on a grid ``f`` times finer than
    B2/B3's (``(f W, f H)`` cells of stride ``s / f``; the head produces it by sub-pixel
    convolution, ``nn.PixelShuffle``, Shi et al. 2016), so that a bee about 7 cells long at
    stride 8 is 14 cells long in B1. ``keypoint_radius``, ``heatmap_sigma``, ``refine_radius``
    and the peak positions are then in B1 cells; B2, B3, U, P and the grouping are unchanged.
    :meth:`encode` returns G packed space-to-depth, ``(f^2 K, H, W)`` in ``nn.PixelShuffle``'s
    channel order, because MMPose packs all target fields into one ``PixelData`` of one grid;
    ``torch.nn.functional.pixel_shuffle`` unpacks it.

    Instance threshold (an option, off by default and in the paper's configs): with
    ``instance_thr`` set, grouping stops at the first candidate (in score order) whose mean
    confidence is below it, so that the low-score duplicates that would otherwise fill
    ``max_instances`` are neither grouped nor returned: a speed option (grouping is a Python
    loop over instances).

    Pooling power (an option, default 1 = the pooling described above): with ``pool_power =
    p``, a group's keypoints are the ``v^p``-weighted means, so that the confident cells, where
    the offsets were trained, outweigh the ring of weaker cells around them.

    Heatmap rescoring (an option for the CPU recipe, off by default and in the paper's configs;
    needs B1, as the refinement): with ``rescore`` set, after grouping (and refinement) each
    keypoint's score becomes B1's ``sigmoid(heatmaps)`` read at its final position (bilinear, on B1's
    grid), ``'heatmap'``, or the geometric mean of that value and the group's box confidence
    ``v_k``, ``'geometric'``; the instance score becomes the mean of its keypoint scores and the
    instances are re-sorted by it. In bottom-up models that read keypoints from heatmaps, an
    instance's score is the mean of its keypoints' heatmap values (Newell et al. 2017,
    associative embedding; MMPose's ``AssociativeEmbedding`` codec); here it ranks first the
    instances whose keypoints B1 confirms, which matters for AP at strict OKS thresholds.

    Args:
        input_size (tuple): ``(w, h)`` of the model input.
        heatmap_size (tuple): ``(W, H)`` of the head output.
        keypoint_radius (int): half-width ``r`` of G's window, in cells.
        box_margin (int): cells added to each side of a pseudo box.
        offset_scale (float): divisor of the offsets, in cells.
        score_thr (float): delta, the threshold on the box confidence.
        nms_thr (float): OKS above which two candidates are the same instance.
        nms_stddev (float): OKS standard deviation used by the grouping.
        max_candidates (int): candidate locations kept (highest mean confidence) before grouping.
        max_instances (int): instances returned per image.
        center_radius (float, optional): when set, an instance owns only the cells of its
            pseudo box within this many cells (Chebyshev distance) of the mean of its labeled
            keypoints: FCOS's "center sampling" (Tian et al. 2019), which DirectPose inherits.
            ``None`` (default) keeps the paper's rule, the whole box.
        refine_radius (float, optional): snap radius of the heatmap refinement, in cells
            (``None``: off, the paper's decoding).
        refine_thr (float): a B1 peak must exceed this ``sigmoid(heatmaps)`` to be snapped to.
        heatmap_sigma (float, optional): when set, G is a Gaussian of this standard deviation
            in cells (see above); ``None`` (default): the paper's window of ones.
        subcell (str): how a B1 peak's sub-cell position is read: ``'centroid'`` (default,
            the 3x3 value-weighted mean) or ``'dark'`` (DARK's Taylor step, for Gaussian G).
        dark_kernel (int): odd size (>= 3) of the Gaussian blur (``cv2.GaussianBlur``) DARK
            applies before its Taylor step.
        pool_power (float): exponent ``p`` of the pooling weights ``v^p`` (default 1).
        keypoint_heatmap_scale (int): how many times finer B1's grid is than ``heatmap_size``
            (default 1: the same grid, the paper).
        instance_thr (float, optional): the least instance score (mean box confidence of the
            best candidate) returned; ``None`` (default): no threshold.
        rescore (str, optional): ``None`` (default, the paper's scores), ``'heatmap'`` or
            ``'geometric'`` (see "Heatmap rescoring" above).

    Raises:
        ValueError: a negative radius or margin, a non-positive ``offset_scale``,
            ``refine_radius``, ``heatmap_sigma`` or ``pool_power``, an unknown ``subcell`` or
            ``rescore``, an even ``dark_kernel`` or a ``keypoint_heatmap_scale`` that is not a
            positive integer.
    """

    field_mapping_table = dict(
        heatmaps='heatmaps', box_heatmaps='box_heatmaps', offsets='offsets')

    def __init__(self,
                 input_size: Tuple[int, int],
                 heatmap_size: Tuple[int, int],
                 keypoint_radius: int = 1,
                 box_margin: int = 1,
                 offset_scale: float = 1.0,
                 score_thr: float = 0.05,
                 nms_thr: float = 0.5,
                 nms_stddev: float = 0.2,
                 max_candidates: int = 5000,
                 max_instances: int = 100,
                 center_radius: Optional[float] = None,
                 refine_radius: Optional[float] = None,
                 refine_thr: float = 0.1,
                 heatmap_sigma: Optional[float] = None,
                 subcell: str = 'centroid',
                 dark_kernel: int = 3,
                 pool_power: float = 1.0,
                 keypoint_heatmap_scale: int = 1,
                 instance_thr: Optional[float] = None,
                 rescore: Optional[str] = None) -> None:
        super().__init__()
        if keypoint_radius < 0 or box_margin < 0 or offset_scale <= 0:
            raise ValueError('keypoint_radius and box_margin must be >= 0 and offset_scale > 0')
        self.input_size = tuple(input_size)
        self.heatmap_size = tuple(heatmap_size)
        self.stride = np.array(input_size, dtype=np.float32) / np.array(heatmap_size)
        self.keypoint_radius = int(keypoint_radius)
        self.box_margin = int(box_margin)
        self.offset_scale = float(offset_scale)
        self.score_thr = score_thr
        self.nms_thr = nms_thr
        self.nms_stddev = nms_stddev
        self.max_candidates = max_candidates
        self.max_instances = max_instances
        self.center_radius = center_radius
        if refine_radius is not None and refine_radius <= 0:
            raise ValueError(f'refine_radius must be > 0 or None, got {refine_radius}')
        self.refine_radius = refine_radius
        self.refine_thr = refine_thr
        if heatmap_sigma is not None and heatmap_sigma <= 0:
            raise ValueError(f'heatmap_sigma must be > 0 or None, got {heatmap_sigma}')
        if subcell not in ('centroid', 'dark'):
            raise ValueError(f"subcell must be 'centroid' or 'dark', got {subcell!r}")
        if dark_kernel < 3 or dark_kernel % 2 == 0:
            raise ValueError(f'dark_kernel must be an odd size >= 3, got {dark_kernel}')
        if pool_power <= 0:
            raise ValueError(f'pool_power must be > 0, got {pool_power}')
        if int(keypoint_heatmap_scale) != keypoint_heatmap_scale or keypoint_heatmap_scale < 1:
            raise ValueError('keypoint_heatmap_scale must be a positive integer, got '
                             f'{keypoint_heatmap_scale}')
        self.keypoint_heatmap_scale = int(keypoint_heatmap_scale)
        #: B1's stride (x, y) in input pixels
        self.keypoint_stride = self.stride / self.keypoint_heatmap_scale
        self.instance_thr = instance_thr
        self.heatmap_sigma = heatmap_sigma
        self.subcell = subcell
        self.dark_kernel = int(dark_kernel)
        self.pool_power = float(pool_power)
        if rescore not in (None, 'heatmap', 'geometric'):
            raise ValueError(f"rescore must be None, 'heatmap' or 'geometric', got {rescore!r}")
        self.rescore = rescore
        # grouping scale floor: a 4 x 4-cell box, so one- or two-keypoint candidates still group
        self.min_area = float(np.prod(self.stride) * 16)

    # ------------------------------------------------------------------ encode
    def encode(self, keypoints: np.ndarray,
               keypoints_visible: Optional[np.ndarray] = None) -> dict:
        """Build the targets of one image.

        Args:
            keypoints (np.ndarray): ``(N, K, 2)`` keypoints in input pixels.
            keypoints_visible (np.ndarray, optional): ``(N, K)``; > 0.5 means labeled.

        Returns:
            dict: ``heatmaps`` G ``(K, H, W)``, or with ``f = keypoint_heatmap_scale > 1`` the
            ``(K, fH, fW)`` map packed as ``(f^2 K, H, W)`` (``pixel_shuffle`` unpacks it),
            ``box_heatmaps`` U ``(K, H, W)``, ``offsets`` P ``(2K, H, W)``, all float32.
        """
        keypoints = np.asarray(keypoints, dtype=np.float32).reshape(-1, *keypoints.shape[-2:])
        n, k = keypoints.shape[:2]
        if keypoints_visible is None:
            keypoints_visible = np.ones((n, k), dtype=np.float32)
        w, h = self.heatmap_size
        pts = keypoints / self.stride  # heatmap coordinates
        vis = (np.asarray(keypoints_visible).reshape(n, k) > 0.5) & \
            (pts[..., 0] >= -0.5) & (pts[..., 0] < w - 0.5) & \
            (pts[..., 1] >= -0.5) & (pts[..., 1] < h - 0.5)

        f = self.keypoint_heatmap_scale
        kpt_pts = pts * f  # B1 coordinates
        heatmaps = np.zeros((k, h * f, w * f), dtype=np.float32)
        box_heatmaps = np.zeros((k, h, w), dtype=np.float32)
        offsets = np.zeros((k, 2, h, w), dtype=np.float32)
        owner = np.full((h, w), -1, dtype=np.int64)

        boxes, areas = {}, {}
        for i in range(n):
            if not vis[i].any():
                continue
            p = pts[i][vis[i]]
            lo, hi = p.min(0), p.max(0)
            areas[i] = float(np.prod(hi - lo))
            x0, y0 = np.floor(lo).astype(int) - self.box_margin
            x1, y1 = np.ceil(hi).astype(int) + self.box_margin
            if self.center_radius is not None:
                cx, cy = p.mean(0)
                r = self.center_radius
                x0, x1 = max(x0, int(np.ceil(cx - r))), min(x1, int(np.floor(cx + r)))
                y0, y1 = max(y0, int(np.ceil(cy - r))), min(y1, int(np.floor(cy + r)))
            boxes[i] = (max(x0, 0), max(y0, 0), min(x1, w - 1), min(y1, h - 1))
        # larger boxes first, so that smaller ones take the shared locations (stable order)
        for i in sorted(boxes, key=lambda j: -areas[j]):
            x0, y0, x1, y1 = boxes[i]
            owner[y0:y1 + 1, x0:x1 + 1] = i

        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        r = self.keypoint_radius
        for i in boxes:
            mask = owner == i
            for j in np.flatnonzero(vis[i]):
                x, y = pts[i, j]
                box_heatmaps[j][mask] = 1.0
                offsets[j, 0][mask] = (x - xs[mask]) / self.offset_scale
                offsets[j, 1][mask] = (y - ys[mask]) / self.offset_scale
                cx, cy = (int(np.floor(v + 0.5)) for v in kpt_pts[i, j])
                if self.heatmap_sigma is None:
                    heatmaps[j, max(cy - r, 0):cy + r + 1, max(cx - r, 0):cx + r + 1] = 1.0
        if self.heatmap_sigma is not None:
            heatmaps, _ = generate_unbiased_gaussian_heatmaps(
                (w * f, h * f), kpt_pts, vis.astype(np.float32), self.heatmap_sigma)
            heatmaps = heatmaps.astype(np.float32)
        if f > 1:  # space-to-depth: packed[k f^2 + i f + j, y, x] = G[k, y f + i, x f + j]
            heatmaps = heatmaps.reshape(k, h, f, w, f).transpose(0, 2, 4, 1, 3).reshape(
                k * f * f, h, w)
        return dict(heatmaps=np.ascontiguousarray(heatmaps), box_heatmaps=box_heatmaps,
                    offsets=offsets.reshape(2 * k, h, w))

    # ------------------------------------------------------------------ decode
    # The steps are functions of ``codecs/utils`` (grouping.py, heatmaps.py); the methods
    # bind them to this codec's settings.
    def candidates(self, box_probs: np.ndarray,
                   offsets: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Candidate instances at every cell where ``max_k U_k > score_thr``
        (:func:`~projects.semimultipose.codecs.utils.candidate_instances`).

        Args:
            box_probs (np.ndarray): ``(K, H, W)`` box confidences sigmoid(box_heatmaps) (or U).
            offsets (np.ndarray): ``(2K, H, W)`` offsets D (or P).

        Returns:
            tuple: keypoints ``(C, K, 2)`` in input pixels and confidences ``(C, K)``.
        """
        return candidate_instances(box_probs, offsets, self.score_thr, self.max_candidates,
                                   self.offset_scale, self.stride)

    def group(self, kpts: np.ndarray, conf: np.ndarray) -> Tuple[np.ndarray, np.ndarray,
                                                                 np.ndarray]:
        """Group candidate instances by OKS and pool each group (see the class docstring;
        :func:`~projects.semimultipose.codecs.utils.group_candidates`).

        Args:
            kpts (np.ndarray): ``(C, K, 2)`` candidate keypoints in input pixels.
            conf (np.ndarray): ``(C, K)`` candidate keypoint confidences.

        Returns:
            tuple: keypoints ``(N, K, 2)``, keypoint scores ``(N, K)``, instance scores ``(N,)``
            (``N = 0`` when no candidate reaches ``instance_thr``).
        """
        return group_candidates(kpts, conf, self.score_thr, self.nms_thr, self.nms_stddev,
                                self.min_area, self.max_instances, self.pool_power,
                                self.instance_thr)

    def heatmap_peaks(self, heatmaps: np.ndarray) -> list:
        """Local maxima of each B1 map above ``refine_thr`` with their sub-cell positions
        (``subcell``; :func:`~projects.semimultipose.codecs.utils.heatmap_peaks`).

        Args:
            heatmaps (np.ndarray): ``(K, H1, W1)`` sigmoid(heatmaps) in [0, 1] (B1's grid).

        Returns:
            list: per keypoint type, ``(P_k, 2)`` float32 peak positions ``(x, y)`` in B1
            cells.
        """
        return heatmap_peaks(heatmaps, self.refine_thr, self.subcell, self.dark_kernel)

    def refine(self, kpts: np.ndarray, heatmaps: np.ndarray) -> np.ndarray:
        """Move each keypoint to the nearest B1 peak of its type within ``refine_radius``
        (:func:`~projects.semimultipose.codecs.utils.refine_to_peaks`).

        Args:
            kpts (np.ndarray): ``(N, K, 2)`` keypoints in input pixels (from :meth:`group`).
            heatmaps (np.ndarray): ``(K, fH, fW)`` sigmoid(heatmaps) on B1's grid.

        Returns:
            np.ndarray: ``(N, K, 2)`` keypoints in input pixels; a keypoint without a peak
            within the radius (in B1 cells) keeps its regressed position.
        """
        if self.refine_radius is None or len(kpts) == 0:
            return np.array(kpts, dtype=np.float32, copy=True)
        return refine_to_peaks(kpts, self.heatmap_peaks(heatmaps), self.refine_radius,
                               self.keypoint_stride)

    def decode(self, box_probs: np.ndarray, offsets: np.ndarray,
               heatmaps: Optional[np.ndarray] = None) -> Tuple[np.ndarray, np.ndarray]:
        """Decode one image's B2 confidences and B3 offsets into instances.

        Args:
            box_probs (np.ndarray): ``(K, H, W)`` sigmoid(box_heatmaps) in [0, 1].
            offsets (np.ndarray): ``(2K, H, W)`` offsets D.
            heatmaps (np.ndarray, optional): ``(K, fH, fW)`` sigmoid(heatmaps), used only by the
                heatmap refinement (``refine_radius``).

        Returns:
            tuple: keypoints ``(N, K, 2)`` in input pixels and keypoint scores ``(N, K)``,
            instances sorted by score. :meth:`decode_with_scores` also returns instance scores.
        """
        kpts, kscores, _ = self.decode_with_scores(box_probs, offsets, heatmaps)
        return kpts, kscores

    def decode_with_scores(self, box_probs: np.ndarray, offsets: np.ndarray,
                           heatmaps: Optional[np.ndarray] = None):
        """As :meth:`decode`, plus the ``(N,)`` instance scores.

        Raises:
            ValueError: ``refine_radius`` or ``rescore`` is set but no ``heatmaps`` are given.
        """
        kpts, kscores, scores = self.group(*self.candidates(np.asarray(box_probs),
                                                            np.asarray(offsets)))
        if self.reads_heatmaps and heatmaps is None:
            raise ValueError('DirectPoseLabel: refine_radius or rescore is set, so decode needs '
                             'B1 heatmaps sigmoid(heatmaps)')
        if self.refine_radius is not None:
            kpts = self.refine(kpts, heatmaps)
        if self.rescore is not None and len(kpts):
            kscores, scores = self.rescore_with_heatmaps(kpts, kscores, heatmaps)
            order = np.argsort(-scores, kind='stable')
            kpts, kscores, scores = kpts[order], kscores[order], scores[order]
        return kpts, kscores, scores

    @property
    def reads_heatmaps(self) -> bool:
        """Whether decoding reads B1's sigmoid(heatmaps): the refinement or the rescoring is on."""
        return self.refine_radius is not None or self.rescore is not None

    def rescore_with_heatmaps(self, kpts: np.ndarray, kscores: np.ndarray,
                              heatmaps: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Keypoint and instance scores from B1 (see "Heatmap rescoring" in the class doc;
        :func:`~projects.semimultipose.codecs.utils.rescore_with_heatmaps` with ``rescore``).

        Args:
            kpts (np.ndarray): ``(N, K, 2)`` keypoints in input pixels.
            kscores (np.ndarray): ``(N, K)`` keypoint scores from the grouping (box
                confidences ``v_k``).
            heatmaps (np.ndarray): ``(K, fH, fW)`` sigmoid(heatmaps) on B1's grid, in [0, 1].

        Returns:
            tuple: keypoint scores ``(N, K)`` and instance scores ``(N,)`` (their mean), float32.
            A position outside the map reads the nearest border cell.
        """
        return rescore_with_heatmaps(kpts, kscores, heatmaps, self.keypoint_stride,
                                     self.rescore)


__all__ = ['DirectPoseLabel', 'dark_taylor_step']
