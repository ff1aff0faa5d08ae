"""What the study tools of ``tools/analysis/`` share: one training run, started as a user starts
it (``tools/train.py`` or ``tools/dist_train.sh``), resumable. A helper of the tools, not of the
library: the installed package never runs a tool."""
import os
import os.path as osp
import subprocess
import sys
import time
from typing import Optional, Sequence


def train_run(config: str, work_dir: str, root: str, done: str, gpus: int = 0,
              cfg_options: Sequence[str] = (), log_name: str = 'train.log',
              python: str = sys.executable) -> Optional[float]:
    """One training run of a study: ``tools/train.py CONFIG --work-dir WORK_DIR`` (or
    ``tools/dist_train.sh CONFIG GPUS ...`` with ``gpus > 1``, MMEngine's launcher), run from
    ``root`` (the repository) with its output appended to ``<work_dir>/<log_name>``.

    Nothing is repeated and nothing is lost: a run whose ``done`` file exists is skipped; a run
    that was interrupted (``last_checkpoint`` in the work dir) resumes from its last checkpoint
    (``--resume``).

    Args:
        config (str): the config file.
        work_dir (str): the run's work dir.
        root (str): the repository (``tools/`` inside).
        done (str): the file whose existence means the run is finished (e.g. its final
            checkpoint, or a marker the caller writes afterwards).
        gpus (int): ``> 1``: distributed on that many GPUs.
        cfg_options (sequence of str): ``key=value`` overrides (``--cfg-options``).
        log_name (str): the log file inside ``work_dir``.
        python (str): the interpreter.

    Returns:
        float or None: seconds of wall-clock, ``None`` when skipped.

    Raises:
        subprocess.CalledProcessError: the training failed (its log names why).
    """
    if osp.exists(done):
        return None
    os.makedirs(work_dir, exist_ok=True)
    if gpus > 1:
        cmd = ['bash', osp.join('tools', 'dist_train.sh'), config, str(gpus)]
    else:
        cmd = [python, osp.join('tools', 'train.py'), config]
    cmd += ['--work-dir', work_dir]
    if cfg_options:
        cmd += ['--cfg-options', *cfg_options]
    if osp.exists(osp.join(work_dir, 'last_checkpoint')):
        cmd.append('--resume')
    print('+', ' '.join(cmd), flush=True)
    t0 = time.time()
    with open(osp.join(work_dir, log_name), 'a') as log:
        subprocess.run(cmd, cwd=root, stdout=log, stderr=subprocess.STDOUT, check=True)
    return time.time() - t0
