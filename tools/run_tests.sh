#!/usr/bin/env bash
# The test command: set up the environment if needed, then run the whole test suite on CPU.
#   bash tools/run_tests.sh [pytest args]
# The real data are read from ../shared/data (override with POSEBRIDGE_SHARED_DATA).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/tools/setup_env.sh"
cd "$ROOT"
exec "${POSEBRIDGE_VENV:-$ROOT/.venv}/bin/python" -m pytest tests -q -p no:cacheprovider \
    -n "${PYTEST_WORKERS:-2}" --dist loadfile "$@"
