"""A bottom-up estimator whose batches mix labeled and unlabeled frames."""
from typing import Dict

import torch
from torch import Tensor

from mmpose.models.pose_estimators import BottomupPoseEstimator
from mmpose.registry import MODELS
from mmpose.utils.typing import SampleList


def is_labeled(data_sample) -> bool:
    """A sample is labeled when the pipeline encoded targets for it (``gt_fields.heatmaps``)."""
    return 'gt_fields' in data_sample and 'heatmaps' in data_sample.gt_fields


@MODELS.register_module()
class SemiMultiPoseEstimator(BottomupPoseEstimator):
    """MMPose's ``BottomupPoseEstimator`` for SemiMultiPose's two data streams.

    One forward pass of the backbone and neck covers the whole batch; the head's supervised
    loss (and ``alpha * L_fl``) reads the labeled samples, its ``unlabeled_loss``
    (``beta * L_fu``) the unlabeled ones, i.e. the samples whose pipeline had no
    ``GenerateTarget`` step. Prediction is the parent's.
    """

    def loss(self, inputs: Tensor, data_samples: SampleList) -> Dict[str, Tensor]:
        labeled = [i for i, d in enumerate(data_samples) if is_labeled(d)]
        unlabeled = [i for i, d in enumerate(data_samples) if not is_labeled(d)]
        if unlabeled and getattr(self.head, 'beta', 0) <= 0:
            if not labeled:
                raise ValueError('a training batch holds only unlabeled frames while beta = 0; '
                                 'give the sampler a source_ratio with labeled frames in '
                                 'every batch')
            inputs = inputs[labeled]  # beta = 0: unlabeled frames contribute nothing
            data_samples = [data_samples[i] for i in labeled]
            labeled, unlabeled = list(range(len(labeled))), []
        feats = self.extract_feat(inputs)

        def take(idx):
            index = torch.as_tensor(idx, device=inputs.device)
            return tuple(f.index_select(0, index) for f in feats)

        losses = {}
        if labeled:
            losses.update(self.head.loss(take(labeled), [data_samples[i] for i in labeled],
                                         train_cfg=self.train_cfg))
        if unlabeled:
            losses.update(self.head.unlabeled_loss(take(unlabeled)))
        return losses
