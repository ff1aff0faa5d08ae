from .animal_datasets import HoneybeeDataset, MousePupDataset, SleapFlyDataset
from .unlabeled_dataset import LoadFrame, UnlabeledFrameDataset

__all__ = ['HoneybeeDataset', 'SleapFlyDataset', 'MousePupDataset', 'UnlabeledFrameDataset',
           'LoadFrame']
