"""Run a model's network with ONNX Runtime instead of PyTorch, for prediction on CPU.

:func:`use_onnxruntime` exports the network of an MMPose model (backbone, neck and the head's
forward pass: everything between the data preprocessor and the head's decoding) with
``torch.onnx.export`` into memory, opens it in an ONNX Runtime session, and makes the model run
that session where it ran its network. The data preprocessor, the head's decoding (grouping,
refinement, rescoring) and everything around them stay MMPose's and PoseBridge's Python code, so
:func:`~projects.core.apis.predict_source`, ``tools/predict.py`` and the tests read the same
records from either backend. Nothing is written to disk.
"""
import io
from typing import Optional, Sequence, Tuple

import numpy as np
import torch
from torch import nn


class _Network(nn.Module):
    """The part exported: MMPose's ``model(inputs, mode='tensor')`` (its ``_forward``:
    ``head.forward(extract_feat(inputs))``), as a tuple."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, inputs: torch.Tensor):
        out = self.model(inputs, None, mode='tensor')
        return tuple(out) if isinstance(out, (tuple, list)) else (out, )


class OnnxNetwork:
    """An ONNX Runtime session of a model's network.

    Args:
        model (nn.Module): an MMPose pose estimator with a head (``init_model``'s output), in
            eval mode; its weights are read once, when this is made.
        input_shape (sequence of int): ``(C, H, W)`` of the exported example input (the batch,
            height and width stay dynamic).
        threads (int, optional): ONNX Runtime's intra-op threads (default: torch's
            ``get_num_threads()``, which ``OMP_NUM_THREADS`` sets).
        opset (int): the ONNX opset.

    Raises:
        ImportError: ``onnxruntime`` is not installed (the message says how to install it).
        RuntimeError: the network cannot be exported (an operator ONNX lacks).
    """

    def __init__(self, model: nn.Module, input_shape: Sequence[int] = (3, 384, 640),
                 threads: Optional[int] = None, opset: int = 17) -> None:
        try:
            import onnxruntime as ort
        except ImportError as e:  # pragma: no cover - installed by requirements/runtime.txt
            raise ImportError('the onnxruntime backend needs the onnxruntime package '
                              '(pip install -r requirements/runtime.txt)') from e
        net = _Network(model).eval()
        example = torch.zeros(1, *input_shape)
        with torch.no_grad():
            self.num_outputs = len(net(example))
        names = [f'out{i}' for i in range(self.num_outputs)]
        buf = io.BytesIO()
        try:
            with torch.no_grad():
                torch.onnx.export(net, (example, ), buf, input_names=['inputs'],
                                  output_names=names, opset_version=opset, dynamo=False,
                                  dynamic_axes={'inputs': {0: 'batch', 2: 'height',
                                                           3: 'width'}})
        except Exception as e:  # noqa: BLE001 - the exporter's errors do not name the model
            raise RuntimeError(f'{type(model).__name__}: its network cannot be exported to '
                               f'ONNX ({e})') from e
        options = ort.SessionOptions()
        options.intra_op_num_threads = int(threads or torch.get_num_threads())
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(buf.getvalue(), options,
                                            providers=['CPUExecutionProvider'])

    def __call__(self, inputs: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        """Run the network on ``inputs`` ``(N, C, H, W)`` float32 (as the data preprocessor
        leaves them); returns the head's forward outputs as CPU tensors."""
        x = np.ascontiguousarray(inputs.detach().cpu().float().numpy())
        return tuple(torch.from_numpy(o) for o in self.session.run(None, {'inputs': x}))


def use_onnxruntime(model: nn.Module, input_shape: Optional[Sequence[int]] = None,
                    threads: Optional[int] = None) -> nn.Module:
    """Make ``model`` run its network with ONNX Runtime (in place; returns ``model``).

    ``model.extract_feat`` then passes its input through and ``model.head.forward`` runs the
    :class:`OnnxNetwork` session: MMPose's ``test_step`` (data preprocessor, ``predict``, the
    head's decoding, ``add_pred_to_datasample``) is otherwise unchanged. Prediction only: the
    model cannot be trained or moved to another device afterwards.

    Args:
        model (nn.Module): from ``mmpose.apis.init_model``, on CPU.
        input_shape (sequence of int, optional): ``(C, H, W)`` of the export example (default:
            3 channels and the ``input_size`` ``(w, h)`` of the head's decoder, the codec the
            test pipeline resizes for).
        threads (int, optional): see :class:`OnnxNetwork`.

    Raises:
        ValueError: the model is not on the CPU, has no head, has a test-time flip or
            multi-scale setting (which run the network more than once per batch), or no
            ``input_shape`` is given and its head has no decoder with an ``input_size``.
        ImportError, RuntimeError: see :class:`OnnxNetwork`.
    """
    if getattr(model, 'head', None) is None:
        raise ValueError(f'{type(model).__name__}: the onnxruntime backend needs a model with '
                         'a head')
    if any(p.device.type != 'cpu' for p in model.parameters()):
        raise ValueError('the onnxruntime backend runs on the CPU; load the model with '
                         "device='cpu'")
    test_cfg = getattr(model, 'test_cfg', None) or {}
    if test_cfg.get('flip_test') or test_cfg.get('multiscale_test'):
        raise ValueError('the onnxruntime backend runs one pass per batch; turn off '
                         'model.test_cfg.flip_test / multiscale_test')
    if input_shape is None:
        size = getattr(getattr(model.head, 'decoder', None), 'input_size', None)
        if size is None:
            raise ValueError(f'{type(model.head).__name__} has no decoder with an input_size; '
                             'pass input_shape=(C, H, W)')
        input_shape = (3, int(size[1]), int(size[0]))
    model.eval()
    network = OnnxNetwork(model, input_shape, threads)
    model.extract_feat = lambda inputs: inputs
    model.head.forward = lambda inputs: network(inputs)
    model.onnx_network = network
    return model


__all__ = ['OnnxNetwork', 'use_onnxruntime']
