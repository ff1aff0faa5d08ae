from .pckh_ajpe_metric import PCKhAJPE, read_result

__all__ = ['PCKhAJPE', 'read_result']
