"""Test-time images with ground truth beside the predictions."""
from mmpose.engine.hooks import PoseVisualizationHook
from mmpose.registry import HOOKS


@HOOKS.register_module()
class PoseGTVisualizationHook(PoseVisualizationHook):
    """MMPose's :class:`PoseVisualizationHook` that also draws the ground truth when testing.

    MMPose's hook always passes ``draw_gt=False`` to the visualizer in ``after_test_iter``; this
    one passes ``draw_gt`` (default ``True``), so ``tools/test.py --show-dir`` writes each frame
    as ground truth (left) and prediction (right). All other arguments are the parent's.
    """

    def __init__(self, draw_gt: bool = True, **kwargs) -> None:
        super().__init__(**kwargs)
        self.draw_gt = draw_gt

    def after_test_iter(self, runner, batch_idx, data_batch, outputs) -> None:
        vis = self._visualizer
        add_datasample = vis.add_datasample

        def add_with_gt(*args, **kwargs):
            kwargs['draw_gt'] = self.draw_gt
            return add_datasample(*args, **kwargs)

        vis.add_datasample = add_with_gt
        try:
            super().after_test_iter(runner, batch_idx, data_batch, outputs)
        finally:
            del vis.add_datasample  # back to the class's method
