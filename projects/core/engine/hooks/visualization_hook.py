"""Test-time visualisation that draws the ground truth beside the prediction."""
import os
import os.path as osp

import mmcv
import mmengine
from mmengine import fileio
from mmpose.engine.hooks import PoseVisualizationHook
from mmpose.registry import HOOKS
from mmpose.structures import merge_data_samples


@HOOKS.register_module()
class PoseGTVisualizationHook(PoseVisualizationHook):
    """MMPose's :class:`PoseVisualizationHook` that also draws the ground truth when testing.

    MMPose's hook always passes ``draw_gt=False`` to the visualizer in ``after_test_iter``; this
    one overrides that step and passes ``draw_gt`` (default ``True``), so ``tools/test.py
    --show-dir`` writes each frame as ground truth (left) and prediction (right). The output
    folder is resolved once, as ``<work_dir>/<timestamp>/<out_dir>`` (MMPose's rule, which its
    hook re-applies on every test iteration). All other arguments are the parent's.
    """

    def __init__(self, draw_gt: bool = True, **kwargs) -> None:
        super().__init__(**kwargs)
        self.draw_gt = draw_gt
        self._test_out_dir = None

    def after_test_iter(self, runner, batch_idx, data_batch, outputs) -> None:
        if self.enable is False:
            return
        if self.out_dir is not None and self._test_out_dir is None:
            self._test_out_dir = osp.join(runner.work_dir, runner.timestamp, self.out_dir)
            mmengine.mkdir_or_exist(self._test_out_dir)
        self._visualizer.set_dataset_meta(runner.test_evaluator.dataset_meta)
        for data_sample in outputs:
            self._test_index += 1
            img_path = data_sample.get('img_path')
            img = mmcv.imfrombytes(fileio.get(img_path, backend_args=self.backend_args),
                                   channel_order='rgb')
            data_sample = merge_data_samples([data_sample])
            out_file = None
            if self._test_out_dir is not None:
                stem, ext = osp.basename(img_path).rsplit('.', 1)
                index = len([f for f in os.listdir(self._test_out_dir) if f.startswith(stem)])
                out_file = osp.join(self._test_out_dir, f'{stem}_{index}.{ext}')
            self._visualizer.add_datasample(
                osp.basename(img_path) if self.show else 'test_img', img,
                data_sample=data_sample, show=self.show, draw_gt=self.draw_gt, draw_bbox=True,
                draw_heatmap=True, wait_time=self.wait_time, kpt_thr=self.kpt_thr,
                out_file=out_file, step=self._test_index)
