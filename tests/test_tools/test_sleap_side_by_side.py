"""The PoseBridge side of tools/analysis/semimultipose/sleap_side_by_side.py (sleap-nn itself is a peer in its
own environment, never imported here)."""
import json
import os.path as osp
import sys

import numpy as np
import pytest

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def write_test_ann(path):
    """One 200x100 frame with two bees of 5 keypoints, in COCO keypoint format."""
    bees = [np.array([[20, 20], [30, 25], [40, 30], [50, 22], [60, 28]], float),
            np.array([[100, 60], [110, 65], [120, 70], [130, 62], [140, 68]], float)]
    anns = []
    for i, b in enumerate(bees):
        x0, y0 = b.min(0)
        w, h = b.max(0) - b.min(0)
        anns.append(dict(id=i + 1, image_id=1, category_id=1, iscrowd=0, num_keypoints=5,
                         bbox=[x0, y0, w, h], area=float(w * h),
                         keypoints=np.concatenate([b, np.full((5, 1), 2.)], 1).ravel().tolist()))
    with open(path, 'w') as f:
        json.dump(dict(images=[dict(id=1, file_name='a.jpg', width=200, height=100)],
                       annotations=anns,
                       categories=[dict(id=1, name='bee', supercategory='bee',
                                        keypoints=[str(k) for k in range(5)], skeleton=[])]), f)
    return bees


@pytest.mark.parametrize('found', [2, 1])
def test_score_both_systems_by_hand(tmp_path, found):
    """Both bees predicted exactly: AP 1 at both OKS; only the first (score 0.9): precision 1 up
    to recall 0.5, so the 101-point interpolated AP is 51 / 101 at every OKS threshold and AR is
    0.5. A prediction for a frame outside the test file is an error that names it."""
    sys.path.insert(0, osp.join(ROOT, 'tools', 'analysis', 'semimultipose'))
    from sleap_side_by_side import parse_args, score
    ann = str(tmp_path / 'test.json')
    bees = write_test_ann(ann)
    args = parse_args(['--test-ann', ann, '--img-dir', str(tmp_path)])
    frame = dict(file='a.jpg', keypoints=[b.tolist() for b in bees[:found]],
                 keypoint_scores=[[1.0] * 5] * found, scores=[0.9, 0.8][:found])
    out = score([frame], args)
    expected = 1.0 if found == 2 else 51 / 101
    for prefix in ('coco', 'sleap'):
        assert out[f'{prefix}/AP'] == pytest.approx(expected, abs=1e-6)
        assert out[f'{prefix}/AR'] == pytest.approx(found / 2, abs=1e-6)
    # exact keypoints: every matched error is 0 px; the share of bees matched is found / 2
    assert out['px/median'] == 0.0 and out['px/matched'] == found / 2
    with pytest.raises(KeyError, match='b.jpg'):
        score([dict(frame, file='b.jpg')], args)


def test_sleap_network_schedule_and_symmetries():
    sys.path.insert(0, osp.join(ROOT, 'tools', 'analysis', 'semimultipose'))
    import sleap_side_by_side as sbs
    assert sbs.parse_unet('') == dict(filters=16, max_stride=16, output_stride=4)
    assert sbs.parse_unet('filters=24,max_stride=32') == dict(filters=24, max_stride=32,
                                                             output_stride=4)
    for bad in ('filter=24', 'filters=0', 'filters=x', 'output_stride=32'):
        with pytest.raises(ValueError, match='--unet'):
            sbs.parse_unet(bad)
    # 30 min at 0.9 s per step: 30 * 60 * 0.95 / 0.9 = 1900 steps (PoseBridge's rule, rounded
    # down to 10), split into 15 epochs of 126 steps = 1890 steps
    assert sbs.sleap_schedule(30, 0.9, 15) == (126, 15, 1890)
    # too slow for 15 epochs of 10 steps: fewer epochs, never under 10 steps each
    assert sbs.sleap_schedule(1, 2.0, 15) == (10, 2, 20)
    # the honeybee dataset info's flip pair, as SLEAP symmetries
    info = osp.join(ROOT, 'configs', '_base_', 'datasets', 'honeybee.py')
    assert sbs.flip_pairs(info) == 'LAnt:RAnt'


def _result(seed, pb_ap, sl_ap, pb_seconds, **change):
    """A sleap_side_by_side.py result file's fields that the report reads."""
    def system(ap, head_px):
        return {'coco/AP': ap, 'coco/AP .75': ap, 'sleap/AP': 0.9, 'px/median': 20.0,
                'px/Head_median': head_px, 'px/Tail_median': 10.0, 'fps': 10.0,
                'fps_batched': 12.0}
    r = dict(config='c.py', split='test', budget_minutes=30.0, unet=dict(filters=16),
             scored_ann='test.json', threads=2, batch_size=8, seed=seed,
             posebridge=system(pb_ap, 12.0 + seed), sleap=system(sl_ap, 15.0),
             posebridge_train=dict(seconds=pb_seconds, peak_rss_gib=1.0),
             sleap_train=dict(seconds=1812.0, peak_rss_gib=1.8))
    r.update(change)
    return r


def test_sleap_report_by_hand(tmp_path):
    """Two seeds. coco/AP: PoseBridge 0.40 and 0.44 (mean 0.420, SD 0.0283, SE 0.020), SLEAP
    0.30 and 0.32 (0.310 +- 0.010); paired differences 0.10 and 0.12: 0.110 +- 0.010, both
    positive. Training: 1800 s and 1860 s = 30.5 +- 0.5 minutes. Head median px 12 and 13
    against 15: -2.5 +- 0.5, none positive. A file of another split is refused by name."""
    import csv
    import subprocess
    paths = []
    for seed, pb, sl, sec in ((0, 0.40, 0.30, 1800.0), (1, 0.44, 0.32, 1860.0)):
        paths.append(str(tmp_path / f's{seed}.json'))
        json.dump(_result(seed, pb, sl, sec), open(paths[-1], 'w'))
    out = tmp_path / 'report'
    tool = osp.join(ROOT, 'tools', 'analysis', 'semimultipose', 'sleap_report.py')
    subprocess.run([sys.executable, tool, *paths, '--out', str(out)], cwd=ROOT, check=True,
                   capture_output=True)
    rows = {r[0]: r[1:] for r in csv.reader(open(out / 'table.csv'))}
    assert rows['coco/AP'] == ['0.420 +- 0.020', '0.310 +- 0.010', '0.110 +- 0.010 (2/2 > 0)',
                               '2']
    assert rows['training minutes'][:3] == ['30.5 +- 0.5', '30.2 +- 0.0',
                                            '0.3 +- 0.5 (1/2 > 0)']
    assert rows['median px, Head'][2] == '-2.5 +- 0.5 (0/2 > 0)'
    assert rows['frames/s, batch 8'][2] == '0.00 +- 0.00 (0/2 > 0)'
    assert (out / 'sleap_side_by_side.png').stat().st_size > 5000
    # one seed: values alone, no standard error to show
    subprocess.run([sys.executable, tool, paths[0], '--out', str(tmp_path / 'one')], cwd=ROOT,
                   check=True, capture_output=True)
    rows = {r[0]: r[1:] for r in csv.reader(open(tmp_path / 'one' / 'table.csv'))}
    assert rows['coco/AP'] == ['0.400', '0.300', '0.100 (1/1 > 0)', '1']
    bad = str(tmp_path / 'val.json')
    json.dump(_result(2, 0.4, 0.3, 1800.0, split='val'), open(bad, 'w'))
    p = subprocess.run([sys.executable, tool, *paths, bad, '--out', str(tmp_path / 'r2')],
                       cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 2 and "field 'split' differs" in p.stderr
