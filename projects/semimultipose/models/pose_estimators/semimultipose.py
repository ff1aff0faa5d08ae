"""A bottom-up estimator whose batches mix labeled and unlabeled frames."""
from typing import Dict, Tuple

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

    With ``channels_last=True`` (a PoseBridge option, off by default and in the paper's
    configs) the backbone, neck and head run in channels-last memory format (NHWC, oneDNN's
    native layout on CPU) in every mode, training, validation, testing and prediction: on the
    first forward pass the 4-D parameters are moved to that format (in place: the optimizer's
    Parameter objects are kept) and every input batch is made channels-last. The values are
    the same up to float rounding of a different convolution algorithm; what it gains on a CPU
    is measured in the speed page of the documentation.
    :class:`projects.core.engine.CPUAmpOptimWrapper`'s ``channels_last`` does the same for
    training only, for any model.

    Args:
        channels_last (bool): run the network in channels-last memory format.
        *args, **kwargs: :class:`mmpose.models.BottomupPoseEstimator`'s arguments.
    """

    def __init__(self, *args, channels_last: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.channels_last = channels_last

    def extract_feat(self, inputs: Tensor) -> Tuple[Tensor]:
        """Backbone and neck features of a batch.

        Args:
            inputs (Tensor): images, shape (N, C, H, W), as the data preprocessor left them.

        Returns:
            tuple[Tensor]: the neck's feature maps, each (N, C_i, H_i, W_i) (channels-last
            strides with ``channels_last``).
        """
        if self.channels_last:
            first = next((p for p in self.parameters() if p.dim() == 4), None)
            if first is not None and not first.is_contiguous(memory_format=torch.channels_last):
                # the first call, or .to(memory_format=torch.contiguous_format) moved the
                # model back: (re)format every 4-D parameter and buffer in place
                self.to(memory_format=torch.channels_last)
            inputs = inputs.contiguous(memory_format=torch.channels_last)
        return super().extract_feat(inputs)

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
