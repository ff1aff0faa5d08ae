"""Training/test splits of COCO keypoint files with few labeled frames, and safe JSON writes.

Shared by the honeybee and SLEAP converters: a held-out test set, a pool of training frames,
seeded draws of ``n`` labeled frames from the pool, and for each draw an ``_unlabeled`` set made
of the pool frames that were not drawn (labels dropped) plus any extra unlabeled frames.
"""
import copy
import json
import os
import os.path as osp
import random
from typing import Dict, List, Sequence


def subset(coco: Dict, file_names: Sequence[str], keep_annotations: bool = True) -> Dict:
    """COCO dict restricted to ``file_names`` (annotations dropped if not ``keep_annotations``).

    Image entries keep their order in ``coco``; the input is not modified.
    """
    wanted = set(file_names)
    images = [copy.deepcopy(im) for im in coco['images'] if im['file_name'] in wanted]
    ids = {im['id'] for im in images}
    anns = [copy.deepcopy(a) for a in coco['annotations']
            if keep_annotations and a['image_id'] in ids]
    return dict(info=coco.get('info', {}), images=images, annotations=anns,
                categories=coco['categories'])


def draw_splits(coco: Dict, test: Sequence[str], pool: Sequence[str], sizes: Sequence[int],
                num_draws: int = 5, seed: int = 0,
                extra_unlabeled: Sequence[dict] = ()) -> Dict[str, Dict]:
    """Test set, full training set and seeded small training sets with their unlabeled sets.

    Draw ``d`` of size ``n`` is ``random.Random(seed + 1000 * n + d).sample(pool, n)`` (sorted),
    so a draw does not change when other sizes or draws are added.

    Args:
        coco (dict): COCO keypoint dict holding every frame named in ``test`` and ``pool``.
        test (sequence): file names of the held-out frames.
        pool (sequence): file names of the training frames (disjoint from ``test``).
        sizes (sequence): labeled-set sizes to draw.
        num_draws (int): draws per size.
        seed (int): base seed.
        extra_unlabeled (sequence): image entries without labels added to every unlabeled set.

    Returns:
        dict: ``test``, ``train_full``, ``train_full_unlabeled`` and, for each size ``n`` and
        draw ``d``, ``train{n}-d{d}`` and ``train{n}-d{d}_unlabeled`` to COCO dicts.

    Raises:
        ValueError: ``test`` and ``pool`` overlap, name frames missing from ``coco``, or a size
            exceeds the pool.
    """
    names = {im['file_name'] for im in coco['images']}
    overlap = sorted(set(test) & set(pool))
    if overlap:
        raise ValueError(f'test and training frames overlap: {overlap[:5]}')
    missing = sorted((set(test) | set(pool)) - names)
    if missing:
        raise ValueError(f'frames missing from the COCO images: {missing[:5]}')
    pool = sorted(pool)
    too_big = [n for n in sizes if n > len(pool)]
    if too_big:
        raise ValueError(f'sizes {too_big} exceed the {len(pool)} training frames')
    base_unlabeled = dict(info=coco.get('info', {}), images=copy.deepcopy(list(extra_unlabeled)),
                          annotations=[], categories=coco['categories'])
    splits = {'test': subset(coco, test), 'train_full': subset(coco, pool),
              'train_full_unlabeled': base_unlabeled}
    for n in sizes:
        for d in range(num_draws):
            picked = sorted(random.Random(seed + 1000 * n + d).sample(pool, n))
            left = [x for x in pool if x not in set(picked)]
            name = f'train{n}-d{d}'
            splits[name] = subset(coco, picked)
            extra = subset(coco, left, keep_annotations=False)
            splits[f'{name}_unlabeled'] = dict(
                base_unlabeled, images=extra['images'] + copy.deepcopy(list(extra_unlabeled)))
    return splits


def write_json(obj: Dict, path: str, sources: Sequence[str] = ()) -> None:
    """Write ``obj`` to ``path`` atomically (a temporary file, then ``os.replace``).

    Raises:
        ValueError: ``path`` is one of the input files ``sources``.
    """
    real = osp.realpath(path)
    if any(osp.realpath(s) == real for s in sources):
        raise ValueError(f'refusing to overwrite the input file {path}')
    os.makedirs(osp.dirname(path) or '.', exist_ok=True)
    tmp = f'{path}.{os.getpid()}.tmp'
    with open(tmp, 'w') as f:
        json.dump(obj, f)
    os.replace(tmp, path)  # a reader never sees a half-written file


__all__: List[str] = ['subset', 'draw_splits', 'write_json']
