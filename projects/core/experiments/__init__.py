"""Experiment orchestration shared by the study tools (not metrics: those live in
``evaluation/``, as in MMPose): validation curves and mean +- SE tables with paired
differences. The runs themselves are started by the study tools in ``tools/analysis/``."""
from .runs import mean_se, read_curve
from .tables import PairedStats, markdown_table, mean_se_cell, paired_stats, write_table

__all__ = ['mean_se', 'read_curve', 'markdown_table', 'mean_se_cell',
           'paired_stats', 'PairedStats', 'write_table']
