from .dist import setup_cpu_distributed
from .hooks import PoseGTVisualizationHook, TrainableParametersHook, TransferInitHook

__all__ = ['setup_cpu_distributed', 'PoseGTVisualizationHook', 'TransferInitHook',
           'TrainableParametersHook']
