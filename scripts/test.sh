#!/usr/bin/env bash
# The whole suite twice: on SQLite (everything, browser tests included), then on PostgreSQL at
# TUSOI_TEST_DATABASE_URL (browser tests deselected). Extra arguments go to both pytest runs.
#
# TUSOI_TEST_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/test
# TUSOI_REQUIRE_POSTGRES   "1": no PostgreSQL answering is a failure, not a skipped pass
#
# `make test` installs the dev dependencies and compiles the catalogues, then calls this.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PY="$VENV/bin/python"
PG_URL=${TUSOI_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}

if [ ! -x "$PY" ]; then
    echo "error: $PY not found; run 'make test' (it creates the virtualenv)" >&2
    exit 1
fi

# The SQLite pass uses the default database; only the PostgreSQL pass sets DATABASE_URL.
unset DATABASE_URL

REPORTS=$(mktemp -d)
trap 'rm -rf "$REPORTS"' EXIT

# count REPORT.xml -> "passed failed skipped" from pytest's JUnit report.
count() {
    "$PY" - "$1" <<'EOF'
import sys
import xml.etree.ElementTree as ET

try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print(0, 0, 0)
    raise SystemExit
suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
tests = sum(int(s.get("tests", 0)) for s in suites)
failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skipped = sum(int(s.get("skipped", 0)) for s in suites)
print(tests - failed - skipped, failed, skipped)
EOF
}

# run_pass NAME REPORT [pytest args...] -> sets RC; exit code 5 (no tests ran) is a failure.
run_pass() {
    local name=$1 report=$2
    shift 2
    echo
    echo "=== $name pass ==="
    "$PY" -m pytest --junitxml="$report" -o junit_family=xunit2 "$@"
    RC=$?
    NOTE="pytest exit $RC"
    if [ "$RC" -eq 5 ]; then
        echo "error: $name pass ran no tests" >&2
        NOTE="pytest exit 5: no tests ran"
        RC=1
    fi
}

# --- SQLite: everything ----------------------------------------------------------------------
run_pass SQLite "$REPORTS/sqlite.xml" "$@" < /dev/null
SQLITE_RC=$RC SQLITE_NOTE=$NOTE
read -r S_PASSED S_FAILED S_SKIPPED < <(count "$REPORTS/sqlite.xml")

# --- PostgreSQL: everything but the browser tests ---------------------------------------------
pg_answers() {
    if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -t 3 -d "$PG_URL"; then
        return 1
    fi
    "$PY" - "$PG_URL" <<'EOF' 2>/dev/null
import sys

import psycopg

psycopg.connect(sys.argv[1], connect_timeout=3).close()
EOF
}

PG_STATUS=skipped
P_PASSED=0 P_FAILED=0 P_SKIPPED=0
if pg_answers; then
    DATABASE_URL="$PG_URL" run_pass PostgreSQL "$REPORTS/pg.xml" -m "not browser" "$@" < /dev/null
    PG_RC=$RC PG_NOTE=$NOTE
    read -r P_PASSED P_FAILED P_SKIPPED < <(count "$REPORTS/pg.xml")
    PG_STATUS=ran
elif [ "${TUSOI_REQUIRE_POSTGRES:-}" = "1" ]; then
    echo
    echo "error: no PostgreSQL answers at $PG_URL and TUSOI_REQUIRE_POSTGRES=1" >&2
    PG_RC=1
    PG_STATUS=missing
else
    echo
    echo "PostgreSQL pass skipped: no PostgreSQL answers at $PG_URL" \
        "(set TUSOI_TEST_DATABASE_URL, or TUSOI_REQUIRE_POSTGRES=1 to make this an error)"
    PG_RC=0
fi

# --- summary -----------------------------------------------------------------------------------
echo
echo "=== summary ==="
echo "SQLite:     $S_PASSED passed, $S_FAILED failed, $S_SKIPPED skipped ($SQLITE_NOTE)"
case $PG_STATUS in
    ran) echo "PostgreSQL: $P_PASSED passed, $P_FAILED failed, $P_SKIPPED skipped" \
        "($PG_NOTE; browser tests deselected)" ;;
    missing) echo "PostgreSQL: not reachable at $PG_URL (required)" ;;
    *) echo "PostgreSQL: pass skipped (no server at $PG_URL)" ;;
esac
TOTAL_PASSED=$((S_PASSED + P_PASSED))
TOTAL_FAILED=$((S_FAILED + P_FAILED))
TOTAL_SKIPPED=$((S_SKIPPED + P_SKIPPED))
if [ "$SQLITE_RC" -ne 0 ] || [ "$PG_RC" -ne 0 ]; then
    # A run that failed before reporting (collection error, crash) still counts as a failure.
    [ "$TOTAL_FAILED" -eq 0 ] && TOTAL_FAILED=1
    echo "tests: $TOTAL_PASSED passed, $TOTAL_FAILED failed, $TOTAL_SKIPPED skipped"
    exit 1
fi
echo "tests: $TOTAL_PASSED passed, $TOTAL_FAILED failed, $TOTAL_SKIPPED skipped"
