from .pckh_ajpe import ajpe, joint_errors, pckh, root_relative

__all__ = ['ajpe', 'joint_errors', 'pckh', 'root_relative']
