#!/usr/bin/env bash
# The main job: set up the environment if needed, prepare the real honeybee data, train the CPU
# demo config, evaluate it on held-out frames, write results and prediction images.
#   bash tools/quickstart.sh [--data ../shared/data/honeybee] [--out outputs/quickstart] [--iters N]
#                            [--overwrite]   (replace an earlier run's results in --out)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/tools/setup_env.sh"
cd "$ROOT"
exec "${POSEBRIDGE_VENV:-$ROOT/.venv}/bin/python" tools/quickstart.py "$@"
