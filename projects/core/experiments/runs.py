"""A study's validation curves (from MMEngine's scalars) and mean +- standard error."""
import glob
import json
import math
import os.path as osp
from typing import Dict, List, Sequence, Tuple


def read_curve(work_dir: str, key: str = 'coco/AP') -> List[Tuple[int, float]]:
    """``[(iteration, value)]`` of a validation metric from a run's ``vis_data/scalars.json``
    files (all of a work dir's timestamps, so a resumed run is whole); later entries win."""
    points: Dict[int, float] = {}
    for path in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        with open(path) as f:
            for line in f:
                rec = json.loads(line)
                if key in rec:
                    points[int(rec['step'])] = float(rec[key])
    return sorted(points.items())


def mean_se(values: Sequence[float]) -> Tuple[float, float]:
    """Mean and standard error (sample standard deviation / sqrt(n)); SE is 0 for n = 1.

    Raises:
        ValueError: no values.
    """
    n = len(values)
    if n == 0:
        raise ValueError('mean_se of no values')
    m = sum(values) / n
    if n == 1:
        return m, 0.0
    var = sum((v - m) ** 2 for v in values) / (n - 1)
    return m, math.sqrt(var / n)
