"""Every config under configs/ parses, and its model builds and runs a forward pass."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from mmpose.registry import MODELS

import projects.semimultipose  # noqa: F401

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = sorted(glob.glob(osp.join(ROOT, 'configs', 'semimultipose', '*.py')))


def test_configs_found():
    assert len(CONFIGS) >= 4


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_builds(path):
    cfg = Config.fromfile(path)
    assert cfg.custom_imports.imports == ['projects.semimultipose']
    cfg.model.backbone.init_cfg = None  # no download
    model = MODELS.build(cfg.model)
    model.init_weights()
    codec = cfg.model.head.decoder
    w, h = codec.input_size
    assert (w // codec.heatmap_size[0], h // codec.heatmap_size[1]) == (8, 8)
    with torch.no_grad():
        a, b, d = model.head(model.extract_feat(torch.zeros(1, 3, 64, 96)))
    k = cfg.model.head.num_keypoints
    assert a.shape == (1, k, 8, 12) and d.shape == (1, 2 * k, 8, 12)
