"""Honeybee (github.com/piperod/beepose) to clean COCO keypoint JSONs and SemiMultiPose splits.

The published file has quirks that this converter handles without editing the data:

* every image entry and every annotation is listed twice: exact duplicates are dropped (two
  entries with one id but different content are an error);
* ``bbox`` is a placeholder (``[x, y, 100, 100]``, or an 8-number polygon in the older layout):
  boxes are derived from the visible keypoints (the tightest enclosing rectangle), and ``area``
  is that box's area, the object scale SLEAP's OKS uses;
* visibility flags are 0/1 (``[x, y, v]`` triplets), or absent in the older layout (``[x, y]``
  pairs; a point at (0, 0) or with a negative coordinate is taken as unlabeled there);
* keypoint names are spelled ``Torax``, ``Rant``/``RAnt``, ``Lant``/``LAnt``: they are mapped by
  name onto one definition, ``Tail, Head, Thorax, RAnt, LAnt`` (configs/_base_/datasets/honeybee.py).

Output keypoints follow COCO: ``v = 2`` labeled, ``v = 0`` unlabeled with ``x = y = 0``.
"""
import hashlib
import json
import math
import os
import os.path as osp
import random
import shutil
import urllib.request
from typing import Dict, List, Optional, Sequence

from ...fileio import check_output_folder, write_json_files, write_link, write_via
from .splits import draw_splits, subset  # noqa: F401 (subset: public here too)

KEYPOINT_NAMES = ('Tail', 'Head', 'Thorax', 'RAnt', 'LAnt')
SKELETON = [[1, 3], [3, 2], [2, 4], [2, 5]]  # 1-based, as published
_SPELLINGS = {
    'tail': 'Tail', 'head': 'Head', 'thorax': 'Thorax', 'torax': 'Thorax',
    'rant': 'RAnt', 'lant': 'LAnt'
}

BEEPOSE_COMMIT = 'dd7733224fe678f91cc62229d51e7875d66ba75d'
BEEPOSE_URL = ('https://raw.githubusercontent.com/piperod/beepose/'
               f'{BEEPOSE_COMMIT}/data/raw/bee/dataset_raw')
ANNOTATION_FILE = 'annotations/train_bee_annotations2018.json'
CHECKSUM_FILE = osp.join(osp.dirname(__file__), 'honeybee_sha256.txt')


class HoneybeeFormatError(ValueError):
    """A published honeybee annotation file does not have the expected structure."""


def _fail(path: str, record: str, field: str, expected: str, got=None) -> None:
    msg = f'{path}: {record}: field "{field}": expected {expected}'
    if got is not None:
        msg += f', got {got!r}'[:300]
    raise HoneybeeFormatError(msg)


def _canonical_order(path: str, categories: List[dict]) -> List[int]:
    """Index into the published keypoint list for each of :data:`KEYPOINT_NAMES`."""
    if not isinstance(categories, list) or not categories:
        _fail(path, 'top level', 'categories', 'a non-empty list', categories)
    names = categories[0].get('keypoints')
    if not isinstance(names, list):
        _fail(path, 'categories[0]', 'keypoints', 'a list of keypoint names', names)
    mapped = []
    for name in names:
        canon = _SPELLINGS.get(str(name).lower())
        if canon is None:
            _fail(path, 'categories[0]', 'keypoints',
                  f'names among {sorted(_SPELLINGS)} (any case)', name)
        mapped.append(canon)
    if sorted(mapped) != sorted(KEYPOINT_NAMES):
        _fail(path, 'categories[0]', 'keypoints', f'one each of {KEYPOINT_NAMES}', names)
    return [mapped.index(n) for n in KEYPOINT_NAMES]


def _parse_keypoints(path: str, record: str, raw, order: List[int]) -> List[float]:
    """Published keypoints (triplets or pairs) to COCO triplets in canonical order."""
    k = len(order)
    if not isinstance(raw, list) or len(raw) not in (2 * k, 3 * k):
        _fail(path, record, 'keypoints', f'a list of {3 * k} numbers ([x, y, v] triplets) or '
              f'{2 * k} numbers ([x, y] pairs)', raw)
    try:
        values = [float(v) for v in raw]
    except (TypeError, ValueError):
        _fail(path, record, 'keypoints', 'numbers', raw)
    if not all(math.isfinite(v) for v in values):
        _fail(path, record, 'keypoints', 'finite numbers (no NaN or Infinity)', raw)
    step = 3 if len(raw) == 3 * k else 2
    out = []
    for src in order:
        x, y = values[step * src], values[step * src + 1]
        if step == 3:
            v = values[step * src + 2]
            if v not in (0, 1, 2):
                _fail(path, record, 'keypoints', 'visibility flags 0, 1 or 2', v)
            labeled = v > 0
        else:
            labeled = not (x == 0 and y == 0) and x >= 0 and y >= 0
        out += [x, y, 2] if labeled else [0.0, 0.0, 0]
    return out


def _parse_images(path: str, entries: List[dict]) -> Dict[int, dict]:
    """The ``images`` list of a published file -> ``{id: {id, file_name, width, height}}``
    (whole-number ids, sizes > 0; a repeated entry kept once).

    Raises:
        HoneybeeFormatError: a missing or malformed field, or two entries with one id and
            different content (naming the file, the record and the field).
    """
    images: Dict[int, dict] = {}
    for i, img in enumerate(entries):
        rec = f'images[{i}]'
        for key in ('id', 'file_name', 'width', 'height'):
            if key not in img:
                _fail(path, rec, key, 'present')
        for key in ('id', 'width', 'height'):
            try:
                ok = float(img[key]) == int(img[key]) and (key == 'id' or int(img[key]) > 0)
            except (TypeError, ValueError, OverflowError):
                ok = False
            if not ok:
                _fail(path, rec, key, 'a whole number' + ('' if key == 'id' else ' > 0'),
                      img[key])
        entry = dict(id=int(img['id']), file_name=str(img['file_name']),
                     width=int(img['width']), height=int(img['height']))
        if entry['id'] in images and images[entry['id']] != entry:
            _fail(path, rec, 'id', 'duplicates to repeat the same entry', img['id'])
        images[entry['id']] = entry
    return images


def load_published(path: str) -> Dict:
    """Read a published honeybee annotation file and return a clean COCO keypoint dict.

    Args:
        path (str): the published JSON (either layout).

    Returns:
        dict: COCO keypoints with unique images and annotations, derived ``bbox``/``area``,
        canonical keypoint order, and one category ``bee``. Annotations whose keypoints are
        all unlabeled are dropped. A labeled point outside its image (``x`` not in
        ``[0, width)`` or ``y`` not in ``[0, height)``) is made unlabeled (``v = 0``), as COCO
        has no visibility for it. ``info.summary`` counts what was dropped or changed:
        ``duplicate_annotations``, ``points_outside_image``, ``annotations_without_points``.

    Raises:
        HoneybeeFormatError: naming the file, the record and the field that is malformed:
            missing or non-numeric fields, NaN or infinite coordinates, an empty image or
            annotation list, and two annotations with one ``id`` but different content (an
            edited copy of a duplicated record).
    """
    try:
        with open(path) as f:
            data = json.load(f)
    except json.JSONDecodeError as e:
        raise HoneybeeFormatError(f'{path}: not valid JSON ({e})') from e
    if not isinstance(data, dict):
        _fail(path, 'top level', '(root)', 'a JSON object', type(data).__name__)
    for key in ('images', 'annotations', 'categories'):
        if not isinstance(data.get(key), list) or not data[key]:
            _fail(path, 'top level', key, 'a non-empty list', data.get(key))
    order = _canonical_order(path, data['categories'])

    images = _parse_images(path, data['images'])
    seen = set()
    by_id: Dict[object, tuple] = {}
    anns = []
    summary = dict(duplicate_annotations=0, points_outside_image=0,
                   annotations_without_points=0)
    for i, ann in enumerate(data['annotations']):
        rec = f'annotations[{i}] (id {ann.get("id")})'
        for key in ('image_id', 'keypoints'):
            if key not in ann:
                _fail(path, rec, key, 'present')
        try:
            image_id = int(ann['image_id'])
        except (TypeError, ValueError):
            image_id = None
        if image_id not in images:
            _fail(path, rec, 'image_id', 'the id of an entry in "images"', ann['image_id'])
        kpts = _parse_keypoints(path, rec, ann['keypoints'], order)
        key = (image_id, tuple(kpts))
        if 'id' in ann:
            first = by_id.setdefault(ann['id'], (i, key))
            if first[1] != key:
                _fail(path, rec, 'id', f'a repeat of annotations[{first[0]}] with the same id to '
                      'have the same image_id and keypoints (an edited copy?)', ann['id'])
        if key in seen:
            summary['duplicate_annotations'] += 1
            continue
        seen.add(key)
        im = images[image_id]
        for j in range(len(order)):
            x, y = kpts[3 * j], kpts[3 * j + 1]
            if kpts[3 * j + 2] > 0 and not (0 <= x < im['width'] and 0 <= y < im['height']):
                summary['points_outside_image'] += 1
                kpts[3 * j:3 * j + 3] = [0.0, 0.0, 0]
        labeled = [(kpts[3 * j], kpts[3 * j + 1]) for j in range(len(order))
                   if kpts[3 * j + 2] > 0]
        if not labeled:
            summary['annotations_without_points'] += 1
            continue
        xs, ys = [p[0] for p in labeled], [p[1] for p in labeled]
        x0, y0 = min(xs), min(ys)
        w, h = max(xs) - x0, max(ys) - y0
        anns.append(dict(id=len(anns) + 1, image_id=int(ann['image_id']), category_id=1,
                         iscrowd=0, keypoints=kpts, num_keypoints=len(labeled),
                         bbox=[x0, y0, w, h], area=w * h))
    return dict(
        info=dict(description='honeybee keypoints (piperod/beepose), cleaned by posebridge',
                  source_file=osp.basename(path), summary=summary),
        images=sorted(images.values(), key=lambda im: im['file_name']),
        annotations=anns,
        categories=[dict(id=1, name='bee', supercategory='animal',
                         keypoints=list(KEYPOINT_NAMES), skeleton=SKELETON)])


def check_jpeg(path: str) -> None:
    """Raise ``HoneybeeFormatError`` unless ``path`` starts with the JPEG start-of-image marker
    and ends with the end-of-image marker (``FFD8`` ... ``FFD9``): an empty or truncated frame
    would otherwise be decoded with a grey bottom, silently. Other formats are not checked.
    """
    if not path.lower().endswith(('.jpg', '.jpeg')):
        return
    size = osp.getsize(path)
    with open(path, 'rb') as f:
        head = f.read(2)
        f.seek(max(size - 2, 0))
        tail = f.read(2)
    if size < 4 or head != b'\xff\xd8' or tail != b'\xff\xd9':
        raise HoneybeeFormatError(f'{path}: not a complete JPEG ({size} bytes; '
                                  f'{"empty" if size == 0 else "truncated or not a JPEG"})')


def unlabeled_images(image_dir: str, labeled: Sequence[str], next_id: int,
                     size=(2560, 1440)) -> List[dict]:
    """Image entries for the frames of ``image_dir`` that carry no label (sorted by name)."""
    labeled = set(labeled)
    names = sorted(f for f in os.listdir(image_dir)
                   if f.lower().endswith(('.jpg', '.jpeg', '.png')) and f not in labeled)
    return [dict(id=next_id + i, file_name=n, width=size[0], height=size[1])
            for i, n in enumerate(names)]


# Validation frames drawn from the 105 training frames (``make_splits``): one in seven. The 15
# frames drawn with seed 1 hold 190 bees, which leaves 90 labeled frames (1017 bees) to train on;
# on them the frame-bootstrap standard error of the CPU recipe's coco/AP is 0.033, and that of a
# paired difference between two decodings of one model 0.002-0.012 (docs/data.md).
NUM_VAL = 15


def make_splits(coco: Dict, unlabeled: List[dict], num_test: int = 30,
                small_sizes=(25, 5), num_draws: int = 5, seed: int = 0,
                num_val: int = NUM_VAL) -> Dict[str, Dict]:
    """The SemiMultiPose honeybee splits, with held-out validation and test sets.

    The paper (Blau et al., section 5) trains on Train135 / Train25 (five draws) / Train5 (five
    draws) and tests on 30 frames that were not published. Here ``num_test`` labeled frames are
    drawn once (``random.Random(seed)``) and held out; ``num_val`` validation frames are then
    drawn from the rest (``random.Random(seed + 1)``); ``train`` is what remains, ``train_full``
    is ``train`` + ``val`` (for a final model retrained with the settings chosen on ``val``);
    each small split draws ``n`` frames of ``train`` (:func:`.splits.draw_splits`). Every
    training split comes with an ``..._unlabeled`` set: the unlabeled frames plus, for small
    splits, the left-out training frames with their labels dropped. Test and validation frames
    are never part of a training set (validation frames only of ``train_full``).

    Returns:
        dict: split name (``test``, ``val``, ``train``, ``train_full``, ``train25-d0`` ...
        ``train5-d4`` and ``<name>_unlabeled``) to COCO dict.

    Raises:
        ValueError: ``num_test + num_val`` leaves no training frame.
    """
    names = sorted(im['file_name'] for im in coco['images'])
    if num_test + num_val >= len(names):
        raise ValueError(f'num_test={num_test} and num_val={num_val} leave no training frames '
                         f'out of {len(names)}')
    test = sorted(random.Random(seed).sample(names, num_test))
    pool = [n for n in names if n not in set(test)]
    val = sorted(random.Random(seed + 1).sample(pool, num_val)) if num_val else []
    return draw_splits(coco, test, pool, small_sizes, num_draws=num_draws, seed=seed,
                       extra_unlabeled=unlabeled, val=val)


def read_checksums(path: str = CHECKSUM_FILE) -> Dict[str, str]:
    """``relative path -> sha256`` from a ``sha256sum``-style file."""
    out = {}
    with open(path) as f:
        for line in f:
            if line.strip():
                digest, name = line.split(maxsplit=1)
                out[name.strip()] = digest
    return out


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    return h.hexdigest()


def download(dest: str, url: str = BEEPOSE_URL, checksums: Optional[Dict[str, str]] = None,
             timeout: float = 60) -> str:
    """Download the published honeybee files into ``dest`` and verify their sha256.

    Files already present with the right checksum are kept; a file whose checksum differs after
    download is removed and reported.

    Args:
        dest (str): folder to create (``annotations/`` and ``train/`` go inside).
        url (str): base URL of ``data/raw/bee/dataset_raw`` at the pinned commit
            (``file://`` URLs work too).
        checksums (dict, optional): relative path to sha256; defaults to the recorded list.

    Returns:
        str: ``dest``.

    Raises:
        OSError: on a download failure or a checksum mismatch, naming the file.
    """
    checksums = checksums or read_checksums()
    for rel, digest in sorted(checksums.items()):
        target = osp.join(dest, rel)
        if osp.isfile(target) and sha256(target) == digest:
            continue
        os.makedirs(osp.dirname(target), exist_ok=True)

        def fetch(tmp, rel=rel, digest=digest):
            # tmp: the exclusive temporary file of fileio.write_via, moved onto the target
            # only when the checksum matches
            with urllib.request.urlopen(f'{url}/{rel}', timeout=timeout) as r, \
                    open(tmp, 'wb') as f:
                shutil.copyfileobj(r, f)
            got = sha256(tmp)
            if got != digest:
                raise _ChecksumMismatch(
                    f'honeybee download {rel}: sha256 {got} differs from the recorded '
                    f'{digest}; the file was not kept')
        try:
            write_via(target, fetch, overwrite=True)
        except _ChecksumMismatch as e:
            raise OSError(str(e)) from None
        except Exception as e:  # noqa: BLE001 - re-raised with the file's name
            raise OSError(f'honeybee download of {url}/{rel} failed: {e}') from e
    return dest


class _ChecksumMismatch(Exception):
    """A downloaded file differs from its recorded sha256."""


def convert(src: str, out_dir: str, num_test: int = 30, seed: int = 0,
            link_images: bool = True, overwrite: bool = False,
            num_val: int = NUM_VAL) -> Dict[str, str]:
    """Convert a published honeybee folder into ``out_dir``.

    Writes ``out_dir/annotations/honeybee_<split>.json`` for every split of
    :func:`make_splits` and ``out_dir/annotations/honeybee_all.json`` (all labeled frames), and
    links ``out_dir/images`` to ``src/train`` (the frames are never copied nor modified).

    Args:
        src (str): folder holding ``annotations/train_bee_annotations2018.json`` and ``train/``.
        out_dir (str): output folder; not ``src``, ``src/train`` nor a link
            (:func:`projects.core.fileio.check_output_folder`).
        overwrite (bool): replace existing split files whose content differs (a re-run that
            writes the same content needs no ``overwrite``).
        num_val (int): validation frames drawn from the training frames (:func:`make_splits`).

    Returns:
        dict: split name to written path.

    Raises:
        HoneybeeFormatError: a malformed annotation file.
        FileNotFoundError: a missing input.
        projects.core.fileio.UnsafeOutputError: ``out_dir`` is an input folder, a file or a
            link; an output exists with other content (without
            ``overwrite``) or resolves, through a link, outside ``out_dir``.
    """
    ann_path = osp.join(src, ANNOTATION_FILE)
    img_dir = osp.join(src, 'train')
    for p in (ann_path, img_dir):
        if not osp.exists(p):
            raise FileNotFoundError(f'honeybee input {p} is missing')
    check_output_folder(out_dir, [ann_path], [src, img_dir])
    coco = load_published(ann_path)
    labeled = [im['file_name'] for im in coco['images']]
    missing = [n for n in labeled if not osp.isfile(osp.join(img_dir, n))]
    if missing:
        raise FileNotFoundError(f'{ann_path}: images entries name files missing from '
                                f'{img_dir}: {missing[:5]}')
    unl = unlabeled_images(img_dir, labeled, next_id=max(im['id'] for im in coco['images']) + 1)
    for name in labeled + [im['file_name'] for im in unl]:
        check_jpeg(osp.join(img_dir, name))
    splits = make_splits(coco, unl, num_test=num_test, seed=seed, num_val=num_val)
    splits['all'] = coco
    written = {name: osp.join(out_dir, 'annotations', f'honeybee_{name}.json')
               for name in splits}
    # every file checked before the first is written: a refusal leaves no partial set
    write_json_files({written[name]: obj for name, obj in splits.items()}, [ann_path],
                     root=out_dir, overwrite=overwrite)
    link = osp.join(out_dir, 'images')
    if link_images and not (osp.islink(link) and
                            osp.realpath(link) == osp.realpath(img_dir)):
        if osp.exists(link) and not osp.islink(link):
            raise FileExistsError(f'{link} exists and is not a link to {img_dir}')
        write_link(img_dir, link, root=out_dir, overwrite=True)  # an older link replaced
    return written
