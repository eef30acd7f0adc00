"""One real worker: `tusoi migrate`, `tusoi jobs-check` and `tusoi run_huey` as separate
processes on their own database and queue file, the way `make demo` and production run them.
On the SQLite pass the database is a fresh file; on the PostgreSQL pass (DATABASE_URL set to
postgres) it is a freshly created PostgreSQL database, dropped afterwards."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import dj_database_url
import pytest

TIMEOUT_SECONDS = 60
REDIS_URL = os.environ.get("TUSOI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


@pytest.fixture(params=["sqlite-queue", "redis-queue"])
def queue(request) -> Iterator[dict[str, str]]:
    """The queue the worker reads: huey's SQLite file (the default) or Redis."""
    if request.param == "sqlite-queue":
        yield {}
        return
    if not _redis_answers():
        if os.environ.get("TUSOI_REQUIRE_REDIS") == "1":
            pytest.fail(f"no Redis answers at {REDIS_URL} and TUSOI_REQUIRE_REDIS=1")
        pytest.skip(f"no Redis answers at {REDIS_URL}")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    yield {"TUSOI_REDIS_URL": REDIS_URL}
    redis.Redis.from_url(REDIS_URL).flushdb()


@contextmanager
def _database(tmp_path: Path) -> Iterator[tuple[str, Callable[[int], str | None]]]:
    """(DATABASE_URL for the processes, job id -> its state as stored)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        path = tmp_path / "db.sqlite3"

        def sqlite_state(job_id: int) -> str | None:
            if not path.exists():
                return None
            with sqlite3.connect(path, timeout=10) as db:
                row = db.execute("SELECT state FROM jobs_job WHERE id = ?", [job_id]).fetchone()
            return row[0] if row else None

        yield f"sqlite:///{path}", sqlite_state
        return

    import psycopg

    config = dj_database_url.parse(url)
    server = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
    }
    name = f"tusoi_jobs_worker_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:

        def pg_state(job_id: int) -> str | None:
            with psycopg.connect(dbname=name, **server) as db:
                row = db.execute("SELECT state FROM jobs_job WHERE id = %s", [job_id]).fetchone()
            return row[0] if row else None

        yield url.rsplit("/", 1)[0] + f"/{name}", pg_state
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(tmp_path: Path, database_url: str, queue: dict[str, str]) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "TUSOI_DEMO", "DEBUG", "TUSOI_REDIS_URL", "TUSOI_JOBS_IMMEDIATE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tusoi.settings",  # not the test settings: no immediate mode
        DATABASE_URL=database_url,
        TUSOI_VAR_DIR=str(tmp_path / "var"),
        TUSOI_GENERATE_SECRET="1",
        TUSOI_HUEY_FILE=str(tmp_path / "huey.sqlite3"),
        TUSOI_JOB_WORKERS="1",
    )
    env.update(queue)
    return env


def _tusoi(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "tusoi", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"tusoi {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_a_real_worker_runs_an_enqueued_job(tmp_path, queue):
    with _database(tmp_path) as (database_url, job_state):
        env = _env(tmp_path, database_url, queue)
        _tusoi(env, "migrate", "--noinput", "-v", "0")
        job_id = int(_tusoi(env, "jobs-check").strip().splitlines()[-1])
        assert job_state(job_id) == "queued"  # nothing runs it until the worker starts

        log = (tmp_path / "worker.log").open("w")
        worker = subprocess.Popen(
            [sys.executable, "-m", "tusoi", "run_huey"], env=env, stdout=log, stderr=log
        )
        try:
            deadline = time.monotonic() + TIMEOUT_SECONDS
            state = job_state(job_id)
            while state not in {"succeeded", "failed"} and time.monotonic() < deadline:
                assert worker.poll() is None, "the worker stopped:\n" + _read(tmp_path)
                time.sleep(0.3)
                state = job_state(job_id)
        finally:
            worker.send_signal(signal.SIGINT)  # huey's graceful stop
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
            log.close()
        assert state == "succeeded", f"job {job_id} is {state}; worker log:\n{_read(tmp_path)}"
        assert (tmp_path / "var" / "media" / "jobs" / str(job_id)).is_dir()  # its result file


def _read(tmp_path: Path) -> str:
    return (tmp_path / "worker.log").read_text(errors="replace")[-3000:]
