from .chain import CHAIN_CONFIGS, FramePose, InfantPoseChain, frames_to_rows, take_box_normalisation
from .run import frame_name, plot_3d, run_chain, track_jitter
from .smoothing import jitter, smooth_track, smooth_tracks, smoothing_effect
from .weights import MissingWeightsError, resolve_stage_checkpoint

__all__ = ['CHAIN_CONFIGS', 'FramePose', 'InfantPoseChain', 'frames_to_rows', 'take_box_normalisation', 'jitter',
           'smooth_track', 'smooth_tracks', 'run_chain', 'frame_name', 'plot_3d',
           'track_jitter', 'smoothing_effect', 'MissingWeightsError', 'resolve_stage_checkpoint']
