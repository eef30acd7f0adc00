#!/usr/bin/env bash
# Serve the demo: the background-job worker (`tusoi run_huey`) runs beside Django's development
# server and stops when the server stops (Ctrl-C, or the server exiting on its own).
#
# usage: scripts/demo-serve.sh BIN_DIR PORT     (the Makefile's `demo` and `serve` call it)
set -uo pipefail
BIN=${1:-.venv/bin}
PORT=${2:-8000}
export TUSOI_DEMO=1

"$BIN/tusoi" run_huey &
WORKER=$!

stop_worker() {
    if kill -0 "$WORKER" 2>/dev/null; then
        kill -INT "$WORKER" 2>/dev/null  # huey finishes the running task, then exits
        for _ in $(seq 1 50); do
            kill -0 "$WORKER" 2>/dev/null || break
            sleep 0.1
        done
        kill -TERM "$WORKER" 2>/dev/null
    fi
    wait "$WORKER" 2>/dev/null
}
trap stop_worker EXIT
trap 'exit 130' INT TERM

echo "background jobs: worker started (pid $WORKER)"
"$BIN/tusoi" runserver 127.0.0.1:"$PORT"
