from .protocol import mean_se, read_curve, run_options, table1, write_report

__all__ = ['mean_se', 'read_curve', 'run_options', 'table1', 'write_report']
