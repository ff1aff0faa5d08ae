from .score_threshold_hook import ScoreThresholdHook
from .transfer_hook import TrainableParametersHook, TransferInitHook
from .visualization_hook import PoseGTVisualizationHook

__all__ = ['PoseGTVisualizationHook', 'ScoreThresholdHook', 'TransferInitHook', 'TrainableParametersHook']
