from .config_check import ConfigKeyError, check_cfg_options, check_hook_args
from .dist import setup_cpu_distributed
from .hooks import (PoseGTVisualizationHook, ScoreThresholdHook, TrainableParametersHook,
                    TransferInitHook)
from .optim_wrapper import CPUAmpOptimWrapper

__all__ = ['ConfigKeyError', 'CPUAmpOptimWrapper', 'check_cfg_options', 'check_hook_args',
           'setup_cpu_distributed', 'PoseGTVisualizationHook', 'ScoreThresholdHook', 'TransferInitHook',
           'TrainableParametersHook']
