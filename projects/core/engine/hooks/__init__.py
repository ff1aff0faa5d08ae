from .visualization_hook import PoseGTVisualizationHook

__all__ = ['PoseGTVisualizationHook']
