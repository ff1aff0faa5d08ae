"""The chain's weights: each stage defaults to the checkpoint its config names."""
import os
import os.path as osp
from typing import Optional

#: what each stage's config names (``load_from``) and how to obtain it when it is missing
HOW_TO_GET = dict(
    det='the COCO Faster R-CNN of MMDetection\'s model zoo',
    pose2d='the MPII SimpleBaseline ResNet-50 of MMPose\'s model zoo (or your MINI-RGBD '
           'fine-tune of it)',
    lifter='the MPI-INF-3DHP pre-training (python tools/train.py '
           'configs/infant3d/image-pose-lift_tcn_8xb64-200e_mpi-inf-3dhp-mpii16.py) or your '
           'MINI-RGBD fine-tune of it')


class MissingWeightsError(RuntimeError):
    """A stage's weights are neither given nor obtainable; the message says what to get and
    where to put it."""


def resolve_stage_checkpoint(stage: str, config: str, checkpoint: Optional[str] = None,
                             root: str = '.') -> str:
    """The checkpoint of one chain stage: ``checkpoint`` if given, else the ``load_from`` of
    its config (MMEngine's convention for the weights a config starts from; the detector and
    2D configs name the COCO and MPII model-zoo checkpoints, the lifter config the
    MPI-INF-3DHP pre-training run).

    A URL is downloaded once into torch's hub cache (``<torch.hub.get_dir()>/checkpoints/``,
    where MMEngine's ``load_checkpoint`` also looks), or taken from there when it is already
    cached. A relative path is relative to ``root`` (the repository).

    Args:
        stage (str): ``'det'``, ``'pose2d'`` or ``'lifter'`` (names the command-line flag).
        config (str): the stage's config file.
        checkpoint (str, optional): an explicit path or URL.
        root (str): folder that relative paths start from.

    Returns:
        str: a local file.

    Raises:
        MissingWeightsError: no checkpoint given and the config names none, a local file that
            does not exist, or a URL that cannot be downloaded; the message names the file or
            URL, what it is, where to put it and the flag that overrides it.
    """
    from mmengine.config import Config
    given = checkpoint is not None
    if checkpoint is None:
        checkpoint = Config.fromfile(config).get('load_from')
        if not checkpoint:
            raise MissingWeightsError(
                f'{stage}: no --{stage}-checkpoint and {config} names no load_from; pass '
                f'--{stage}-checkpoint PATH ({HOW_TO_GET.get(stage, "trained weights")})')
    source = 'given' if given else f'named by {config} (load_from)'
    if '://' not in checkpoint:
        path = checkpoint if osp.isabs(checkpoint) else osp.join(root, checkpoint)
        if not osp.isfile(path):
            raise MissingWeightsError(
                f'{stage}: checkpoint {checkpoint} ({source}) does not exist; it should be '
                f'{HOW_TO_GET.get(stage, "trained weights")}: create it there, or pass '
                f'--{stage}-checkpoint PATH')
        return path
    import torch
    cache = osp.join(torch.hub.get_dir(), 'checkpoints')
    path = osp.join(cache, osp.basename(checkpoint.split('?')[0]))
    if osp.isfile(path):
        return path
    os.makedirs(cache, exist_ok=True)
    try:
        torch.hub.download_url_to_file(checkpoint, path, progress=False)
    except Exception as e:  # no network, HTTP error, refused connection
        if osp.exists(path):
            os.remove(path)
        raise MissingWeightsError(
            f'{stage}: cannot download {checkpoint} ({source}; {type(e).__name__}: {e}). It is '
            f'{HOW_TO_GET.get(stage, "trained weights")}: download it on a machine with '
            f'internet and put it at {path} (torch hub cache; TORCH_HOME moves it), or pass '
            f'--{stage}-checkpoint PATH') from e
    return path
