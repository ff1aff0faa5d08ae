"""Training/validation/test splits of COCO keypoint files with few labeled frames.

Shared by the honeybee and SLEAP converters: a held-out test set, a validation set taken out of
the pool of training frames, seeded draws of ``n`` labeled frames from the rest of the pool, and
for each draw an ``_unlabeled`` set made of the training frames that were not drawn (labels
dropped) plus any extra unlabeled frames.
Converters write them with :func:`projects.core.fileio.write_json`.
"""
import copy
import random
from typing import Dict, List, Sequence, Tuple


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
                extra_unlabeled: Sequence[dict] = (),
                val: Sequence[str] = ()) -> Dict[str, Dict]:
    """Test, validation and training sets, and seeded small training sets with their
    unlabeled sets.

    With ``val`` frames, ``train`` is the pool without them: every choice (checkpoint, decoding,
    hyperparameter) is made on ``val``, and ``test`` is scored once per reported model.
    ``train_full`` is the whole pool (``train`` + ``val``), for a final model retrained with
    the chosen settings. Small draws come from ``train`` (the pool without ``val``): draw ``d``
    of size ``n`` is ``random.Random(seed + 1000 * n + d).sample(train, n)`` (sorted), so a draw
    does not change when other sizes or draws are added. A validation frame is never in a
    training or unlabeled set other than ``train_full``'s.

    Args:
        coco (dict): COCO keypoint dict holding every frame named in ``test``, ``pool`` and
            ``val``.
        test (sequence): file names of the held-out test frames.
        pool (sequence): file names of the training frames (disjoint from ``test``); ``val``
            is a subset of it.
        sizes (sequence): labeled-set sizes to draw.
        num_draws (int): draws per size.
        seed (int): base seed.
        extra_unlabeled (sequence): image entries without labels added to every unlabeled set.
        val (sequence): file names of the validation frames, taken out of ``pool``.

    Returns:
        dict: ``test``, ``train_full``, ``train_full_unlabeled`` and, for each size ``n`` and
        draw ``d``, ``train{n}-d{d}`` and ``train{n}-d{d}_unlabeled`` to COCO dicts; with
        ``val`` also ``val``, ``train`` and ``train_unlabeled``.

    Raises:
        ValueError: ``test`` and ``pool`` overlap, ``val`` is not inside ``pool``, a frame is
            missing from ``coco``, or a size exceeds the training frames.
    """
    names = {im['file_name'] for im in coco['images']}
    overlap = sorted(set(test) & set(pool))
    if overlap:
        raise ValueError(f'test and training frames overlap: {overlap[:5]}')
    missing = sorted((set(test) | set(pool) | set(val)) - names)
    if missing:
        raise ValueError(f'frames missing from the COCO images: {missing[:5]}')
    outside = sorted(set(val) - set(pool))
    if outside:
        raise ValueError(f'validation frames are not training frames: {outside[:5]}')
    if val and len(set(val)) == len(set(pool)):
        raise ValueError(f'the {len(set(val))} validation frames leave no training frame')
    pool = sorted(pool)
    train = [x for x in pool if x not in set(val)]
    too_big = [n for n in sizes if n > len(train)]
    if too_big:
        raise ValueError(f'sizes {too_big} exceed the {len(train)} training frames')
    base_unlabeled = dict(info=coco.get('info', {}), images=copy.deepcopy(list(extra_unlabeled)),
                          annotations=[], categories=coco['categories'])
    splits = {'test': subset(coco, test), 'train_full': subset(coco, pool),
              'train_full_unlabeled': base_unlabeled}
    if val:
        splits.update(val=subset(coco, val), train=subset(coco, train),
                      train_unlabeled=copy.deepcopy(base_unlabeled))
    for n in sizes:
        for d in range(num_draws):
            picked = sorted(random.Random(seed + 1000 * n + d).sample(train, n))
            left = [x for x in train if x not in set(picked)]
            name = f'train{n}-d{d}'
            splits[name] = subset(coco, picked)
            extra = subset(coco, left, keep_annotations=False)
            splits[f'{name}_unlabeled'] = dict(
                base_unlabeled, images=extra['images'] + copy.deepcopy(list(extra_unlabeled)))
    return splits


def random_draws(pool: Sequence, num_labeled: int, num_unlabeled: int, num_test: int,
                 num_draws: int = 5, seed: int = 0) -> List[Tuple[list, list, list]]:
    """Labeled, unlabeled and test items drawn at random from one pool, once per draw.

    SemiMultiPose's fly protocol (Blau et al., section 5: 40 labeled, 40 unlabeled and 20 test
    frames drawn at random from the labeled clip): draw ``d`` takes
    ``random.Random(seed + d).sample(sorted(set(pool)), L + U + T)`` and splits it in that order
    into ``L`` labeled, ``U`` unlabeled and ``T`` test items (each sorted), so the three sets
    are disjoint and a draw does not change when more draws are added.

    Returns:
        list: per draw, ``(labeled, unlabeled, test)`` lists.

    Raises:
        ValueError: a negative count, or ``L + U + T`` exceeds the pool.
    """
    pool = sorted(set(pool))
    need = num_labeled + num_unlabeled + num_test
    if min(num_labeled, num_unlabeled, num_test) < 0 or need > len(pool):
        raise ValueError(f'{num_labeled} labeled + {num_unlabeled} unlabeled + {num_test} test '
                         f'items requested from {len(pool)}')
    out = []
    for d in range(num_draws):
        picked = random.Random(seed + d).sample(pool, need)
        out.append((sorted(picked[:num_labeled]),
                    sorted(picked[num_labeled:num_labeled + num_unlabeled]),
                    sorted(picked[num_labeled + num_unlabeled:])))
    return out


def random_split_files(coco: Dict, draws: Sequence[Tuple[list, list, list]],
                       num_labeled: int) -> Dict[str, Dict]:
    """COCO dicts of :func:`random_draws` over file names: for draw ``d``, ``rand{L}-d{d}``
    (labeled), ``rand{L}-d{d}_unlabeled`` (labels dropped) and ``rand{L}-d{d}_test``.

    Raises:
        ValueError: a drawn file name is missing from ``coco``.
    """
    names = {im['file_name'] for im in coco['images']}
    out = {}
    for d, (lab, unl, test) in enumerate(draws):
        missing = sorted(set(lab + unl + test) - names)
        if missing:
            raise ValueError(f'frames missing from the COCO images: {missing[:5]}')
        name = f'rand{num_labeled}-d{d}'
        out[name] = subset(coco, lab)
        out[f'{name}_unlabeled'] = subset(coco, unl, keep_annotations=False)
        out[f'{name}_test'] = subset(coco, test)
    return out


__all__: List[str] = ['subset', 'draw_splits', 'random_draws', 'random_split_files']
