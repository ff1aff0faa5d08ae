"""Decoding steps of :class:`~projects.semimultipose.codecs.DirectPoseLabel` as functions (as
MMPose keeps its codecs' shared steps in ``mmpose.codecs.utils``)."""
from .grouping import candidate_instances, fuse_flipped, group_candidates
from .heatmaps import dark_taylor_step, heatmap_peaks, refine_to_peaks, rescore_with_heatmaps

__all__ = ['candidate_instances', 'group_candidates', 'fuse_flipped', 'heatmap_peaks',
           'refine_to_peaks', 'rescore_with_heatmaps', 'dark_taylor_step']
