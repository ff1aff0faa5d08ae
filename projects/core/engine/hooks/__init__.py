from .transfer_hook import TrainableParametersHook, TransferInitHook
from .visualization_hook import PoseGTVisualizationHook

__all__ = ['PoseGTVisualizationHook', 'TransferInitHook', 'TrainableParametersHook']
