"""Maps between two keypoint definitions by name, with derived and missing keypoints.

One facility for every project: cross-species transfer (MacaquePose COCO-17 -> MPII-16, fly ->
honeybee), the Baseline that applies a network to another definition, and infant joints
(SMIL-25 -> MPII-16). A mapping says, for each keypoint of the *target* definition, where it
comes from in the *source* definition:

* a source keypoint name (one-to-one; the default when both definitions have the same name);
* ``('mean', [names])``: the mean of several source keypoints (MPII pelvis = mean of the hips,
  thorax = mean of the shoulders); it is visible only when all of them are;
* ``None``: no counterpart (MPII head_top and upper_neck have none in MacaquePose); such
  keypoints are marked invalid and must be excluded from every metric.

Every target keypoint must be covered by an explicit rule or a same-named source keypoint;
anything else raises, so a silently dropped joint cannot happen.
"""
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

#: this repository's dataset-info folder
_OWN_INFOS = osp.join(osp.dirname(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))),
                      'configs', '_base_', 'datasets')

Rule = Union[str, Tuple[str, Sequence[str]], None]


def keypoint_names(definition: Union[str, dict, Sequence[str]]) -> List[str]:
    """Keypoint names, in channel order, of a definition.

    Args:
        definition: a list of names; a dataset-info dict (MMPose's ``dataset_info`` format or
            the parsed metainfo with ``keypoint_id2name``); a path to a dataset-info file; or
            the name of one (``'mpii'``, ``'macaque'``, ``'h36m'``: MMPose's; ``'honeybee'``,
            ``'fly'``, ``'mouse_pup'``, ``'mini_rgbd'``, ``'mpi_inf_3dhp'``: this repository's
            ``configs/_base_/datasets``).

    Raises:
        FileNotFoundError: a name or path that matches no dataset-info file.
        ValueError: a dict without keypoint information.
    """
    if isinstance(definition, (list, tuple)):
        return [str(n) for n in definition]
    if isinstance(definition, str):
        path = definition
        if not osp.isfile(path):
            candidates = [osp.join(_OWN_INFOS, f'{definition}.py')]
            try:
                import mmpose
                candidates.append(osp.join(osp.dirname(mmpose.__file__), '.mim', 'configs',
                                           '_base_', 'datasets', f'{definition}.py'))
            except ImportError:  # pragma: no cover
                pass
            found = [c for c in candidates if osp.isfile(c)]
            if not found:
                raise FileNotFoundError(f'no dataset-info file for {definition!r}; looked at '
                                        f'{candidates}')
            path = found[0]
        from mmengine.config import Config
        definition = Config.fromfile(path).dataset_info
    if 'keypoint_id2name' in definition:
        id2name = definition['keypoint_id2name']
        return [id2name[i] for i in range(len(id2name))]
    if 'keypoint_info' in definition:
        info = definition['keypoint_info']
        return [info[i]['name'] for i in sorted(info)]
    raise ValueError('a keypoint definition needs keypoint_info or keypoint_id2name')


class KeypointMapping:
    """Map keypoints of a source definition onto a target definition.

    Args:
        source, target: definitions (see :func:`keypoint_names`).
        rules (dict, optional): target name -> source name, ``('mean', [source names])`` or
            ``None`` (no counterpart). Target keypoints without a rule take the source keypoint
            of the same name (case-insensitive).

    Attributes:
        valid (np.ndarray): ``(K_target,)`` bool, False for keypoints with no counterpart.

    Raises:
        ValueError: a rule names an unknown keypoint, a rule is malformed, or a target keypoint
            has neither a rule nor a same-named source keypoint.
    """

    def __init__(self, source, target, rules: Optional[Dict[str, Rule]] = None) -> None:
        self.source_names = keypoint_names(source)
        self.target_names = keypoint_names(target)
        rules = dict(rules or {})
        unknown = [t for t in rules if t not in self.target_names]
        if unknown:
            raise ValueError(f'mapping rules name target keypoints {unknown} that are not in '
                             f'{self.target_names}')
        lower = {n.lower(): i for i, n in enumerate(self.source_names)}
        self.sources: List[List[int]] = []  # per target: source indices ([] = none)
        uncovered = []
        for name in self.target_names:
            if name in rules:
                self.sources.append(self._parse(name, rules[name]))
            elif name.lower() in lower:
                self.sources.append([lower[name.lower()]])
            else:
                uncovered.append(name)
                self.sources.append([])
        if uncovered:
            raise ValueError(f'target keypoints {uncovered} have no same-named source keypoint '
                             f'in {self.source_names}; give each a rule (a source name, '
                             "('mean', [names]) or None for no counterpart)")
        self.valid = np.array([len(s) > 0 for s in self.sources], dtype=bool)

    def _parse(self, target: str, rule: Rule) -> List[int]:
        if rule is None:
            return []
        if isinstance(rule, str):
            names = [rule]
        elif (isinstance(rule, (tuple, list)) and len(rule) == 2 and rule[0] == 'mean'
              and isinstance(rule[1], (list, tuple)) and len(rule[1]) >= 1):
            names = list(rule[1])
        else:
            raise ValueError(f'rule for {target!r} must be a source name, (\'mean\', [names]) '
                             f'or None; got {rule!r}')
        missing = [n for n in names if n not in self.source_names]
        if missing:
            raise ValueError(f'rule for {target!r} names source keypoints {missing} that are '
                             f'not in {self.source_names}')
        return [self.source_names.index(n) for n in names]

    @property
    def num_target(self) -> int:
        return len(self.target_names)

    def one_to_one(self) -> Dict[int, int]:
        """``target index -> source index`` for keypoints copied from exactly one source
        keypoint (what a transfer initialisation can copy filters for)."""
        return {t: s[0] for t, s in enumerate(self.sources) if len(s) == 1}

    def apply(self, keypoints: np.ndarray,
              scores: Optional[np.ndarray] = None) -> Tuple[np.ndarray, np.ndarray]:
        """Map keypoints (ground truth or predictions) into the target definition.

        Args:
            keypoints (np.ndarray): ``(..., K_source, D)`` coordinates (any D, any units).
            scores (np.ndarray, optional): ``(..., K_source)`` visibilities or confidences;
                ones if omitted.

        Returns:
            tuple: ``(..., K_target, D)`` keypoints (the mean of the sources for derived ones,
            0 for those with no counterpart) and ``(..., K_target)`` scores (the minimum over
            the sources, so a derived keypoint is as visible/confident as its weakest source;
            0 where there is no counterpart).

        Raises:
            ValueError: ``keypoints`` do not have ``K_source`` keypoints.
        """
        keypoints = np.asarray(keypoints, dtype=np.float64)
        if keypoints.ndim < 2 or keypoints.shape[-2] != len(self.source_names):
            raise ValueError(f'keypoints of shape {keypoints.shape}: expected (..., '
                             f'{len(self.source_names)}, D) for {self.source_names}')
        if scores is None:
            scores = np.ones(keypoints.shape[:-1])
        scores = np.asarray(scores, dtype=np.float64)
        out = np.zeros(keypoints.shape[:-2] + (self.num_target, keypoints.shape[-1]))
        out_scores = np.zeros(keypoints.shape[:-2] + (self.num_target, ))
        for t, src in enumerate(self.sources):
            if src:
                out[..., t, :] = keypoints[..., src, :].mean(axis=-2)
                out_scores[..., t] = scores[..., src].min(axis=-1)
        return out, out_scores

    def converter_mapping(self) -> List[tuple]:
        """The ``mapping`` of MMPose's ``KeypointConverter`` transform (training data).

        Raises:
            ValueError: a derived keypoint averages more than two sources (MMPose's converter
                interpolates pairs only).
        """
        out = []
        for t, src in enumerate(self.sources):
            if len(src) == 1:
                out.append((src[0], t))
            elif len(src) == 2:
                out.append((tuple(src), t))
            elif len(src) > 2:
                raise ValueError(f'{self.target_names[t]!r} averages {len(src)} keypoints; '
                                 "MMPose's KeypointConverter takes pairs")
        return out

    def __repr__(self) -> str:
        parts = []
        for name, src in zip(self.target_names, self.sources):
            parts.append(f'{name}<-' + ('none' if not src else
                                        '+'.join(self.source_names[i] for i in src)))
        return f'KeypointMapping({", ".join(parts)})'


#: MacaquePose (COCO-17 names) to MPII-16 (Scott et al.: head_top is missing in macaques)
MACAQUE_TO_MPII_RULES: Dict[str, Rule] = {
    'pelvis': ('mean', ['left_hip', 'right_hip']),
    'thorax': ('mean', ['left_shoulder', 'right_shoulder']),
    'upper_neck': None,
    'head_top': None,
}
#: the SLEAP fly clip (13 nodes) to honeybees (Tail, Head, Thorax, RAnt, LAnt)
FLY_TO_HONEYBEE_RULES: Dict[str, Rule] = {
    'Head': 'head', 'Thorax': 'thorax', 'Tail': 'abdomen', 'RAnt': None, 'LAnt': None,
}

#: MINI-RGBD's 25 SMIL joints to MPII-16 (Ellershaw et al. 2020; the authors' joint
#: correspondence: thorax = spine2, upper_neck = neck, head_top = the nose vertex)
MINI_RGBD_TO_MPII_RULES: Dict[str, Rule] = {
    'right_ankle': 'rightFoot', 'right_knee': 'rightCalf', 'right_hip': 'rightThigh',
    'left_hip': 'leftThigh', 'left_knee': 'leftCalf', 'left_ankle': 'leftFoot',
    'pelvis': 'pelvis', 'thorax': 'spine2', 'upper_neck': 'neck', 'head_top': 'noseVertex',
    'right_wrist': 'rightHand', 'right_elbow': 'rightForeArm', 'right_shoulder': 'rightUpperArm',
    'left_shoulder': 'leftUpperArm', 'left_elbow': 'leftForeArm', 'left_wrist': 'leftHand',
}

#: MPI-INF-3DHP's 17 joints (MMPose 0.x order) to MPII-16 for lifting, the pelvis ('root') as
#: root, with Ellershaw et al.'s head joints (their ``DataSets/Utils/Config.py``, ``MPI_INF``
#: ``MPIIMapping`` over 3DHP's 28 joints: thorax <- spine4, upper_neck <- neck, head_top <-
#: head), the same correspondence as their MINI-RGBD one (thorax <- spine2, upper_neck <- neck,
#: head_top <- nose vertex), so that pre-training and fine-tuning agree on what the head joints
#: mean. MMPose's 17-joint files have no spine4 (the top spine joint, at the height of the
#: shoulders): thorax is the midpoint of the shoulders, MPII's own thorax definition.
MPI_INF_3DHP_TO_MPII_RULES: Dict[str, Rule] = {
    'right_ankle': 'right_ankle', 'right_knee': 'right_knee', 'right_hip': 'right_hip',
    'left_hip': 'left_hip', 'left_knee': 'left_knee', 'left_ankle': 'left_ankle',
    'pelvis': 'root', 'thorax': ('mean', ['left_shoulder', 'right_shoulder']),
    'upper_neck': 'neck', 'head_top': 'head',
    'right_wrist': 'right_wrist', 'right_elbow': 'right_elbow',
    'right_shoulder': 'right_shoulder', 'left_shoulder': 'left_shoulder',
    'left_elbow': 'left_elbow', 'left_wrist': 'left_wrist',
}
#: Human3.6M's 17 joints (MMPose's h36m dataset info) to MPII-16, the pelvis ('root') as root:
#: thorax -> thorax, neck_base -> upper_neck, head (the crown marker) -> head_top, feet -> ankles
HUMAN36M_TO_MPII_RULES: Dict[str, Rule] = {
    'right_ankle': 'right_foot', 'right_knee': 'right_knee', 'right_hip': 'right_hip',
    'left_hip': 'left_hip', 'left_knee': 'left_knee', 'left_ankle': 'left_foot',
    'pelvis': 'root', 'thorax': 'thorax', 'upper_neck': 'neck_base', 'head_top': 'head',
    'right_wrist': 'right_wrist', 'right_elbow': 'right_elbow',
    'right_shoulder': 'right_shoulder', 'left_shoulder': 'left_shoulder',
    'left_elbow': 'left_elbow', 'left_wrist': 'left_wrist',
}

#: named mappings: ``(source, target, rules)``
MAPPINGS = {
    'macaque_to_mpii': ('macaque', 'mpii', MACAQUE_TO_MPII_RULES),
    'fly_to_honeybee': ('fly', 'honeybee', FLY_TO_HONEYBEE_RULES),
    'mini_rgbd_to_mpii': ('mini_rgbd', 'mpii', MINI_RGBD_TO_MPII_RULES),
    'mpi_inf_3dhp_to_mpii': ('mpi_inf_3dhp', 'mpii', MPI_INF_3DHP_TO_MPII_RULES),
    'h36m_to_mpii': ('h36m', 'mpii', HUMAN36M_TO_MPII_RULES),
}


def build_mapping(name_or_cfg: Union[str, dict, 'KeypointMapping']) -> KeypointMapping:
    """A mapping from a registered name (``MAPPINGS``) or ``dict(source=, target=, rules=)``.

    Raises:
        KeyError: an unknown name.
    """
    if isinstance(name_or_cfg, KeypointMapping):
        return name_or_cfg
    if isinstance(name_or_cfg, str):
        if name_or_cfg not in MAPPINGS:
            raise KeyError(f'unknown keypoint mapping {name_or_cfg!r}; known: {sorted(MAPPINGS)}')
        return KeypointMapping(*MAPPINGS[name_or_cfg])
    cfg = dict(name_or_cfg)
    return KeypointMapping(cfg['source'], cfg['target'], cfg.get('rules'))
