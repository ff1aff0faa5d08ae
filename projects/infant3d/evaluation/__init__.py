from .functional import ajpe, joint_errors, pckh, root_relative
from .metrics import InfantPoseMetric, read_result

__all__ = ['InfantPoseMetric', 'read_result', 'ajpe', 'joint_errors', 'pckh', 'root_relative']
