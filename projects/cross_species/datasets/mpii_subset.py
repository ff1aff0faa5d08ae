"""Random single-person MPII subsets (Scott et al. 2024: 1,000 images, 95/5 train/validation),
with a disjoint test set (the paper tested on its training images; this does not)."""
import json
import os.path as osp
import random
from collections import Counter
from typing import Dict, List, Optional

from projects.core.fileio import write_json

REQUIRED = ('image', 'joints', 'joints_vis', 'center', 'scale')


def load_mpii(path: str) -> List[dict]:
    """MMPose's MPII annotation list (``mpii_train.json`` / ``mpii_val.json``).

    Raises:
        FileNotFoundError: a missing file.
        ValueError: not a list of person entries with ``image, joints, joints_vis, center,
            scale`` (the file, entry index and field are named).
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'MPII annotation file {path} does not exist')
    try:
        with open(path) as f:
            anns = json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ValueError(f'MPII annotation file {path} is not valid JSON ({e}); truncated?') \
            from e
    if not isinstance(anns, list):
        raise ValueError(f'{path}: expected a list of person entries (MMPose MPII format), got '
                         f'{type(anns).__name__}')
    for i, a in enumerate(anns):
        missing = [k for k in REQUIRED if k not in a]
        if missing:
            raise ValueError(f'{path}: entry {i}: fields {missing} are missing')
        if len(a['joints']) != 16:
            raise ValueError(f'{path}: entry {i}: field "joints": expected 16 [x, y] pairs, got '
                             f'{len(a["joints"])}')
    return anns


def draw_mpii_subset(ann_file: str, out_dir: str, num: int = 1000, seed: int = 0,
                     val_fraction: float = 0.05, num_test: Optional[int] = None,
                     prefix: str = 'mpii_single', overwrite: bool = False) -> Dict[str, str]:
    """Draw ``num`` single-person images, split train/val, and a disjoint test set.

    Single-person images are those with exactly one annotated person in ``ann_file`` (MMPose's
    MPII files do not carry MPII's ``single_person`` flag; this is the closest rule the files
    allow). ``num`` images are drawn with ``random.Random(seed)``; ``round(val_fraction * num)``
    of them form the validation set, the rest the training set; ``num_test`` further images
    (default: all remaining single-person images) form the test set.

    Writes ``<prefix>-<num>-s<seed>_train.json``, ``..._val.json`` and ``..._test.json`` in
    ``out_dir`` (MMPose's MPII format, usable by ``MpiiDataset``), and
    ``..._benchmark_train.json``: every entry of ``ann_file`` (multi-person images included)
    whose image is not in the test set, the training set of the human-only Benchmark, which
    must not see its test images. Files are written with
    :func:`projects.core.fileio.write_json` (existing files with other content are replaced only
    with ``overwrite``).

    Returns:
        dict: ``train``, ``val``, ``test``, ``benchmark_train`` to written paths.

    Raises:
        ValueError: fewer single-person images than requested.
    """
    anns = load_mpii(ann_file)
    counts = Counter(a['image'] for a in anns)
    singles = sorted(img for img, c in counts.items() if c == 1)
    need = num + (num_test or 0)
    if need > len(singles):
        raise ValueError(f'{ann_file}: {len(singles)} single-person images, {need} requested')
    rng = random.Random(seed)
    drawn = rng.sample(singles, num)
    rest = sorted(set(singles) - set(drawn))
    test = rest if num_test is None else sorted(rng.sample(rest, num_test))
    n_val = int(round(val_fraction * num))
    val, train = sorted(drawn[:n_val]), sorted(drawn[n_val:])
    by_image = {a['image']: a for a in anns if counts[a['image']] == 1}
    written = {}
    for name, images in (('train', train), ('val', val), ('test', test)):
        path = osp.join(out_dir, f'{prefix}-{num}-s{seed}_{name}.json')
        write_json([by_image[i] for i in images], path, [ann_file], root=out_dir,
                   overwrite=overwrite)
        written[name] = path
    test_set = set(test)
    path = osp.join(out_dir, f'{prefix}-{num}-s{seed}_benchmark_train.json')
    write_json([a for a in anns if a['image'] not in test_set], path, [ann_file], root=out_dir,
               overwrite=overwrite)
    written['benchmark_train'] = path
    return written
