from .report import PAPER_TABLE1, table1

__all__ = ['PAPER_TABLE1', 'table1']
