from .dist import setup_cpu_distributed
from .hooks import PoseGTVisualizationHook

__all__ = ['setup_cpu_distributed', 'PoseGTVisualizationHook']
