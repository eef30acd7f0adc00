#!/usr/bin/env bash
# Compile every Vietnamese catalogue under tusoi/ (.mo files are not committed).
# Usage: scripts/compilemessages.sh [VENV_BIN]   (default .venv/bin)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.venv/bin}
case "$BIN" in /*) ;; *) BIN="$PWD/$BIN" ;; esac

if ! command -v msgfmt >/dev/null 2>&1; then
    echo "error: msgfmt not found; install GNU gettext (Debian: apt-get install gettext)" >&2
    exit 1
fi
if [ -z "$(find tusoi -path '*/locale/*/LC_MESSAGES/*.po' -print -quit)" ]; then
    echo "no translation catalogues under tusoi/ yet; nothing to compile"
    exit 0
fi
# Run inside tusoi/ so Django walks only the project's locale folders, not the virtualenv.
# The key flag only lets settings load when no SECRET_KEY is set; compiling uses no key.
cd tusoi
TUSOI_GENERATE_SECRET=1 "$BIN/tusoi" compilemessages -v 0
echo "translations compiled"
