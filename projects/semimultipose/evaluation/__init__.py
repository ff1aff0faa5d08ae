from .protocol import mean_se, read_curve, configure_run, table1, write_report

__all__ = ['mean_se', 'read_curve', 'configure_run', 'table1', 'write_report']
