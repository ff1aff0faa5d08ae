from .mpii_subset import draw_mpii_subset
from .transforms import WholeImageBBox

__all__ = ['WholeImageBBox', 'draw_mpii_subset']
