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


class _Net(torch.nn.Module):
    def __init__(self, k=5, c=8):
        super().__init__()
        self.backbone = torch.nn.Conv2d(3, c, 3)
        self.head = torch.nn.Conv2d(c, k, 1)


def test_checkpoint_mismatch_by_hand(tmp_path):
    from projects.core.checkpoint import (CheckpointMismatchError, check_checkpoint_fits,
                                          checkpoint_mismatch)
    model = _Net(k=5)
    # a checkpoint of the same network with 13 keypoints (a fly model on a bee config), with
    # a DDP 'module.' prefix and one extra key
    other = {f'module.{k}': v for k, v in _Net(k=13).state_dict().items()}
    other['module.extra.weight'] = torch.zeros(1)
    bad = checkpoint_mismatch(model, other)
    assert bad == dict(missing=[], unexpected=['extra.weight'],
                       mis_sized=[('head.bias', (13, ), (5, )),
                                  ('head.weight', (13, 8, 1, 1), (5, 8, 1, 1))])
    assert checkpoint_mismatch(model, other, allow=[r'head\.', r'extra\.']) == dict(
        missing=[], unexpected=[], mis_sized=[])
    path = tmp_path / 'fly.pth'
    torch.save(dict(state_dict=other), path)
    with pytest.raises(CheckpointMismatchError,
                       match=r'fly.pth does not fit .*2 mis-sized \(first: head.bias'):
        check_checkpoint_fits(model, str(path))
    check_checkpoint_fits(model, str(path), allow=[r'head\.', r'extra\.'])
    # a checkpoint that fits passes; one with only a few layers is refused (missing keys)
    torch.save(dict(state_dict=model.state_dict()), path)
    check_checkpoint_fits(model, str(path))
    torch.save(dict(state_dict={'backbone.bias': model.backbone.bias}), path)
    with pytest.raises(CheckpointMismatchError, match='3 missing'):
        check_checkpoint_fits(model, str(path))


def test_resume_falls_back_to_the_newest_checkpoint_that_loads(tmp_path):
    from projects.core.checkpoint import check_loadable, find_resume_checkpoint
    assert find_resume_checkpoint(str(tmp_path)) is None
    for it in (2, 4, 6):
        torch.save(dict(meta=dict(iter=it)), tmp_path / f'iter_{it}.pth')
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'iter_6.pth'))
    assert find_resume_checkpoint(str(tmp_path)) == str(tmp_path / 'iter_6.pth')
    # the newest is truncated: iteration 4 with a warning that names iter_6.pth
    data = (tmp_path / 'iter_6.pth').read_bytes()
    (tmp_path / 'iter_6.pth').write_bytes(data[:len(data) // 2])
    with pytest.warns(UserWarning, match='iter_6.pth'):
        assert find_resume_checkpoint(str(tmp_path)) == str(tmp_path / 'iter_4.pth')
    with pytest.raises(RuntimeError, match='iter_6.pth does not load'):
        check_loadable(str(tmp_path / 'iter_6.pth'))
    # the newest deleted (last_checkpoint still names it): likewise
    (tmp_path / 'iter_6.pth').unlink()
    with pytest.warns(UserWarning, match='iter_6.pth: missing'):
        assert find_resume_checkpoint(str(tmp_path)) == str(tmp_path / 'iter_4.pth')
    (tmp_path / 'iter_4.pth').write_bytes(b'')
    with pytest.warns(UserWarning, match='iter_4.pth: .*Error'):
        assert find_resume_checkpoint(str(tmp_path)) == str(tmp_path / 'iter_2.pth')
    (tmp_path / 'iter_2.pth').write_bytes(b'')
    with pytest.raises(RuntimeError, match='no checkpoint .* loads'):
        find_resume_checkpoint(str(tmp_path))
