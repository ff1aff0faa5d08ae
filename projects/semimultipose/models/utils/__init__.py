from .pseudo_keypoints import PseudoKeypoints, pseudo_keypoints, render_pseudo_heatmaps

__all__ = ['PseudoKeypoints', 'pseudo_keypoints', 'render_pseudo_heatmaps']
