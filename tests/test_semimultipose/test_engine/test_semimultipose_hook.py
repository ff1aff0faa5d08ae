from types import SimpleNamespace

import pytest
import torch.nn as nn

from projects.semimultipose.engine import SemiMultiPoseHook


class Head(nn.Module):
    alpha = 0.0
    beta = 0.0


def runner_at(it, model):
    return SimpleNamespace(iter=it, model=model)


def test_switches_at_configured_iterations_and_after_resume():
    model = SimpleNamespace(head=Head())
    hook = SemiMultiPoseHook(alpha=0.01, beta=0.1, fl_start=2000, fu_start=5000)
    seen = []
    for it in (0, 1999, 2000, 4999, 5000, 14999):
        hook.before_train_iter(runner_at(it, model), 0)
        seen.append((model.head.alpha, model.head.beta))
    assert seen == [(0, 0), (0, 0), (0.01, 0), (0.01, 0), (0.01, 0.1), (0.01, 0.1)]
    # a training resumed at iteration 6000: a fresh hook sets both terms at once
    model = SimpleNamespace(head=Head())
    SemiMultiPoseHook(alpha=0.01, beta=0.1).before_train_iter(runner_at(6000, model), 0)
    assert (model.head.alpha, model.head.beta) == (0.01, 0.1)


def test_never_and_wrong_head():
    model = SimpleNamespace(head=Head())
    SemiMultiPoseHook(fl_start=None, fu_start=None).before_train_iter(runner_at(10 ** 6, model), 0)
    assert (model.head.alpha, model.head.beta) == (0, 0)
    with pytest.raises(TypeError, match='SemiMultiPoseHead'):
        SemiMultiPoseHook().before_train_iter(runner_at(0, SimpleNamespace(head=nn.Linear(1, 1))),
                                              0)
