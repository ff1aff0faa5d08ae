"""The chain's lifting step: MMPose's ``inference_pose_lifter_model`` with MMPose's box
normalisation gives the lifter the same input as the training pipeline's
``NormalizeKeypointsToBox`` (random weights: the numbers are compared, not judged)."""
import os.path as osp

import numpy as np
import pytest
import torch

from tests.conftest import ROOT

DET = osp.join(ROOT, 'configs/infant3d/faster-rcnn_r50_fpn_1x_coco-person.py')
POSE2D = osp.join(ROOT, 'configs/infant3d/td-hm_res50_mpii-ft_8xb32-40e_mini-rgbd-256x256.py')
LIFTER = osp.join(ROOT, 'configs/infant3d/image-pose-lift_tcn_3dhp-ft_8xb64-100e_mini-rgbd.py')


@pytest.fixture(scope='module')
def chain():
    from projects.infant3d.apis import InfantPoseChain
    torch.manual_seed(0)
    return InfantPoseChain(DET, None, POSE2D, None, LIFTER, None)


def _through_training_pipeline(lifter, kp, box):
    """The lifter's output on the configured pipeline (NormalizeKeypointsToBox included)."""
    from mmengine.config import Config
    from mmengine.dataset import Compose, pseudo_collate
    from mmengine.registry import DefaultScope
    cfg = Config.fromfile(LIFTER)
    k = kp.shape[0]
    info = dict(keypoints=kp[None], keypoints_visible=np.ones((1, k), np.float32),
                bbox=box[None], lifting_target=np.zeros((1, k, 3), np.float32),
                lifting_target_visible=np.ones((1, k), np.float32),
                target_img_path=np.array(['']), id=0, category_id=1)
    with DefaultScope.overwrite_default_scope('mmpose'):
        data = Compose(cfg.test_dataloader.dataset.pipeline)(info)
    centre = (box[:2] + box[2:]) / 2
    side = max(box[2] - box[0], box[3] - box[1])
    # the pipeline's input is the box-normalised keypoints (k - c) / (s / 2), by hand
    np.testing.assert_allclose(data['inputs'].numpy().reshape(-1)[:2 * k],
                               ((kp - centre) / (side / 2)).reshape(-1), rtol=1e-5, atol=1e-6)
    with torch.no_grad():
        out = lifter.test_step(pseudo_collate([data]))[0]
    return np.asarray(out.pred_instances.keypoints, np.float32).reshape(-1, k, 3)[-1]


def test_lift_uses_mmpose_inference_with_the_training_input(chain):
    assert chain.box_normalisation is not None
    assert not any(t['type'] == 'NormalizeKeypointsToBox'
                   for t in chain.lifter.cfg.test_dataloader.dataset.pipeline)
    rng = np.random.default_rng(0)
    kp = rng.uniform([100, 50], [300, 400], (16, 2)).astype(np.float32)
    box = np.array([90., 40., 330., 420.], np.float32)
    raw = _through_training_pipeline(chain.lifter, kp, box)
    expected = (raw - raw[6]) * 1000.  # mm, the root at the origin
    got = chain.lift(kp, box)
    assert got.shape == (16, 3) and np.all(got[6] == 0)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-3)
    # box coordinates: moving or scaling keypoints and box together changes nothing
    np.testing.assert_allclose(chain.lift(kp + [55., -20.], box + [55., -20., 55., -20.]),
                               got, rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(chain.lift(kp * 2, box * 2), got, rtol=1e-4, atol=1e-3)
    assert not np.allclose(chain.lift(kp, box * [1, 1, 1.5, 1.5]), got, atol=1e-3)
    with pytest.raises(ValueError, match='degenerate box'):
        chain.lift(kp, np.array([5., 5., 5., 5.], np.float32))
