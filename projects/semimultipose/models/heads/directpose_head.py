"""The one-stage multi-animal head of DirectPose / SemiMultiPose: branches B1, B2 and B3."""
import math
from typing import Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.structures import InstanceData, PixelData
from torch import Tensor

from mmpose.models.heads.base_head import BaseHead
from mmpose.registry import KEYPOINT_CODECS, MODELS
from mmpose.utils.typing import (ConfigType, Features, OptConfigType, OptSampleList,
                                 Predictions)


class KeypointAlignment(nn.Module):
    """DirectPose's keypoint alignment module (Tian et al. 2019, section 3.2), for B3.

    A first step regresses coarse offsets ``D0`` (``2K`` channels); a 1x1 convolution turns them
    into the sampling offsets of a 3x3 deformable convolution (``mmcv.ops.DeformConv2d``, Dai et
    al. 2017) on the branch features, so that the second step reads features where the coarse
    keypoints fall; a 3x3 convolution on those features predicts a correction ``dD`` and
    ``D = D0 + dD``.

    Args:
        channels (int): feature channels of the branch.
        num_keypoints (int): K.

    Shapes: ``forward(feat (N, C, H, W)) -> (N, 2K, H, W)``.
    """

    def __init__(self, channels: int, num_keypoints: int) -> None:
        super().__init__()
        from mmcv.ops import DeformConv2d
        self.coarse = nn.Conv2d(channels, 2 * num_keypoints, 3, padding=1)
        self.to_sampling = nn.Conv2d(2 * num_keypoints, 2 * 3 * 3, 1)
        self.deform = DeformConv2d(channels, channels, 3, padding=1)
        self.refine = nn.Conv2d(channels, 2 * num_keypoints, 3, padding=1)
        nn.init.zeros_(self.to_sampling.weight)
        nn.init.zeros_(self.to_sampling.bias)
        nn.init.zeros_(self.refine.weight)
        nn.init.zeros_(self.refine.bias)

    def forward(self, feat: Tensor) -> Tensor:
        coarse = self.coarse(feat)
        sampled = torch.relu(self.deform(feat, self.to_sampling(coarse)))
        return coarse + self.refine(sampled)


@MODELS.register_module()
class DirectPoseHead(BaseHead):
    """Head with three branches: B1 ``heatmaps`` (keypoint heatmaps), B2 ``box_heatmaps`` (box
    heatmaps, one per keypoint type) and B3 ``offsets`` (offset fields); the paper's A, B and D.

    Blau et al., SemiMultiPose, section 3.2: all three branches read one feature map (one FPN
    level, ``in_index``) and share its ``H x W`` grid. Each branch is a tower of ``num_convs``
    3x3 conv + norm + ReLU layers followed by a 3x3 prediction layer: ``K`` logits for B1 and B2,
    ``2K`` offsets for B3 (optionally through :class:`KeypointAlignment`). Training minimises
    eq. 7, ``L_a + L_b + L_d`` (eqs. 3, 5, 6) against the targets of
    :class:`~projects.semimultipose.codecs.DirectPoseLabel`; prediction decodes
    sigmoid(box_heatmaps) and offsets with that codec.

    Args:
        in_channels (int): channels of the selected feature map.
        num_keypoints (int): K.
        feat_channels (int): tower width.
        num_convs (int): tower depth.
        in_index (int): which element of the neck's outputs to use.
        norm_cfg (dict): normalisation in the towers.
        use_alignment (bool): use DirectPose's keypoint alignment module in B3.
        prior_prob (float): initial sigmoid output of B1 and B2 (RetinaNet's prior, 0.01).
        loss_keypoint, loss_box, loss_offset (dict): losses of eqs. 3, 5 and 6.
        decoder (dict): the codec config (also used for ``encode`` by the data pipeline).
        init_cfg (dict, optional): MMEngine initialisation.

    When the codec's ``keypoint_heatmap_scale`` is ``f > 1`` (an option of the CPU recipe, not
    in the paper), B1's prediction layer gives ``f^2 K`` channels that ``nn.PixelShuffle(f)``
    rearranges into ``K`` maps on a grid ``f`` times finer (sub-pixel convolution, Shi et al.
    2016, "Real-Time Single Image and Video Super-Resolution Using an Efficient Sub-Pixel
    Convolutional Neural Network"): finer keypoint heatmaps for about ``f^2`` times the cost of
    B1's last layer only.

    Shapes: ``forward(feats) -> (heatmaps (N, K, fH, fW), box_heatmaps (N, K, H, W), offsets
    (N, 2K, H, W))``; heatmaps and box_heatmaps are logits, offsets are in heatmap cells /
    ``offset_scale``, channels ``(x_0, y_0, x_1, ...)``. The same three names are used by the
    codec, the losses and the docs (glossary).
    """

    #: the layers whose output (or input) channels are per keypoint, for cross-skeleton
    #: transfer (``projects.core.models.transfer``): parameter prefix -> (axis of the keypoint
    #: channels, channels per keypoint). B1 and B2 give K logits, B3 2K offsets ((x, y) per
    #: keypoint), and the keypoint alignment module's layers read or write those 2K channels.
    per_keypoint_layers = {'keypoint_logits': (0, 1), 'box_logits': (0, 1), 'offsets': (0, 2),
                           'offsets.coarse': (0, 2), 'offsets.refine': (0, 2),
                           'offsets.to_sampling': (1, 2)}

    def __init__(self,
                 in_channels: int,
                 num_keypoints: int,
                 feat_channels: int = 128,
                 num_convs: int = 2,
                 in_index: int = 0,
                 norm_cfg: ConfigType = dict(type='GN', num_groups=16),
                 use_alignment: bool = False,
                 prior_prob: float = 0.01,
                 loss_keypoint: ConfigType = dict(type='DirectPoseFocalLoss'),
                 loss_box: ConfigType = dict(type='DirectPoseFocalLoss'),
                 loss_offset: ConfigType = dict(type='mmdet.MSELoss', loss_weight=1.0),
                 decoder: OptConfigType = None,
                 init_cfg: OptConfigType = None) -> None:
        if init_cfg is None:
            init_cfg = [dict(type='Normal', layer=['Conv2d'], std=0.01)]
        super().__init__(init_cfg)
        self.in_channels = in_channels
        self.num_keypoints = num_keypoints
        self.in_index = in_index
        self.prior_prob = prior_prob

        def tower():
            layers, c = [], in_channels
            for _ in range(num_convs):
                layers.append(ConvModule(c, feat_channels, 3, padding=1, norm_cfg=norm_cfg))
                c = feat_channels
            return nn.Sequential(*layers)

        self.decoder = KEYPOINT_CODECS.build(decoder) if decoder is not None else None
        f = self.keypoint_heatmap_scale = int(getattr(self.decoder, 'keypoint_heatmap_scale', 1))
        self.keypoint_tower = tower()
        self.box_tower = tower()
        self.offset_tower = tower()
        c = feat_channels if num_convs > 0 else in_channels
        self.keypoint_logits = nn.Conv2d(c, num_keypoints * f * f, 3, padding=1)
        # PixelShuffle's channel order keeps each keypoint's f*f sub-pixel channels together
        self.keypoint_upsample = nn.PixelShuffle(f) if f > 1 else nn.Identity()
        if f > 1:
            self.per_keypoint_layers = dict(type(self).per_keypoint_layers,
                                            keypoint_logits=(0, f * f))
        self.box_logits = nn.Conv2d(c, num_keypoints, 3, padding=1)
        self.use_alignment = use_alignment
        if use_alignment:
            self.offsets = KeypointAlignment(c, num_keypoints)
        else:
            self.offsets = nn.Conv2d(c, 2 * num_keypoints, 3, padding=1)

        self.loss_keypoint = MODELS.build(loss_keypoint)
        self.loss_box = MODELS.build(loss_box)
        self.loss_offset = MODELS.build(loss_offset)

    def init_weights(self) -> None:
        super().init_weights()
        bias = -math.log((1 - self.prior_prob) / self.prior_prob)
        nn.init.constant_(self.keypoint_logits.bias, bias)
        nn.init.constant_(self.box_logits.bias, bias)

    def forward(self, feats: Sequence[Tensor]) -> Tuple[Tensor, Tensor, Tensor]:
        """Return ``(heatmaps, box_heatmaps, offsets)`` for the feature map ``feats[in_index]`` (see class docstring),
        in float32 also under autocast."""
        x = feats[self.in_index] if isinstance(feats, (list, tuple)) else feats
        heatmaps = self.keypoint_upsample(self.keypoint_logits(self.keypoint_tower(x)))
        box_heatmaps = self.box_logits(self.box_tower(x))
        offsets = self.offsets(self.offset_tower(x))
        # float32 outputs under mixed precision (CPUAmpOptimWrapper's bfloat16 autocast), so
        # that the losses and the pseudo keypoints are computed in float32; a no-op otherwise
        return heatmaps.float(), box_heatmaps.float(), offsets.float()

    @staticmethod
    def stack_targets(batch_data_samples: Sequence, key: str) -> Tensor:
        """``(N, C, H, W)`` stack of ``gt_fields.<key>`` of a batch."""
        return torch.stack([d.gt_fields.get(key) for d in batch_data_samples])

    def supervised_losses(self, outputs: Tuple[Tensor, Tensor, Tensor],
                          targets: Tuple[Tensor, Tensor, Tensor]) -> dict:
        """Eqs. 3, 5 and 6 for outputs ``(heatmaps, box_heatmaps, offsets)`` and targets ``(G, U, P)``; G may come
        packed space-to-depth (see the codec's ``keypoint_heatmap_scale``)."""
        heatmaps, box_heatmaps, offsets = outputs
        g, u, p = targets
        if self.keypoint_heatmap_scale > 1:  # the codec packs G space-to-depth
            g = nn.functional.pixel_shuffle(g, self.keypoint_heatmap_scale)
        if heatmaps.shape != g.shape:
            raise ValueError(f'{type(self).__name__}: output {tuple(heatmaps.shape)} and target '
                             f'{tuple(g.shape)} grids differ; check the codec heatmap_size '
                             'against the input size and the stride of feature in_index')
        mask = u.repeat_interleave(2, dim=1)
        return dict(
            loss_kpt=self.loss_keypoint(heatmaps, g),
            loss_box=self.loss_box(box_heatmaps, u),
            loss_offset=self.loss_offset(offsets, p, weight=mask,
                                         avg_factor=mask.sum().clamp(min=1.0)))

    def loss(self, feats: Features, batch_data_samples: OptSampleList,
             train_cfg: ConfigType = {}) -> dict:
        """The supervised DirectPose loss (eq. 7), as three logged terms, plus
        :meth:`labeled_extra_losses` (none here)."""
        outputs = self.forward(feats)
        targets = tuple(self.stack_targets(batch_data_samples, k)
                        for k in ('heatmaps', 'box_heatmaps', 'offsets'))
        losses = self.supervised_losses(outputs, targets)
        losses.update(self.labeled_extra_losses(outputs))
        return losses

    def labeled_extra_losses(self, outputs: Tuple[Tensor, Tensor, Tensor]) -> dict:
        """Further loss terms on labeled frames from the outputs ``(heatmaps, box_heatmaps, offsets)``; none here."""
        return {}

    def _decode(self, feats: Features, keep_heatmaps: bool):
        """Forward and decode a batch: ``[(keypoints, keypoint scores, scores)]`` per image
        and sigmoid(heatmaps) (``None`` unless the decoder reads it or ``keep_heatmaps``)."""
        heatmaps, box_heatmaps, offsets = self.forward(feats)
        box_probs = torch.sigmoid(box_heatmaps).detach().cpu().numpy()
        offsets = offsets.detach().cpu().numpy()
        # sigmoid(heatmaps) is computed once, only when the codec's optional heatmap refinement or
        # rescoring reads it or the caller asks for the heatmaps
        reads_b1 = getattr(self.decoder, 'reads_heatmaps', False)
        b1 = torch.sigmoid(heatmaps).detach() if reads_b1 or keep_heatmaps else None
        kpt_probs = b1.cpu().numpy() if reads_b1 else [None] * len(box_probs)
        return [self.decoder.decode_with_scores(box_probs[i], offsets[i], kpt_probs[i])
                for i in range(box_probs.shape[0])], b1

    def predict(self, feats: Features, batch_data_samples: OptSampleList,
                test_cfg: ConfigType = {}) -> Predictions:
        """Decode instances per image, in model-input pixels.

        With ``test_cfg.flip_test`` (MMPose's ``BottomupPoseEstimator`` then passes the
        features of the input and of its horizontal flip), both passes are decoded and the
        flipped pass's instances, mapped back with the samples' ``flip_indices``, are averaged
        into the matching instances of the first
        (:func:`~projects.semimultipose.codecs.utils.fuse_flipped`).

        Returns:
            list[InstanceData] with ``keypoints (N, K, 2)``, ``keypoint_scores (N, K)``,
            ``bbox_scores (N,)`` and ``bboxes (N, 4)`` (xyxy around the keypoints); and, with
            ``test_cfg.output_heatmaps``, a list of PixelData with ``heatmaps`` sigmoid(heatmaps) (of
            the unflipped pass).

        Raises:
            NotImplementedError: for multi-scale testing.
            RuntimeError: no decoder.
            KeyError: flip testing without ``flip_indices`` in the samples' metainfo.
        """
        if test_cfg.get('multiscale_test', False):
            raise NotImplementedError(f'{type(self).__name__} has no multi-scale test')
        if self.decoder is None:
            raise RuntimeError(f'{type(self).__name__} needs a decoder (codec) to predict')
        flip = test_cfg.get('flip_test', False)
        if flip:
            feats, feats_flip = feats
        decoded, b1 = self._decode(feats, test_cfg.get('output_heatmaps', False))
        if flip:
            if 'flip_indices' not in batch_data_samples[0].metainfo:
                raise KeyError('flip_test needs flip_indices in the data samples (the '
                               "dataset's flip pairs; PackPoseInputs' meta_keys)")
            from ...codecs.utils import fuse_flipped
            flipped, _ = self._decode(feats_flip, False)
            decoded = [fuse_flipped(d, f, d_s.metainfo['flip_indices'],
                                    self.decoder.input_size[0], self.decoder.nms_stddev,
                                    self.decoder.min_area)
                       for d, f, d_s in zip(decoded, flipped, batch_data_samples)]
        preds = []
        for kpts, kscores, scores in decoded:
            bboxes = np.concatenate([kpts.min(1), kpts.max(1)], axis=1) if len(kpts) else \
                np.zeros((0, 4), np.float32)
            preds.append(InstanceData(keypoints=kpts, keypoint_scores=kscores,
                                      bbox_scores=scores, bboxes=bboxes))
        if test_cfg.get('output_heatmaps', False):
            fields = [PixelData(heatmaps=h) for h in b1]
            return preds, fields
        return preds
