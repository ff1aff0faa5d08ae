"""bfloat16 mixed-precision training on CPU (CPUAmpOptimWrapper)."""
import copy

import pytest
import torch
import torch.nn as nn
from mmengine.optim import OptimWrapper

from mmpose.registry import OPTIM_WRAPPERS
from projects.core.engine import CPUAmpOptimWrapper


def _net():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                         nn.Conv2d(8, 2, 1))


def _step(wrapper, net, x, y):
    with wrapper.optim_context(net):
        out = net(x)
    loss = ((out.float() - y) ** 2).mean()
    wrapper.update_params(loss)
    return out, loss


def test_forward_runs_in_bfloat16_and_parameters_stay_float32():
    net = _net()
    wrapper = OPTIM_WRAPPERS.build(dict(type='CPUAmpOptimWrapper',
                                        optimizer=torch.optim.SGD(net.parameters(), lr=0.1)))
    x, y = torch.randn(2, 3, 8, 8), torch.randn(2, 2, 8, 8)
    out, _ = _step(wrapper, net, x, y)
    assert out.dtype == torch.bfloat16  # the convolutions ran under autocast
    assert all(p.dtype == torch.float32 for p in net.parameters())
    assert net(x).dtype == torch.float32  # outside the context (validation, testing)


def test_a_step_matches_float32_to_bfloat16_precision():
    """One SGD step with and without autocast from the same weights: the updates agree to
    bfloat16's rounding (8-bit significand: a few parts in 1000 per op), not exactly."""
    x, y = torch.randn(4, 3, 8, 8), torch.randn(4, 2, 8, 8)
    nets = [_net(), _net()]
    before = copy.deepcopy(nets[0].state_dict())
    wrappers = [OptimWrapper(torch.optim.SGD(nets[0].parameters(), lr=0.1)),
                CPUAmpOptimWrapper(optimizer=torch.optim.SGD(nets[1].parameters(), lr=0.1))]
    losses = [_step(w, n, x, y)[1] for w, n in zip(wrappers, nets)]
    assert losses[1].item() == pytest.approx(losses[0].item(), rel=2e-2)
    assert losses[1].item() != losses[0].item()
    # the whole update (a conv bias before batch norm gets no gradient in exact arithmetic,
    # only rounding noise, so parameters are not compared one by one)
    keys = [k for k, v in before.items() if v.dtype == torch.float32]
    d32, d16 = (torch.cat([(n.state_dict()[k] - before[k]).flatten() for k in keys])
                for n in nets)
    assert d32.norm() > 0
    assert (d16 - d32).norm() <= 0.05 * d32.norm()


def test_channels_last_moves_the_parameters_once_and_keeps_the_optimizer_s():
    net = _net()
    params = list(net.parameters())
    wrapper = CPUAmpOptimWrapper(channels_last=True,
                                 optimizer=torch.optim.SGD(net.parameters(), lr=0.1))
    x, y = torch.randn(2, 3, 8, 8), torch.randn(2, 2, 8, 8)
    w0 = net[0].weight.detach().clone()
    out, _ = _step(wrapper, net, x, y)
    assert net[0].weight.is_contiguous(memory_format=torch.channels_last)
    assert out.is_contiguous(memory_format=torch.channels_last)
    # the same Parameter objects, so the optimizer updates the model
    assert all(a is b for a, b in zip(params, net.parameters()))
    assert not torch.equal(net[0].weight.detach(), w0)


def test_float32_turns_autocast_off():
    net = _net()
    wrapper = CPUAmpOptimWrapper(dtype='float32',
                                 optimizer=torch.optim.SGD(net.parameters(), lr=0.1))
    out, _ = _step(wrapper, net, torch.randn(2, 3, 8, 8), torch.randn(2, 2, 8, 8))
    assert out.dtype == torch.float32


def test_float16_is_refused_and_state_dict_is_the_optimizer_s():
    net = _net()
    with pytest.raises(ValueError, match="dtype must be 'bfloat16' or 'float32'.*got 'float16'"):
        CPUAmpOptimWrapper(dtype='float16', optimizer=torch.optim.SGD(net.parameters(), lr=1))
    wrapper = CPUAmpOptimWrapper(optimizer=torch.optim.SGD(net.parameters(), lr=1))
    # no loss scaler: a checkpoint of this wrapper resumes under a float32 OptimWrapper too
    assert set(wrapper.state_dict()) == {'state', 'param_groups'}
