from .protocol import (METHODS, configure_run, paired_differences, seed_noise, table1,
                       write_report)

__all__ = ['METHODS', 'configure_run', 'paired_differences', 'seed_noise', 'table1',
           'write_report']
