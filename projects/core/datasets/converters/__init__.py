from . import honeybee, sleap

__all__ = ['honeybee', 'sleap']
