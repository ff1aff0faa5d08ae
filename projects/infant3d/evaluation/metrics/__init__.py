from .infant_pose_metric import InfantPoseMetric, read_result

__all__ = ['InfantPoseMetric', 'read_result']
