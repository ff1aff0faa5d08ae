"""Cross-species transfer (Scott et al. 2024): a macaque network fine-tuned on a few humans.

Importing this package registers PoseBridge's shared pieces (keypoint mappings, the
threshold-sweep metric, transfer hooks, safe checkpoint loading) and the whole-image transform.
"""
import projects.core  # noqa: F401
from .datasets import WholeImageBBox, draw_mpii_subset

__all__ = ['WholeImageBBox', 'draw_mpii_subset']
