"""Distributed training on machines without CUDA, through MMEngine's ``pytorch`` launcher."""
import os

import torch
import torch.distributed as torch_dist
from mmengine.config import Config


def setup_cpu_distributed(cfg: Config) -> bool:
    """Prepare a ``--launcher pytorch`` run on CPU (gloo); no-op when CUDA is available.

    MMEngine's pytorch launcher calls ``torch.cuda.set_device``, which fails without CUDA, and
    builds DDP with ``device_ids=[LOCAL_RANK]``, which is invalid for CPU modules. When the run is
    distributed and no GPU is visible, this starts the gloo process group from torchrun's
    environment (``RANK``, ``WORLD_SIZE``, ``MASTER_ADDR``, ``MASTER_PORT``) so that the Runner
    finds it initialised, and sets ``model_wrapper_cfg.device_ids = None`` (keeping the
    config's ``find_unused_parameters``).

    Args:
        cfg (Config): the run's config; ``cfg.launcher`` must already be set.

    Returns:
        bool: whether the CPU process group was started here.

    Raises:
        KeyError: a torchrun environment variable is missing.
    """
    if cfg.get('launcher', 'none') != 'pytorch' or torch.cuda.is_available():
        return False
    if not torch_dist.is_initialized():
        for key in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT'):
            if key not in os.environ:
                raise KeyError(f'--launcher pytorch needs ${key}; start with '
                               'tools/dist_train.sh (torchrun)')
        torch_dist.init_process_group(backend='gloo', rank=int(os.environ['RANK']),
                                      world_size=int(os.environ['WORLD_SIZE']))
    wrapper = dict(cfg.get('model_wrapper_cfg') or {})
    wrapper.setdefault('type', 'MMDistributedDataParallel')
    wrapper['device_ids'] = None
    wrapper.setdefault('find_unused_parameters', cfg.get('find_unused_parameters', False))
    cfg.model_wrapper_cfg = wrapper
    env_cfg = cfg.get('env_cfg') or {}
    env_cfg.setdefault('dist_cfg', {})['backend'] = 'gloo'
    cfg.env_cfg = env_cfg
    return True
