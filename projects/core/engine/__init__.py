from .config_check import ConfigKeyError, check_cfg_options, check_hook_args
from .dist import setup_cpu_distributed
from .hooks import PoseGTVisualizationHook, TrainableParametersHook, TransferInitHook

__all__ = ['ConfigKeyError', 'check_cfg_options', 'check_hook_args', 'setup_cpu_distributed',
           'PoseGTVisualizationHook', 'TransferInitHook', 'TrainableParametersHook']
