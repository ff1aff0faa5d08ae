#!/usr/bin/env bash
# Prediction over many inputs split across torchrun processes (the engine of dist_train.sh):
# process r of NPROC predicts inputs r, r + NPROC, ...; each input's outputs are those one
# process writes. GPUs: one process per GPU (--device cuda), nccl. CPU only: gloo.
#   bash tools/dist_predict.sh CONFIG CHECKPOINT NPROC INPUT [INPUT ...] --out DIR [predict.py args]
CONFIG=$1
CHECKPOINT=$2
NPROC=$3
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29501}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY=${PYTHON:-$( [ -x "$ROOT/.venv/bin/python" ] && echo "$ROOT/.venv/bin/python" || echo python )}

PYTHONPATH="$ROOT":$PYTHONPATH \
"$PY" -m torch.distributed.run \
    --nnodes=$NNODES \
    --node_rank=$NODE_RANK \
    --master_addr=$MASTER_ADDR \
    --nproc_per_node=$NPROC \
    --master_port=$PORT \
    "$ROOT/tools/predict.py" \
    "$CONFIG" "$CHECKPOINT" \
    "${@:4}" --launcher pytorch
