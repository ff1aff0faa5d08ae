"""Frame-bootstrap AP: the full-sample AP is KeypointAP's, and the standard errors behave."""
import json

import numpy as np
import pytest

from mmpose.datasets.datasets.utils import parse_pose_metainfo

from projects.core.datasets.animal_datasets import HoneybeeDataset
from projects.core.evaluation import KeypointAP
from projects.core.evaluation.functional import bootstrap_ap, coco_keypoint_ap



def bee(x, y):
    """Keypoints spanning a 100 x 100 box at (x, y)."""
    return np.array([[x, y], [x + 100, y + 100], [x + 50, y + 50], [x + 100, y], [x, y + 100]],
                    dtype=np.float64)


def frames_coco(n_frames, per_frame=3):
    images, anns = [], []
    for f in range(n_frames):
        images.append(dict(id=f + 1, file_name=f'{f}.jpg', width=4000, height=4000))
        for j in range(per_frame):
            k = bee(300 * j, 300 * f % 3000)
            kp = np.concatenate([k, np.full((5, 1), 2.0)], 1).reshape(-1).tolist()
            # ids from 0: a matched detection holds its ground truth's id, 0 included
            anns.append(dict(id=len(anns), image_id=f + 1, category_id=1, iscrowd=0,
                             keypoints=kp, num_keypoints=5, bbox=[*k.min(0), 100, 100],
                             area=10000.0))
    return dict(images=images, annotations=anns,
                categories=[dict(id=1, name='bee', keypoints=['a'] * 5, skeleton=[])])


def noisy_preds(coco, scale, seed):
    """Ground truth plus Gaussian noise of ``scale`` px, per frame, with decreasing scores."""
    rng = np.random.default_rng(seed)
    out = {}
    for im in coco['images']:
        k = np.stack([np.asarray(a['keypoints'], float).reshape(5, 3)[:, :2]
                      for a in coco['annotations'] if a['image_id'] == im['id']])
        k = k + rng.normal(0, scale, k.shape)
        out[im['id']] = (k, np.ones(k.shape[:2]), np.linspace(1, 0.5, len(k)))
    return out


def test_full_sample_ap_is_keypoint_ap(tmp_path):
    coco = frames_coco(6)
    preds = noisy_preds(coco, 6.0, 0)
    ann = tmp_path / 'gt.json'
    json.dump(coco, open(ann, 'w'))
    metric = KeypointAP(ann_file=str(ann), score_mode='bbox', nms_mode='none',
                        outfile_prefix=str(tmp_path / 'a'))
    metric.dataset_meta = parse_pose_metainfo(HoneybeeDataset.METAINFO)
    metric.process([], [dict(id=[f], img_id=f, ori_shape=(4000, 4000), gt_instances={},
                             pred_instances=dict(keypoints=k, keypoint_scores=ks,
                                                 bbox_scores=s))
                        for f, (k, ks, s) in preds.items()])
    want = metric.evaluate(6)['coco/AP']
    assert 0.05 < want < 0.95  # neither trivial end
    got = coco_keypoint_ap(coco, preds, [0.1] * 5)
    assert got == pytest.approx(want, abs=1e-12)
    # a frame counted twice is two frames (what a resample does): its instances count twice
    assert coco_keypoint_ap(coco, preds, [0.1] * 5, frames=[1, 1]) == \
        pytest.approx(coco_keypoint_ap(coco, preds, [0.1] * 5, frames=[1]))


def test_bootstrap_standard_errors():
    coco = frames_coco(12)
    exact = noisy_preds(coco, 0.0, 0)
    st = bootstrap_ap(coco, exact, [0.1] * 5, num_samples=20)
    assert st['AP'] == pytest.approx(1.0) and st['AP_se'] == pytest.approx(0.0, abs=1e-12)
    noisy = noisy_preds(coco, 6.0, 1)
    st = bootstrap_ap(coco, noisy, [0.1] * 5, reference=exact, num_samples=50, seed=3)
    assert st['diff'] == pytest.approx(st['AP'] - 1.0)
    assert st['AP_se'] > 0
    # against a perfect reference every resample's difference is AP(resample) - 1: the same
    # spread as AP's own
    assert st['diff_se'] == pytest.approx(st['AP_se'], rel=1e-9)
    # the same prediction set against itself: a difference of exactly 0
    same = bootstrap_ap(coco, noisy, [0.1] * 5, reference=noisy, num_samples=10)
    assert same['diff'] == 0 and same['diff_se'] == 0
    with pytest.raises(ValueError, match='num_samples'):
        bootstrap_ap(coco, noisy, [0.1] * 5, num_samples=1)
    with pytest.raises(KeyError, match='image id 12'):
        coco_keypoint_ap(coco, {k: v for k, v in noisy.items() if k != 12}, [0.1] * 5)
