"""Experiment orchestration shared by the study tools (not metrics: those live in
``evaluation/``, as in MMPose): training runs that resume, validation curves, and mean +- SE
tables with paired differences."""
from .runs import mean_se, read_curve, train_run
from .tables import markdown_table, mean_se_cell, paired_stats, write_table

__all__ = ['mean_se', 'read_curve', 'train_run', 'markdown_table', 'mean_se_cell',
           'paired_stats', 'write_table']
