from . import honeybee, sleap, splits

__all__ = ['honeybee', 'sleap', 'splits']
