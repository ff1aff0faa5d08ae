from .transfer import (MODES, PER_KEYPOINT_LAYERS, load_source_state_dict, per_keypoint_layers,
                       summarize, transfer_state_dict)

__all__ = ['MODES', 'PER_KEYPOINT_LAYERS', 'load_source_state_dict', 'per_keypoint_layers',
           'summarize', 'transfer_state_dict']
