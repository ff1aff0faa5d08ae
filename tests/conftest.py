"""Shared test fixtures: where the real data are, and a small converted honeybee set."""
import os
import os.path as osp
import sys

import pytest

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


def shared_data_dir() -> str:
    """``$POSEBRIDGE_SHARED_DATA`` or ``../shared/data`` next to the repository."""
    path = os.environ.get('POSEBRIDGE_SHARED_DATA', osp.join(ROOT, '..', 'shared', 'data'))
    if not osp.isdir(path):
        raise FileNotFoundError(
            f'the real data folder {path} is missing: put ../shared beside the repository or '
            'set POSEBRIDGE_SHARED_DATA')
    return osp.abspath(path)


@pytest.fixture(autouse=True, scope='session')
def mmpose_scope():
    """Build transforms and models from MMPose's registries, as configs do."""
    from mmengine.registry import init_default_scope
    init_default_scope('mmpose')


@pytest.fixture(scope='session')
def shared_data():
    return shared_data_dir()


@pytest.fixture(scope='session')
def honeybee_coco(tmp_path_factory, shared_data):
    """The real honeybee files converted once per session; returns the output folder."""
    from projects.core.datasets.converters import honeybee
    out = tmp_path_factory.mktemp('honeybee')
    honeybee.convert(osp.join(shared_data, 'honeybee'), str(out))
    return str(out)
