#!/usr/bin/env bash
# Create (or reuse) PoseBridge's virtual environment. Idempotent: when the environment already
# matches requirements/*.txt and this script, it returns in well under a second.
#
#   bash tools/setup_env.sh            # creates ./.venv (override with POSEBRIDGE_VENV)
#
# What it installs, and why, is written in requirements/*.txt.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${POSEBRIDGE_VENV:-$ROOT/.venv}"
PY="${PYTHON:-python3}"
STAMP="$VENV/.posebridge-env"
WANT="$(cat "$ROOT"/requirements/*.txt "$ROOT/tools/setup_env.sh" "$ROOT/setup.py" | sha256sum | cut -d' ' -f1)"

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ] && [ -x "$VENV/bin/python" ]; then
    exit 0
fi

echo "[setup_env] preparing $VENV (first run: about 20 minutes, mmcv is compiled)" >&2
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)
# this machine's pip configuration names local wheel folders that may not exist: drop the
# warnings about them, keep every other message and pip's exit status
pip_install() { "${PIP[@]}" install "$@" 2> >(grep -v "^WARNING: Location 'file://" >&2); }
export PIP_CONSTRAINT="$ROOT/requirements/constraints.txt"
pip_install -q --upgrade pip
pip_install -q -r "$ROOT/requirements/build.txt"

if ! "$VENV/bin/python" -c "import mmcv, mmcv.ops" >/dev/null 2>&1; then
    echo "[setup_env] building mmcv 2.1.0 with its C++ ops (cached by pip after the first build)" >&2
    MMCV_WITH_OPS=1 MAX_JOBS="${MAX_JOBS:-$(nproc)}" \
        pip_install -q --no-build-isolation "mmcv==2.1.0"
fi
pip_install -q -r "$ROOT/requirements/runtime.txt" -r "$ROOT/requirements/tests.txt" \
    "mmengine==0.10.7" "mmdet==3.3.0"
pip_install -q --no-deps "mmpose==1.3.2"
pip_install -q --no-deps --no-build-isolation -e "$ROOT"
"$VENV/bin/python" -c "import torch, torchvision, mmcv.ops, mmdet, mmpose, projects; print('[setup_env] ok: torch', torch.__version__, 'mmcv', mmcv.__version__, 'mmdet', mmdet.__version__, 'mmpose', mmpose.__version__)" >&2
echo "$WANT" > "$STAMP"
