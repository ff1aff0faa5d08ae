"""Mixed-precision training on CPU, as an MMEngine optimizer wrapper."""
from contextlib import contextmanager
from typing import Union

import torch
import torch.nn as nn
from mmengine.optim import OptimWrapper

from mmpose.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class CPUAmpOptimWrapper(OptimWrapper):
    """MMEngine's ``OptimWrapper`` whose forward pass runs under CPU autocast in bfloat16.

    MMEngine's ``AmpOptimWrapper`` (its twin) refuses to start without a GPU, NPU or MLU. On a
    CPU with native bfloat16 instructions (``avx512_bf16``, AMX) oneDNN runs the convolutions
    and matrix products of :func:`torch.autocast` ``('cpu', torch.bfloat16)`` faster than in
    float32, while the parameters, their gradients and the optimizer state stay float32 (mixed
    precision). bfloat16 keeps float32's exponent range, so no loss scaling is needed and none
    is done; its 8-bit significand rounds each autocast op's output to about 0.4 %. Only the
    training forward pass is cast: validation and testing run in float32 (MMEngine's loops
    autocast only with ``fp16=True``), so predictions are unchanged. Losses should be computed
    on float32 tensors (PoseBridge's DirectPose head returns float32 outputs).

    With ``channels_last=True`` the model's 4-D parameters are moved to the channels-last
    memory format on the first step (oneDNN's native layout; convolutions then return
    channels-last outputs), which PyTorch's CPU performance guide recommends with bfloat16.
    The model stays in that format after training, so a validation in the same run runs
    channels-last (faster here; the values are the same up to rounding); a model loaded from
    its checkpoint for testing does not, unless the model itself has such an option
    (``SemiMultiPoseEstimator(channels_last=True)``).

    Config::

        optim_wrapper = dict(type='CPUAmpOptimWrapper', channels_last=True,
                             optimizer=dict(type='AdamW', lr=2e-3))

    Args:
        dtype (str | torch.dtype): the autocast type, ``'bfloat16'``; ``'float32'`` turns
            autocast off (a float32 run of a config that sets this wrapper:
            ``--cfg-options optim_wrapper.dtype=float32 optim_wrapper.channels_last=False``).
        channels_last (bool): move the model to channels-last memory format at the first step.
        **kwargs: :class:`mmengine.optim.OptimWrapper`'s arguments (``optimizer``,
            ``clip_grad``, ``accumulative_counts``).

    Raises:
        ValueError: a ``dtype`` other than bfloat16 or float32 (float16 on CPU would need loss
            scaling).
    """

    def __init__(self, dtype: Union[str, torch.dtype] = 'bfloat16', channels_last: bool = False,
                 **kwargs) -> None:
        cast = getattr(torch, dtype, None) if isinstance(dtype, str) else dtype
        if cast not in (torch.bfloat16, torch.float32):
            raise ValueError(f"CPUAmpOptimWrapper: dtype must be 'bfloat16' or 'float32' "
                             f'(autocast off), got {dtype!r} (float16 would need loss '
                             'scaling; use MMEngine AmpOptimWrapper on a GPU)')
        super().__init__(**kwargs)
        self.cast_dtype = cast
        self.channels_last = channels_last
        self._formatted = set()

    @contextmanager
    def optim_context(self, model: nn.Module):
        """MMEngine's context (gradient accumulation) plus bfloat16 autocast on CPU.

        Args:
            model (nn.Module): the training model (or its wrapper).
        """
        if self.channels_last and id(model) not in self._formatted:
            model.to(memory_format=torch.channels_last)
            self._formatted.add(id(model))
        with super().optim_context(model), torch.autocast(
                device_type='cpu', dtype=torch.bfloat16,
                enabled=self.cast_dtype is torch.bfloat16):
            yield
