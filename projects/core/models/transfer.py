"""Transfer initialisation: a network trained on one keypoint definition starts another.

Three modes (Scott et al. 2024 use the first, DeepLabCut's ``keepdeconvweights=False``):

* ``'reinit_head'``: keep every parameter outside the head (backbone, neck); the whole head
  starts fresh;
* ``'reinit_final'``: keep the head's intermediate layers too (MMPose's deconvolution layers,
  DirectPose's B1/B2/B3 towers; ``keepdeconvweights=True``); the per-keypoint output layers
  start fresh;
* ``'copy_mapped'``: as ``'reinit_final'``, and the output filters of every target keypoint
  with a one-to-one source keypoint (a :class:`~projects.core.keypoints.KeypointMapping`) are
  copied into its channel; keypoints with no or a derived counterpart start fresh.

A parameter is only ever copied between tensors of the same shape (or, for per-keypoint
layers, between matching channel slices); everything else keeps the target model's fresh
initialisation and is reported.
"""
from typing import Dict, List, Optional, Tuple

from torch import Tensor

from ..checkpoint import REVISE_KEYS, revise_keys as revise
from ..keypoints import KeypointMapping

MODES = ('reinit_head', 'reinit_final', 'copy_mapped')

#: per-keypoint output layers of MMPose's own heads, which cannot declare them: parameter
#: prefix (inside the head) -> (axis holding the keypoint channels, channels per keypoint).
#: PoseBridge's heads declare theirs as a class attribute ``per_keypoint_layers``.
PER_KEYPOINT_LAYERS: Dict[str, Dict[str, Tuple[int, int]]] = {
    # MMPose's SimpleBaseline head: K heatmaps
    'HeatmapHead': {'final_layer': (0, 1)},
}


def per_keypoint_layers(head) -> Dict[str, Tuple[int, int]]:
    """The per-keypoint layers of a head instance: its attribute ``per_keypoint_layers`` when
    it declares one (a class attribute, or an instance attribute when its layout depends on its
    configuration), else MMPose's entry in :data:`PER_KEYPOINT_LAYERS` (looked up along the
    class hierarchy).

    Raises:
        KeyError: a head that declares none and is not in :data:`PER_KEYPOINT_LAYERS`.
    """
    declared = getattr(head, 'per_keypoint_layers', None)
    if isinstance(declared, dict):
        return declared
    for cls in type(head).__mro__:
        if cls.__name__ in PER_KEYPOINT_LAYERS:
            return PER_KEYPOINT_LAYERS[cls.__name__]
    raise KeyError(f'no per-keypoint layers known for {type(head).__name__}: declare a class '
                   'attribute per_keypoint_layers, or pass per_keypoint_layers')


def _layer_of(name: str, layers: Dict[str, Tuple[int, int]]) -> Optional[str]:
    """The longest per-keypoint layer prefix that parameter ``name`` (head-relative) is in."""
    best = None
    for prefix in layers:
        if name.startswith(prefix + '.') and name[len(prefix) + 1:] in ('weight', 'bias'):
            if best is None or len(prefix) > len(best):
                best = prefix
    return best


def transfer_state_dict(source: Dict[str, Tensor], target: Dict[str, Tensor], mode: str,
                        layers: Dict[str, Tuple[int, int]],
                        mapping: Optional[KeypointMapping] = None,
                        head_prefix: str = 'head.') -> Tuple[Dict[str, Tensor], Dict[str, list]]:
    """The target model's state dict with the source's weights transferred.

    Args:
        source (dict): the trained network's state dict (``source keypoints``).
        target (dict): the new model's freshly initialised state dict (``target keypoints``).
        mode (str): one of :data:`MODES`.
        layers (dict): per-keypoint layers, ``prefix (relative to head_prefix) -> (axis,
            channels per keypoint)`` (:func:`per_keypoint_layers`).
        mapping (KeypointMapping, optional): source -> target definition; needed for
            ``'copy_mapped'``.
        head_prefix (str): prefix of the head's parameters.

    Returns:
        tuple: the new state dict (new tensors; inputs untouched) and a report: ``copied``
        (whole tensors from the source), ``channels`` (``(param, target keypoint, source
        keypoint)`` copies), ``fresh`` (kept from the target), ``unused`` (source tensors not
        used).

    Raises:
        ValueError: an unknown mode, ``'copy_mapped'`` without a mapping, a per-keypoint
            layer whose channel count disagrees with the mapping's keypoint counts, or a
            transfer that copies nothing it promises: no tensor at all, no intermediate head
            layer in ``'reinit_final'`` / ``'copy_mapped'`` (the target head has some), or no
            keypoint channel in ``'copy_mapped'`` (the mapping has one-to-one keypoints).
            The usual cause is key names from another code base, e.g. MMPose 0.x's
            ``keypoint_head.*``: read such checkpoints with :func:`load_source_state_dict`,
            which maps them.
    """
    if mode not in MODES:
        raise ValueError(f'unknown transfer mode {mode!r}; choose from {MODES}')
    if mode == 'copy_mapped' and mapping is None:
        raise ValueError("transfer mode 'copy_mapped' needs a keypoint mapping")
    out = {k: v.clone() for k, v in target.items()}
    report: Dict[str, list] = dict(copied=[], channels=[], fresh=[], unused=[])
    used = set()
    for name, t in target.items():
        in_head = name.startswith(head_prefix)
        rel = name[len(head_prefix):] if in_head else name
        layer = _layer_of(rel, layers) if in_head else None
        if in_head and (mode == 'reinit_head' or layer is not None):
            if layer is not None and mode == 'copy_mapped' and name in source:
                _copy_channels(name, source[name], out[name], layers[layer], mapping, report)
                used.add(name)
            else:
                report['fresh'].append(name)
            continue
        s = source.get(name)
        if s is not None and s.shape == t.shape:
            out[name] = s.detach().clone().to(t.dtype)
            report['copied'].append(name)
            used.add(name)
        else:
            report['fresh'].append(name)
    report['unused'] = [k for k in source if k not in used]
    _check_copied(mode, target, report, layers, mapping, head_prefix, source)
    return out, report


def _check_copied(mode, target, report, layers, mapping, head_prefix, source) -> None:
    """Raise if the transfer copied nothing that its mode promises (see
    :func:`transfer_state_dict`)."""
    def sample(keys):
        keys = list(keys)
        return ', '.join(keys[:3]) + (', ...' if len(keys) > 3 else '')
    hint = (f'source keys: {sample(source)}; target keys: {sample(target)} (MMPose 0.x '
            "checkpoints name the head 'keypoint_head.': load them with "
            'load_source_state_dict, which maps the names)')
    if not report['copied'] and not report['channels']:
        raise ValueError(f'transfer ({mode}) copied no tensor from the source; {hint}')
    if mode in ('reinit_final', 'copy_mapped'):
        inner = [k for k in target if k.startswith(head_prefix)
                 and _layer_of(k[len(head_prefix):], layers) is None]
        if inner and not any(k.startswith(head_prefix) for k in report['copied']):
            raise ValueError(f'transfer ({mode}) copied none of the head\'s intermediate '
                             f'layers ({sample(inner)}); {hint}')
    if mode == 'copy_mapped' and mapping.one_to_one() and not report['channels']:
        raise ValueError(f'transfer (copy_mapped) copied no keypoint channel although the '
                         f'mapping has one-to-one keypoints; {hint}')


def _copy_channels(name: str, src: Tensor, dst: Tensor, spec: Tuple[int, int],
                   mapping: KeypointMapping, report: Dict[str, list]) -> None:
    axis, group = spec
    if name.endswith('.bias') and axis != 0:
        return  # a bias of a layer that reads keypoint channels is not per keypoint
    ks, kt = len(mapping.source_names), len(mapping.target_names)
    if src.shape[axis] != ks * group or dst.shape[axis] != kt * group:
        raise ValueError(f'{name}: {src.shape[axis]} -> {dst.shape[axis]} channels on axis '
                         f'{axis}; the mapping has {ks} -> {kt} keypoints x {group}')
    other = [d for d in range(src.dim()) if d != axis]
    if [src.shape[d] for d in other] != [dst.shape[d] for d in other]:
        report['fresh'].append(name)
        return
    for t, s in mapping.one_to_one().items():
        dst.narrow(axis, t * group, group).copy_(src.narrow(axis, s * group, group))
        report['channels'].append((name, mapping.target_names[t], mapping.source_names[s]))


def resolve_checkpoint(checkpoint: str) -> str:
    """A local path, a URL, or a glob pattern (the newest match, e.g. the ``best_*.pth`` that
    MMEngine's ``save_best`` names after its epoch).

    Raises:
        FileNotFoundError: no such local file, or no match of the pattern.
    """
    import glob
    import os.path as osp
    if '://' in checkpoint:
        return checkpoint
    if any(c in checkpoint for c in '*?['):
        matches = sorted(glob.glob(checkpoint), key=osp.getmtime)
        if not matches:
            raise FileNotFoundError(f'transfer checkpoint: nothing matches {checkpoint}')
        return matches[-1]
    if not osp.isfile(checkpoint):
        raise FileNotFoundError(f'transfer checkpoint {checkpoint} does not exist')
    return checkpoint


def load_source_state_dict(checkpoint: str, revise_keys=REVISE_KEYS) -> Dict[str, Tensor]:
    """The model state dict of an MMEngine checkpoint, read with MMEngine's public
    ``CheckpointLoader.load_checkpoint`` (``state_dict``; keys revised as MMEngine's
    ``load_checkpoint(revise_keys=...)`` does, by default with
    :data:`projects.core.checkpoint.REVISE_KEYS`: the
    ``module.`` of wrapped models removed, MMPose 0.x's ``keypoint_head.`` renamed ``head.``);
    ``checkpoint`` as :func:`resolve_checkpoint` takes it.

    Raises:
        FileNotFoundError: see :func:`resolve_checkpoint`.
    """
    from mmengine.runner import CheckpointLoader
    checkpoint = resolve_checkpoint(checkpoint)
    ckpt = CheckpointLoader.load_checkpoint(checkpoint, map_location='cpu')
    return revise(ckpt.get('state_dict', ckpt), revise_keys)


def summarize(report: Dict[str, list]) -> List[str]:
    """Human-readable lines of a transfer report."""
    lines = [f'{len(report["copied"])} tensors copied from the source',
             f'{len(report["fresh"])} tensors keep their fresh initialisation']
    if report['channels']:
        pairs = sorted({(t, s) for _, t, s in report['channels']})
        lines.append('keypoint channels copied: ' + ', '.join(f'{t}<-{s}' for t, s in pairs))
    heads = sorted({n.split('.')[0] + '.' + n.split('.')[1] for n in report['fresh']
                    if n.count('.') >= 1})
    if heads:
        lines.append('fresh modules: ' + ', '.join(heads))
    if report['unused']:
        lines.append(f'{len(report["unused"])} source tensors unused')
    return lines
