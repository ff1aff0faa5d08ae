"""The configs of a new project (``tools/new_project.py``): the CPU recipe fitted to the data.

What follows from the labels (each choice is written into the project's README):

* **input size** (:func:`choose_input_size`): frames are scaled so that the median animal
  spans at least as many input pixels as a bee does in the honeybee recipe (the longer side of
  a bee's keypoint box is 258 px in the 2560x1440 frames, read at a quarter: 64 px), and the
  input has at least the recipe's 640x384 pixels (the recipe's step cost, which the budget
  was measured for) unless the frame is smaller; never upscaled; sides multiples of 32;
* **codec**: heatmap size = input / 8 (B2/B3), B1 twice as fine, as the recipe;
  ``max_instances`` = the most animals labeled in one frame (one for single-animal labels),
  plus a quarter (at least one) for multi-animal labels;
* **rotation**: any angle when the animals' headings in the labels are spread (mean resultant
  length ``R < 0.5``, a view from above), else the paper's +-30 degrees (a side view);
* **iterations**: the recipe's 2400 iterations at batch 4 scaled by the recipe's input pixels
  over this input's (the same pixel budget, about the recipe's 22-28 CPU minutes), within
  600-4800; ``tools/train.py --budget MINUTES`` trains to a time budget instead.

The configs inherit the honeybee recipe trio and the paper's honeybee config and override
their data; none is a copy.
"""
import math
import os.path as osp
from typing import Dict, Optional, Tuple

import numpy as np

#: the honeybee recipe's input, iterations and median animal size in input pixels (the longer
#: side of the keypoint box; 258 px measured on the 1614 labeled bees of the 2560x1440
#: frames, read at 0.25)
RECIPE_INPUT = (640, 384)
RECIPE_ITERS = 2400
RECIPE_ANIMAL_PX = 64.5
#: the configs a project inherits (paths in the repository)
REPO = osp.dirname(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
RECIPE_BASE = osp.join(REPO, 'configs', 'semimultipose', 'honeybee',
                       'semimultipose_mobilenetv2-fpn_cpu-30min_honeybee-640x384.py')
PAPER_BASE = osp.join(REPO, 'configs', 'semimultipose', 'honeybee',
                      'semimultipose_resnet50-fpn_15k_honeybee-1280x736.py')


def _round32(x: float) -> int:
    return max(64, int(round(x / 32.0)) * 32)


def choose_input_size(frame_size: Tuple[int, int], animal_px: float,
                      max_pixels_factor: float = 4.0) -> Dict[str, object]:
    """The model input ``(w, h)`` for frames of ``frame_size`` with animals ``animal_px`` long.

    ``scale = min(1, max(RECIPE_ANIMAL_PX / animal_px, sqrt(recipe pixels / frame pixels)))``,
    further capped so that the input has at most ``max_pixels_factor`` times the recipe's
    pixels; each side rounded to a multiple of 32 (MMPose's ``BottomupResize`` size factor).

    Args:
        frame_size (tuple): ``(W, H)`` of the frames, pixels.
        animal_px (float): the median animal length (longer side of the keypoint box), pixels.
        max_pixels_factor (float): the largest input, in recipe inputs.

    Returns:
        dict: ``input_size`` ``(w, h)``, ``scale`` (input / frame), ``animal_input_px`` (the
        median animal in input pixels) and ``rule`` (which term decided: ``'animal'``,
        ``'pixels'``, ``'native'`` or ``'cap'``).

    Raises:
        ValueError: a non-positive frame size or animal length.
    """
    w, h = frame_size
    if w <= 0 or h <= 0 or not animal_px > 0:
        raise ValueError(f'frame size {frame_size} and animal length {animal_px} must be > 0')
    recipe_px = RECIPE_INPUT[0] * RECIPE_INPUT[1]
    s_animal = RECIPE_ANIMAL_PX / animal_px
    s_pixels = math.sqrt(recipe_px / (w * h))
    s, rule = (s_animal, 'animal') if s_animal >= s_pixels else (s_pixels, 'pixels')
    if s >= 1.0:
        s, rule = 1.0, 'native'
    s_cap = math.sqrt(max_pixels_factor * recipe_px / (w * h))
    if s > s_cap:
        s, rule = s_cap, 'cap'
    size = (_round32(w * s), _round32(h * s))
    return dict(input_size=size, scale=size[0] / w, animal_input_px=animal_px * size[0] / w,
                rule=rule)


def recipe_iters(input_size: Tuple[int, int]) -> int:
    """The recipe's iterations at the same pixel budget (rounded to 100, 600-4800)."""
    n = RECIPE_ITERS * RECIPE_INPUT[0] * RECIPE_INPUT[1] / (input_size[0] * input_size[1])
    return int(min(4800, max(600, round(n / 100.0) * 100)))


def max_instances(per_frame: np.ndarray) -> int:
    """Instances the decoder returns: the most labeled in a frame; plus a quarter (at least
    one) when frames hold several animals."""
    most = int(np.max(per_frame))
    return 1 if most <= 1 else most + max(1, int(math.ceil(most / 4)))


def rotate_factor(spread: Optional[float]) -> int:
    """Any angle (180) for spread headings (``R < 0.5`` or unknown), else the paper's 30."""
    return 180 if spread is None or spread < 0.5 else 30


_HEADER = '''# {what}: written by tools/new_project.py for the labels {labels}.
# It inherits {base_name}
# and replaces its data: dataset, keypoints, input size, codec sizes, splits.
# The choices that follow from the labels are explained in README.md beside this file.
'''

_DATA = '''
data_root = '{{{{ fileDirname }}}}/'
dataset_type = 'CheckedCocoStyleDataset'
dataset_info = '{{{{ fileDirname }}}}/dataset_info.py'
metainfo = dict(from_file=dataset_info)
num_keypoints = {k}
input_size = {input_size}
stride = 8
labeled_ann = 'annotations/train.json'
unlabeled_ann = 'annotations/unlabeled.json'
val_ann = 'annotations/val.json'
test_ann = 'annotations/test.json'
max_iters = {iters}

codec = dict(_base_.codec, input_size=input_size,
             heatmap_size=(input_size[0] // stride, input_size[1] // stride),
             max_instances={max_instances})
model = dict(head=dict(num_keypoints=num_keypoints, decoder=codec))
affine = dict(_base_.affine, input_size=input_size, rotate_factor={rotate})
geometric = [dict(type='LoadFrame'), affine, dict(type='RandomFlip', direction='horizontal')]
train_pipeline = geometric + [dict(type='GenerateTarget', encoder=codec),
                              dict(type='PackPoseInputs')]
unlabeled_pipeline = geometric + [dict(type='PackPoseInputs')]
val_pipeline = [dict(type='LoadImage'), dict(_base_.val_resize, input_size=input_size),
                _base_.val_pack]
labeled_dataset = dict(_base_.labeled_dataset, type=dataset_type, data_root=data_root,
                       metainfo=metainfo, ann_file=labeled_ann, pipeline=train_pipeline)
unlabeled_dataset = dict(_base_.unlabeled_dataset, data_root=data_root, metainfo=metainfo,
                         ann_file=unlabeled_ann, pipeline=unlabeled_pipeline)
train_dataloader = dict(dataset=dict(datasets=[labeled_dataset, unlabeled_dataset]))
train_cfg = dict(max_iters=max_iters, val_interval=max(max_iters // 4, 1))
param_scheduler = [_base_.param_scheduler[0], dict(_base_.param_scheduler[1], end=max_iters)]
# the instance-score threshold with the best F1 on the val frames goes into the checkpoints
# (tools/predict.py uses it when --score-thr is not given)
custom_hooks = [dict(type='SemiMultiPoseHook', alpha=0.01, beta=0.1,
                     fl_start=max_iters * 2 // 15, fu_start=max_iters * 5 // 15),
                dict(type='ScoreThresholdHook')]
default_hooks = dict(checkpoint=dict(interval=max(max_iters // 4, 1), save_best='coco/AP',
                                     rule='greater'))

# validation on the val frames (save_best reads them), testing on the test frames
eval_dataset = dict(type=dataset_type, data_root=data_root, data_mode='bottomup',
                    metainfo=metainfo, data_prefix=dict(img='images/'), test_mode=True,
                    pipeline=val_pipeline)
val_dataloader = dict(dataset=dict(eval_dataset, ann_file=val_ann))
test_dataloader = dict(dataset=dict(eval_dataset, ann_file=test_ann))
# OKS AP with the dataset's sigmas (coco/), SLEAP's OKS (stddev 0.025 over the keypoint box,
# sleap/), and DeepLabCut's test error: pixel distance per keypoint (px/)
coco_ap = dict(type='KeypointAP', score_mode='bbox', nms_mode='none', prefix='coco')
pixel_error = dict(type='KeypointPixelError', prefix='px')
val_evaluator = [dict(coco_ap, ann_file=data_root + val_ann),
                 dict(coco_ap, ann_file=data_root + val_ann, oks_stddev=0.025, prefix='sleap'),
                 dict(pixel_error, ann_file=data_root + val_ann)]
test_evaluator = [dict(coco_ap, ann_file=data_root + test_ann),
                  dict(coco_ap, ann_file=data_root + test_ann, oks_stddev=0.025,
                       prefix='sleap'),
                  dict(pixel_error, ann_file=data_root + test_ann)]
'''

_DIRECTPOSE = '''# DirectPose on the labeled frames only (alpha = beta = 0: eq. 7 of the paper), 4 frames a
# batch: the CPU recipe for these labels. Written by tools/new_project.py; it inherits
# semimultipose.py beside it (the same data, model and decoding) and drops the unlabeled stream.
_base_ = ['./semimultipose.py']

train_dataloader = dict(_base_.labeled_only_loader, _delete_=True, batch_size=4,
                        dataset=_base_.labeled_dataset)
custom_hooks = [dict(type='SemiMultiPoseHook', alpha=0.0, beta=0.0, fl_start=None,
                     fu_start=None), dict(type='ScoreThresholdHook')]
'''


def config_texts(labels_name: str, k: int, cpu: Dict[str, object], paper_size: Tuple[int, int],
                 iters: int, max_inst: int, rotate: int) -> Dict[str, str]:
    """The project's config files: ``semimultipose.py`` (the CPU recipe with the unlabeled
    stream), ``directpose.py`` (labeled frames only) and ``semimultipose_paper-gpu.py`` (the
    paper's ResNet-50 configuration), as text."""
    common = dict(k=k, max_instances=max_inst, rotate=rotate)
    recipe = _HEADER.format(what='SemiMultiPose, the CPU recipe', labels=labels_name,
                            base_name=osp.relpath(RECIPE_BASE, REPO)) + \
        f'_base_ = [{RECIPE_BASE!r}]\n' + \
        _DATA.format(input_size=tuple(cpu['input_size']), iters=iters, **common)
    paper = _HEADER.format(what="SemiMultiPose, the paper's GPU configuration (ResNet-50 + FPN, "
                           '15k iterations of SGD)', labels=labels_name,
                           base_name=osp.relpath(PAPER_BASE, REPO)) + \
        f'_base_ = [{PAPER_BASE!r}]\n' + \
        _DATA.format(input_size=tuple(paper_size), iters=15000, **common).replace(
            "param_scheduler = [_base_.param_scheduler[0], dict(_base_.param_scheduler[1], "
            "end=max_iters)]\n", '').replace(
            'fl_start=max_iters * 2 // 15, fu_start=max_iters * 5 // 15',
            'fl_start=2000, fu_start=5000')
    return {'semimultipose.py': recipe, 'directpose.py': _DIRECTPOSE,
            'semimultipose_paper-gpu.py': paper}


__all__ = ['choose_input_size', 'recipe_iters', 'max_instances', 'rotate_factor',
           'config_texts', 'RECIPE_INPUT', 'RECIPE_ITERS', 'RECIPE_ANIMAL_PX']
