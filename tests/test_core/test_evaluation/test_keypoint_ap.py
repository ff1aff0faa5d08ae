import json
import math

import numpy as np
import pytest

from mmpose.datasets.datasets.utils import parse_pose_metainfo

from projects.core.datasets.animal_datasets import HoneybeeDataset
from projects.core.evaluation import KeypointAP


def bee(x, y):
    """Keypoints spanning a 100 x 100 box at (x, y)."""
    return np.array([[x, y], [x + 100, y + 100], [x + 50, y + 50], [x + 100, y], [x, y + 100]],
                    dtype=np.float64)


def write_gt(path, instances, area=None):
    anns = []
    for i, k in enumerate(instances):
        kp = np.concatenate([k, np.full((5, 1), 2.0)], 1).reshape(-1).tolist()
        x0, y0 = k.min(0)
        w, h = k.max(0) - k.min(0)
        anns.append(dict(id=i + 1, image_id=1, category_id=1, iscrowd=0, keypoints=kp,
                         num_keypoints=5, bbox=[x0, y0, w, h],
                         area=float(w * h) if area is None else area))
    json.dump(dict(images=[dict(id=1, file_name='a.jpg', width=4000, height=4000)],
                   annotations=anns,
                   categories=[dict(id=1, name='bee', keypoints=['a'] * 5, skeleton=[])]),
              open(path, 'w'))


def evaluate(metric, preds):
    metric.dataset_meta = parse_pose_metainfo(HoneybeeDataset.METAINFO)
    sample = dict(id=[1], img_id=1, ori_shape=(4000, 4000), gt_instances={},
                  pred_instances=dict(keypoints=np.stack(preds),
                                      keypoint_scores=np.ones((len(preds), 5)),
                                      bbox_scores=np.linspace(1, 0.5, len(preds))))
    metric.process([], [sample])
    return metric.evaluate(1)


def test_more_than_20_animals(tmp_path):
    # 25 bees, each predicted exactly: all found with max_dets=100 (AP 1); COCO's
    # 20-detection cap keeps recall at 20/25, i.e. 81 of the 101 recall points: AP = 81/101
    gts = [bee(200 * (i % 5), 200 * (i // 5)) for i in range(25)]
    ann = tmp_path / 'gt.json'
    write_gt(ann, gts)
    ours = evaluate(KeypointAP(ann_file=str(ann), score_mode='bbox', nms_mode='none',
                                     outfile_prefix=str(tmp_path / 'a')), gts)
    assert ours['coco/AP'] == pytest.approx(1.0) and ours['coco/AR'] == pytest.approx(1.0)
    capped = evaluate(KeypointAP(ann_file=str(ann), score_mode='bbox', nms_mode='none',
                                       max_dets=20, outfile_prefix=str(tmp_path / 'b')), gts)
    assert capped['coco/AP'] == pytest.approx(81 / 101)
    assert capped['coco/AR'] == pytest.approx(20 / 25)


def test_single_sigma_oks_by_hand(tmp_path):
    # SLEAP OKS with stddev 1 and the keypoint-box area 100*100 (the file's area, 1.0, is
    # ignored): every keypoint shifted by d gives OKS = exp(-d^2 / (4 * 2 * 10000)).
    # d^2 = -ln(0.72) * 80000 -> OKS 0.72 -> passes thresholds 0.50 ... 0.70: AP = 5/10.
    g = bee(500, 500)
    d = math.sqrt(-math.log(0.72) * 80000)
    pred = g + d / math.sqrt(2)
    ann = tmp_path / 'gt.json'
    write_gt(ann, [g], area=1.0)
    res = evaluate(KeypointAP(ann_file=str(ann), score_mode='bbox', nms_mode='none',
                                    oks_stddev=1.0, prefix='sleap',
                                    outfile_prefix=str(tmp_path / 'a')), [pred])
    assert res['sleap/AP'] == pytest.approx(0.5)
    assert res['sleap/AP .5'] == pytest.approx(1.0) and res['sleap/AP .75'] == pytest.approx(0)
    # same prediction with the dataset sigmas (0.1) and the file's area (1.0): OKS ~ 0 -> AP 0
    res = evaluate(KeypointAP(ann_file=str(ann), score_mode='bbox', nms_mode='none',
                                    outfile_prefix=str(tmp_path / 'b')), [pred])
    assert res['coco/AP'] == pytest.approx(0.0)


def test_dataset_sigmas_by_hand(tmp_path):
    # dataset sigma 0.1 -> vars 0.04; area 10000 -> e = d^2 / (0.04 * 2 * 10000) = d^2 / 800.
    # d^2 = -ln(0.87) * 800 -> OKS 0.87 -> thresholds 0.50 ... 0.85 pass: AP = 8/10
    g = bee(500, 500)
    d = math.sqrt(-math.log(0.87) * 800)
    ann = tmp_path / 'gt.json'
    write_gt(ann, [g])
    res = evaluate(KeypointAP(ann_file=str(ann), score_mode='bbox', nms_mode='none',
                                    outfile_prefix=str(tmp_path / 'a')), [g + [d, 0]])
    assert res['coco/AP'] == pytest.approx(0.8)


def test_bad_arguments():
    with pytest.raises(ValueError, match='max_dets'):
        KeypointAP(max_dets=0)
    with pytest.raises(ValueError, match='oks_stddev'):
        KeypointAP(oks_stddev=0)


def test_empty_ground_truth_is_an_error_not_minus_one(tmp_path):
    ann = tmp_path / 'gt.json'
    write_gt(ann, [])
    with pytest.raises(ValueError, match='gt.json: no labeled instance to evaluate against'):
        evaluate(KeypointAP(ann_file=str(ann), score_mode='bbox', nms_mode='none',
                            outfile_prefix=str(tmp_path / 'a')), [bee(0, 0)])
