import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer

import projects.core  # noqa: F401  (registers the allow-list)
from projects.core.checkpoint import CheckpointMismatchError


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


def test_empty_arrays_of_a_skeleton_without_links_load(tmp_path):
    """A dataset without skeleton links (DeepLabCut labels without a config) puts empty numpy
    arrays into the checkpoint's dataset meta; protocol 2 pickles their empty data as a call of
    the ``bytes`` builtin, which must load (a trained project's checkpoints did not)."""
    from mmpose.datasets.datasets.utils import parse_pose_metainfo
    meta = parse_pose_metainfo(dict(
        dataset_name='mouse', keypoint_info={0: dict(name='a', id=0, color=[0, 0, 0], type='',
                                                     swap='')},
        skeleton_info={}, joint_weights=[1.0], sigmas=[0.1]))
    assert meta['skeleton_link_colors'].size == 0
    path = tmp_path / 'c.pth'
    torch.save(dict(meta=dict(dataset_meta=meta), state_dict=dict(w=torch.ones(1))), path)
    assert b'bytes' in path.read_bytes()
    got = torch.load(path, weights_only=True)
    assert got['meta']['dataset_meta']['skeleton_link_colors'].size == 0


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


def test_mmpose_0x_checkpoint_loads_through_a_1x_copy(tmp_path):
    """A checkpoint with MMPose 0.x names (keypoint_head.*) becomes a 1.x copy that fits the
    1.x model exactly; the input file is untouched; a 1.x checkpoint is used as it is."""
    from mmpose.registry import MODELS
    from mmengine.registry import init_default_scope
    from projects.core.checkpoint import check_checkpoint_fits, mmpose1x_checkpoint
    init_default_scope('mmpose')
    model = MODELS.build(dict(
        type='TopdownPoseEstimator',
        backbone=dict(type='ResNet', depth=18),
        head=dict(type='HeatmapHead', in_channels=512, out_channels=16,
                  deconv_out_channels=(32, 32), deconv_kernel_sizes=(4, 4),
                  loss=dict(type='KeypointMSELoss', use_target_weight=True))))
    sd = model.state_dict()
    old = {('keypoint_head.' + k[5:] if k.startswith('head.') else k): v.clone()
           for k, v in sd.items()}
    src = tmp_path / 'res18_mpii_256x256-0x.pth'
    torch.save(dict(state_dict=old, meta=dict(mmpose_version='0.29.0')), src)
    before = src.read_bytes()
    with pytest.raises(CheckpointMismatchError, match='does not fit'):
        check_checkpoint_fits(model, str(src))  # as MMEngine would read it
    out = mmpose1x_checkpoint(str(src), str(tmp_path / 'work'))
    digest = __import__('hashlib').sha256(src.read_bytes()).hexdigest()[:12]
    assert out == str(tmp_path / 'work' / f'res18_mpii_256x256-0x_{digest}_mmpose1x.pth')
    check_checkpoint_fits(model, out)
    new = torch.load(out, weights_only=True)['state_dict']
    assert set(new) == set(sd) and torch.equal(new['head.final_layer.weight'],
                                               sd['head.final_layer.weight'])
    assert src.read_bytes() == before
    assert mmpose1x_checkpoint(str(src), str(tmp_path / 'work')) == out  # reused
    assert mmpose1x_checkpoint(out, str(tmp_path / 'w2')) == out  # already 1.x
    with pytest.raises(FileNotFoundError, match='nope.pth does not exist'):
        mmpose1x_checkpoint(str(tmp_path / 'nope.pth'), str(tmp_path))
