import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer

import projects.core  # noqa: F401  (registers the allow-list)


class NotAllowed:
    pass


def test_mmengine_checkpoint_content_loads_with_weights_only(tmp_path):
    hb = HistoryBuffer()
    hb.update(1.5)
    ckpt = dict(
        meta=dict(iter=3, seed=np.int64(7), dataset_meta=dict(sigmas=np.array([0.1, 0.2]),
                                                             flip_indices=[0, 2, 1])),
        state_dict=dict(w=torch.ones(2)),
        message_hub=dict(log_scalars={'train/loss': hb}, runtime_info={'iter': 3}),
        optimizer=dict(state={}, param_groups=[dict(lr=np.float64(0.01))]))
    path = tmp_path / 'c.pth'
    torch.save(ckpt, path)
    got = torch.load(path, weights_only=True)
    assert got['meta']['iter'] == 3 and int(got['meta']['seed']) == 7
    np.testing.assert_array_equal(got['meta']['dataset_meta']['sigmas'], [0.1, 0.2])
    assert got['message_hub']['log_scalars']['train/loss'].current() == 1.5


def test_other_globals_still_refused(tmp_path):
    path = tmp_path / 'evil.pth'
    torch.save(dict(x=NotAllowed()), path)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path, weights_only=True)
