from .functional import ajpe, joint_errors, pckh, root_relative
from .metrics import PCKhAJPE, read_result

__all__ = ['PCKhAJPE', 'read_result', 'ajpe', 'joint_errors', 'pckh', 'root_relative']
