"""``tools/test.py --dump``: MMEngine's ``DumpResults``, written through the one writer."""
from typing import Sequence

from mmengine.evaluator import DumpResults
from mmengine.logging import print_log

from mmpose.registry import METRICS

from ...fileio import write_pickle


@METRICS.register_module()
class DumpPredictions(DumpResults):
    """Pickle every test prediction (MMEngine's :class:`~mmengine.evaluator.DumpResults`)
    through :func:`projects.core.fileio.write_pickle`: never over an input of the run (the
    checkpoint, the config), never through a link, an existing file replaced only with
    ``overwrite``.

    Args:
        out_file_path (str): the ``.pkl``/``.pickle`` file.
        sources (sequence of str): the run's inputs, which the dump must not replace.
        overwrite (bool): replace an existing file.

    Raises:
        ValueError: ``out_file_path`` is not a pickle file name.
        projects.core.fileio.UnsafeOutputError: when written, as ``write_pickle``.
    """

    def __init__(self, out_file_path: str, sources: Sequence[str] = (),
                 overwrite: bool = False, **kwargs) -> None:
        super().__init__(out_file_path, **kwargs)
        self.sources, self.overwrite = list(sources), overwrite

    def compute_metrics(self, results: list) -> dict:
        write_pickle(results, self.out_file_path, self.sources, overwrite=self.overwrite)
        print_log(f'predictions dumped to {self.out_file_path}', logger='current')
        return {}
