"""Targets and decoding of DirectPose as SemiMultiPose uses it (Blau et al., section 3.2)."""
from typing import Optional, Tuple

import numpy as np

from mmpose.codecs.base import BaseKeypointCodec
from mmpose.codecs.utils import gaussian_blur, generate_unbiased_gaussian_heatmaps
from mmpose.registry import KEYPOINT_CODECS

from projects.core.evaluation.functional import compute_oks, keypoint_bbox_area


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
    ``sigmoid(A)`` given to :meth:`decode`, each regressed keypoint moves to the nearest peak of
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
    keypoint's score becomes B1's ``sigmoid(A)`` read at its final position (bilinear, on B1's
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
        refine_thr (float): a B1 peak must exceed this ``sigmoid(A)`` to be snapped to.
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
    def candidates(self, box_probs: np.ndarray,
                   offsets: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Candidate instances read at every location where ``max_k U_k > score_thr``.

        Args:
            box_probs (np.ndarray): ``(K, H, W)`` box confidences sigmoid(B) (or U).
            offsets (np.ndarray): ``(2K, H, W)`` offsets D (or P).

        Returns:
            tuple: keypoints ``(C, K, 2)`` in input pixels and confidences ``(C, K)``.
        """
        k, h, w = box_probs.shape
        offsets = offsets.reshape(k, 2, h, w)
        loc = np.flatnonzero(box_probs.max(0) > self.score_thr)
        if loc.size > self.max_candidates:
            mean = box_probs.reshape(k, -1)[:, loc].mean(0)
            loc = loc[np.argsort(-mean, kind='stable')[:self.max_candidates]]
        iy, ix = np.divmod(loc, w)
        d = offsets.reshape(k, 2, -1)[:, :, loc] * self.offset_scale  # (K, 2, C)
        kpts = np.stack([d[:, 0] + ix, d[:, 1] + iy], axis=-1)  # (K, C, 2) heatmap coords
        kpts = kpts.transpose(1, 0, 2) * self.stride
        conf = box_probs.reshape(k, -1)[:, loc].T
        return kpts.astype(np.float32), conf.astype(np.float32)

    def group(self, kpts: np.ndarray, conf: np.ndarray) -> Tuple[np.ndarray, np.ndarray,
                                                                 np.ndarray]:
        """Group candidate instances by OKS and pool each group (see the class docstring).

        Args:
            kpts (np.ndarray): ``(C, K, 2)`` candidate keypoints in input pixels.
            conf (np.ndarray): ``(C, K)`` candidate keypoint confidences.

        Returns:
            tuple: keypoints ``(N, K, 2)``, keypoint scores ``(N, K)``, instance scores ``(N,)``
            (``N = 0`` when no candidate reaches ``instance_thr``).
        """
        k = conf.shape[1] if conf.ndim == 2 else 0
        empty = (np.zeros((0, k, 2), np.float32), np.zeros((0, k), np.float32),
                 np.zeros((0,), np.float32))
        if len(kpts) == 0:
            return empty
        score = conf.mean(1)
        order = np.argsort(-score, kind='stable')
        kpts, conf, score = kpts[order], conf[order], score[order]
        alive = np.ones(len(kpts), dtype=bool)
        out_k, out_s, out_i = [], [], []
        for c in range(len(kpts)):
            if not alive[c]:
                continue
            if self.instance_thr is not None and score[c] < self.instance_thr:
                break  # scores are sorted: every later candidate is below the threshold too
            ref = np.where((conf[c] > self.score_thr)[:, None], kpts[c], np.nan)
            if np.isnan(ref).all():
                ref = kpts[c].copy()
            rest = np.flatnonzero(alive)
            area = float(np.nan_to_num(keypoint_bbox_area(ref)[0]))
            area = max(area, self.min_area)
            oks = compute_oks(ref[None], kpts[rest], scale=area, stddev=self.nms_stddev)[0]
            members = rest[oks > self.nms_thr]
            if c not in members:
                members = np.append(members, c)
            alive[members] = False
            wgt = conf[members]  # (G, K)
            if self.pool_power != 1.0:
                wgt = wgt.astype(np.float64) ** self.pool_power
            norm = wgt.sum(0)
            pooled = np.where(
                norm[:, None] > 0,
                (wgt[..., None] * kpts[members]).sum(0) / np.maximum(norm, 1e-12)[:, None],
                kpts[c])
            out_k.append(pooled)
            out_s.append(conf[members].max(0))
            out_i.append(score[c])
            if len(out_k) >= self.max_instances:
                break
        if not out_k:
            return empty
        return (np.stack(out_k).astype(np.float32), np.stack(out_s).astype(np.float32),
                np.asarray(out_i, dtype=np.float32))

    def heatmap_peaks(self, heatmaps: np.ndarray) -> list:
        """Local maxima of each B1 map with their sub-cell positions.

        A peak is a cell whose value exceeds ``refine_thr`` and equals the maximum of its 3x3
        neighbourhood (``scipy.ndimage.maximum_filter``; all cells of a plateau count). Its
        position is the value-weighted centroid of that 3x3 neighbourhood (a soft-argmax over
        the window), e.g. values 1.0 at column 7 and 0.5 at column 8 of one row give
        ``x = (7 * 1.0 + 8 * 0.5) / 1.5 = 7.333`` cells.

        With ``subcell='dark'`` the position is instead the peak cell moved by DARK's Taylor
        step on the (``dark_kernel``-blurred) log map, ``-H^-1 grad`` (Zhang et al. 2020, eq. 4;
        MMPose's ``refine_keypoints_dark``), which is exact for an unblurred sampled Gaussian
        (a quadratic in the log domain) and close to it after the blur: e.g.
        ``exp(-((x - 7.3)^2 + (y - 4.6)^2) / 2)`` peaks at cell (7, 5) and reads about
        ``(7.3, 4.6)``.

        Args:
            heatmaps (np.ndarray): ``(K, H1, W1)`` sigmoid(A) in [0, 1] (B1's grid).

        Returns:
            list: per keypoint type, ``(P_k, 2)`` float32 peak positions ``(x, y)`` in B1
            cells.
        """
        from scipy.ndimage import maximum_filter
        heatmaps = np.asarray(heatmaps, dtype=np.float32)
        k, h, w = heatmaps.shape
        peak = (heatmaps == maximum_filter(heatmaps, size=(1, 3, 3), mode='constant',
                                           cval=-np.inf)) & (heatmaps > self.refine_thr)
        padded = np.pad(heatmaps, ((0, 0), (1, 1), (1, 1)))
        d = np.arange(-1, 2, dtype=np.float32)
        out = []
        if self.subcell == 'dark':
            kk, iy, ix = np.nonzero(peak)
            xy = dark_taylor_step(heatmaps, kk, np.stack([ix, iy], axis=1), self.dark_kernel)
            return [xy[kk == j] for j in range(k)]
        for j in range(k):
            iy, ix = np.nonzero(peak[j])
            # (P, 3, 3) windows around each peak (padded map: index + 1 - 1 = index)
            win = np.stack([padded[j, y:y + 3, x:x + 3] for y, x in zip(iy, ix)]) \
                if len(iy) else np.zeros((0, 3, 3), np.float32)
            norm = win.sum((1, 2))
            cx = ix + (win.sum(1) * d).sum(1) / norm
            cy = iy + (win.sum(2) * d).sum(1) / norm
            out.append(np.stack([cx, cy], axis=1).astype(np.float32))
        return out

    def refine(self, kpts: np.ndarray, heatmaps: np.ndarray) -> np.ndarray:
        """Move each keypoint to the nearest B1 peak of its type within ``refine_radius``.

        Args:
            kpts (np.ndarray): ``(N, K, 2)`` keypoints in input pixels (from :meth:`group`).
            heatmaps (np.ndarray): ``(K, fH, fW)`` sigmoid(A) on B1's grid.

        Returns:
            np.ndarray: ``(N, K, 2)`` keypoints in input pixels; a keypoint without a peak
            within the radius (in B1 cells) keeps its regressed position.
        """
        out = np.array(kpts, dtype=np.float32, copy=True)
        if self.refine_radius is None or len(out) == 0:
            return out
        cells = out / self.keypoint_stride
        for j, peaks in enumerate(self.heatmap_peaks(heatmaps)):
            if len(peaks) == 0:
                continue
            dist = np.linalg.norm(cells[:, j, None, :] - peaks[None], axis=-1)  # (N, P)
            nearest = dist.argmin(1)
            snap = dist[np.arange(len(out)), nearest] <= self.refine_radius
            out[snap, j] = peaks[nearest[snap]] * self.keypoint_stride
        return out

    def decode(self, box_probs: np.ndarray, offsets: np.ndarray,
               heatmaps: Optional[np.ndarray] = None) -> Tuple[np.ndarray, np.ndarray]:
        """Decode one image's B2 confidences and B3 offsets into instances.

        Args:
            box_probs (np.ndarray): ``(K, H, W)`` sigmoid(B) in [0, 1].
            offsets (np.ndarray): ``(2K, H, W)`` offsets D.
            heatmaps (np.ndarray, optional): ``(K, fH, fW)`` sigmoid(A), used only by the
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
                             'B1 heatmaps sigmoid(A)')
        if self.refine_radius is not None:
            kpts = self.refine(kpts, heatmaps)
        if self.rescore is not None and len(kpts):
            kscores, scores = self.rescore_with_heatmaps(kpts, kscores, heatmaps)
            order = np.argsort(-scores, kind='stable')
            kpts, kscores, scores = kpts[order], kscores[order], scores[order]
        return kpts, kscores, scores

    @property
    def reads_heatmaps(self) -> bool:
        """Whether decoding reads B1's sigmoid(A): the refinement or the rescoring is on."""
        return self.refine_radius is not None or self.rescore is not None

    def rescore_with_heatmaps(self, kpts: np.ndarray, kscores: np.ndarray,
                              heatmaps: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Keypoint and instance scores from B1 (see "Heatmap rescoring" in the class doc).

        Args:
            kpts (np.ndarray): ``(N, K, 2)`` keypoints in input pixels.
            kscores (np.ndarray): ``(N, K)`` keypoint scores from the grouping (box
                confidences ``v_k``).
            heatmaps (np.ndarray): ``(K, fH, fW)`` sigmoid(A) on B1's grid, in [0, 1].

        Returns:
            tuple: keypoint scores ``(N, K)`` and instance scores ``(N,)`` (their mean), float32.
            A position outside the map reads the nearest border cell.
        """
        from scipy.ndimage import map_coordinates
        heatmaps = np.asarray(heatmaps, dtype=np.float32)
        cells = np.asarray(kpts, dtype=np.float32) / self.keypoint_stride  # (N, K, 2) x, y
        h = np.stack([
            map_coordinates(heatmaps[j], [cells[:, j, 1], cells[:, j, 0]], order=1,
                            mode='nearest') for j in range(heatmaps.shape[0])], axis=1)
        h = np.clip(h, 0.0, 1.0)
        if self.rescore == 'geometric':
            h = np.sqrt(h * np.clip(kscores, 0.0, 1.0))
        h = h.astype(np.float32)
        return h, h.mean(1)



def dark_taylor_step(heatmaps: np.ndarray, kpt: np.ndarray, cells: np.ndarray,
                     blur_kernel_size: int) -> np.ndarray:
    """DARK's sub-pixel step for many peaks at once (Zhang et al. 2020, "Distribution-Aware
    Coordinate Representation for Human Pose Estimation", eqs. 2-4).

    The same computation as MMPose's ``refine_keypoints_dark`` (its Gaussian modulation
    ``gaussian_blur``, the log with a 1e-10 floor, the same finite differences, the step
    ``-H^-1 grad`` where the Hessian is invertible, and no step within 2 cells of the border),
    vectorised over the peaks: MMPose's loops in Python over every (instance, keypoint) pair,
    which cost about a sixth of a hive frame's decoding time at 100 peaks per type.

    Args:
        heatmaps (np.ndarray): ``(K, H, W)`` maps (not modified).
        kpt (np.ndarray): ``(P,)`` int, the map of each peak.
        cells (np.ndarray): ``(P, 2)`` int, the peak cells ``(x, y)``.
        blur_kernel_size (int): odd kernel of the Gaussian modulation.

    Returns:
        np.ndarray: ``(P, 2)`` float32 sub-cell positions ``(x, y)`` in cells.
    """
    cells = np.asarray(cells).reshape(-1, 2)
    out = cells.astype(np.float32)
    if len(cells) == 0:
        return out
    _, h, w = heatmaps.shape
    logh = gaussian_blur(np.array(heatmaps, dtype=np.float32, copy=True), blur_kernel_size)
    np.maximum(logh, 1e-10, logh)
    np.log(logh, logh)
    x, y = cells[:, 0].astype(int), cells[:, 1].astype(int)
    inside = (x > 1) & (x < w - 2) & (y > 1) & (y < h - 2)
    k, x, y = np.asarray(kpt)[inside], x[inside], y[inside]

    def at(dy, dx):
        return logh[k, y + dy, x + dx]

    dx = 0.5 * (at(0, 1) - at(0, -1))
    dy = 0.5 * (at(1, 0) - at(-1, 0))
    dxx = 0.25 * (at(0, 2) - 2 * at(0, 0) + at(0, -2))
    dxy = 0.25 * (at(1, 1) - at(-1, 1) - at(1, -1) + at(-1, -1))
    dyy = 0.25 * (at(2, 0) - 2 * at(0, 0) + at(-2, 0))
    det = dxx * dyy - dxy ** 2
    ok = det != 0
    safe = np.where(ok, det, 1.0)
    step = np.stack([-(dyy * dx - dxy * dy) / safe, -(-dxy * dx + dxx * dy) / safe], axis=1)
    step[~ok] = 0.0
    out[inside] += step.astype(np.float32)
    return out
