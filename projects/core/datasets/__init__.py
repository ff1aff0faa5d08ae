from .animal_datasets import FlyDataset, HoneybeeDataset, MousePupDataset

__all__ = ['HoneybeeDataset', 'FlyDataset', 'MousePupDataset']
