from .animal_datasets import SleapFlyDataset, HoneybeeDataset, MousePupDataset

__all__ = ['HoneybeeDataset', 'SleapFlyDataset', 'MousePupDataset']
