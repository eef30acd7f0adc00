"""Background jobs: create and enqueue a job, run it through its registered handler, report
progress, cancel, purge.

How another app uses it:

    @job_handler("import_members")          # in that app's tasks.py (every process imports it)
    def import_members(job: Job, progress: Progress) -> None:
        progress.total(len(rows))
        for row in rows:
            ...
            progress.advance()
        progress.result(workbook_bytes, "ket-qua.xlsx")

    job = job_create(owner=request.user, kind="import_members", label=_("..."), params={...})
    job_enqueue(job)                         # runs after the surrounding transaction commits

A handler signals failure by raising: a ValidationError's messages are shown as they are;
any other exception is shown as "unexpected error" (traceback logged); `RetryableJobError` and
"database is locked"/deadlock/serialisation errors are retried by huey (twice, 5 s apart).

Where progress is written, and why. Pages read the jobs table while the job runs, so progress
must be committed while the handler is still working, without committing the handler's own work:
- while the handler is outside a transaction of its own, each (throttled) progress write is a
  one-statement UPDATE on the usual connection, committed at once;
- while the handler is inside its own `transaction.atomic()` block:
  - PostgreSQL: the UPDATE goes through a second, private connection in autocommit mode, so it
    is visible at once and survives the handler's rollback;
  - SQLite allows one writer at a time and the handler's transaction holds the write lock
    (transactions start IMMEDIATE), so a second connection would wait on the handler itself.
    Progress is kept in memory and written as soon as the handler is back outside its
    transaction, and at the end. Handlers that want live progress on SQLite do their long
    reading/validating outside the transaction and keep the writing transaction short.
Writes are throttled: at most one every 0.5 s, or when another 1 % of the total is done.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, OperationalError, connections, transaction
from django.db.models import F, Q
from django.db.models.sql import UpdateQuery
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from tusoi.jobs.models import Job, JobState

logger = logging.getLogger(__name__)

MAX_MESSAGES = 200
MAX_MESSAGE_CHARS = 1000
MAX_ERROR_CHARS = 4000
WRITE_INTERVAL_SECONDS = 0.5
KEEP_JOBS_DAYS = 30
KEEP_LOGIN_FAILURES_DAYS = 1
# A job still "running" this long after it started lost its worker (killed, machine restarted).
STALE_RUNNING_HOURS = 12

Handler = Callable[[Job, "Progress"], None]
_HANDLERS: dict[str, Handler] = {}


class RetryableJobError(Exception):
    """Raised by a handler when trying again later may succeed (a busy database, a timeout)."""


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    """Register `handler(job, progress)` as the code that runs jobs of `kind`."""

    def register(handler: Handler) -> Handler:
        if _HANDLERS.get(kind, handler) is not handler:
            raise ValueError(f"job kind {kind!r} already has a handler")
        _HANDLERS[kind] = handler
        return handler

    return register


def job_handler_for(kind: str) -> Handler | None:
    return _HANDLERS.get(kind)


def job_create(
    *,
    owner: Any,
    kind: str,
    label: str,
    organization: Any = None,
    params: dict[str, Any] | None = None,
) -> Job:
    """A queued job; `kind` must have a registered handler. Call `job_enqueue` to run it."""
    if kind not in _HANDLERS:
        raise ValueError(f"no handler registered for job kind {kind!r}")
    return Job.objects.create(
        owner=owner if getattr(owner, "pk", None) else None,
        kind=kind,
        label=str(label)[:300],
        organization=organization,
        params=params or {},
    )


def job_enqueue(job: Job) -> Job:
    """Hand the job to the worker once the current transaction commits (at once outside one),
    so the worker never looks for a row it cannot see yet."""
    from tusoi.jobs.tasks import run_job  # tasks import this module

    job_id = job.pk
    transaction.on_commit(lambda: run_job(job_id))
    return job


def job_cancel(*, job: Job, actor: Any) -> Job:
    """Cancel a job that has not started; a running or finished job is left as it is."""
    changed = Job.objects.filter(pk=job.pk, state=JobState.QUEUED).update(
        state=JobState.CANCELLED, finished_at=timezone.now()
    )
    if not changed:
        raise ValidationError(_("Only a job that is still waiting can be cancelled."))
    job.refresh_from_db()
    return job


# --- progress -----------------------------------------------------------------------------


class Progress:
    """What a handler reports while it runs; written to the job row, throttled (module doc)."""

    def __init__(self, job: Job, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.job_id = job.pk
        self._clock = clock
        self._done = job.progress_done
        self._total = job.progress_total
        self._messages: list[dict[str, str]] = list(job.messages or [])
        self._left_out = 0
        self._dirty = False
        self._last_write = clock()
        self._written_done = self._done
        # The handler's own transactions are the atomic blocks opened above this depth.
        self._base_depth = len(connections["default"].atomic_blocks)
        self._side: Any = None  # the private connection (PostgreSQL), opened on first use
        self._aside_failed = False  # the job row is locked by the handler: stop trying aside
        self.result_file = ""
        self.result_name = ""
        self.writes = 0  # UPDATEs issued, for the curious (tests, logs)

    # The handler's API ----------------------------------------------------------------------

    def total(self, n: int | None) -> None:
        self._total = None if n is None else max(0, int(n))
        self._dirty = True
        self._maybe_write()

    def advance(self, k: int = 1) -> None:
        self.set(self._done + k)

    def set(self, done: int) -> None:
        self._done = max(0, int(done))
        self._dirty = True
        self._maybe_write()

    def info(self, text: str) -> None:
        self._message("info", text)

    def warning(self, text: str) -> None:
        self._message("warning", text)

    def error(self, text: str) -> None:
        self._message("error", text)

    def result(self, data: bytes, filename: str) -> None:
        """Keep `data` as the job's downloadable result, offered as `filename`."""
        stored = default_storage.save(
            f"jobs/{self.job_id}/{get_valid_filename(filename) or 'result'}", ContentFile(data)
        )
        if self.result_file and self.result_file != stored:
            default_storage.delete(self.result_file)
        self.result_file = stored
        self.result_name = filename[:200]

    # Internals -------------------------------------------------------------------------------

    @property
    def messages(self) -> list[dict[str, str]]:
        if not self._left_out:
            return list(self._messages)
        note = _("%(n)s more messages were left out.") % {"n": self._left_out}
        return [*self._messages, {"level": "warning", "text": note}]

    def values(self) -> dict[str, Any]:
        return {
            "progress_done": self._done,
            "progress_total": self._total,
            "messages": self.messages,
        }

    def _message(self, level: str, text: str) -> None:
        if len(self._messages) < MAX_MESSAGES - 1:
            self._messages.append({"level": level, "text": str(text)[:MAX_MESSAGE_CHARS]})
        else:
            self._left_out += 1
        self._dirty = True
        self._maybe_write()

    def _due(self) -> bool:
        if self._clock() - self._last_write >= WRITE_INTERVAL_SECONDS:
            return True
        step = (self._total or 0) / 100
        return step > 0 and self._done - self._written_done >= step

    def _maybe_write(self) -> None:
        if self._dirty and self._due():
            self.flush()

    def flush(self) -> bool:
        """Write what is pending now, if the handler's transaction allows it (module doc)."""
        if not self._dirty:
            return True
        default = connections["default"]
        if len(default.atomic_blocks) <= self._base_depth:
            Job.objects.filter(pk=self.job_id).update(**self.values())
        elif default.vendor == "sqlite":
            return False  # the handler holds SQLite's only write lock: write later
        elif self._aside_failed or not self._write_aside(self.values()):
            return False
        self.writes += 1
        self._dirty = False
        self._last_write = self._clock()
        self._written_done = self._done
        return True

    def _write_aside(self, values: dict[str, Any]) -> bool:
        """UPDATE through the private connection. If the handler's transaction has locked the
        job row itself, this would wait on the handler forever: give up after a short lock
        timeout and write later (outside the transaction, or at the end)."""
        try:
            if self._side is None:
                self._side = connections.create_connection("default")
                if self._side.vendor == "postgresql":
                    with self._side.cursor() as cursor:
                        cursor.execute("SET lock_timeout = '2s'")
            query = UpdateQuery(Job)
            query.add_update_values(values)
            query.add_q(Q(pk=self.job_id))
            sql, params = query.get_compiler(connection=self._side).as_sql()
            with self._side.cursor() as cursor:
                cursor.execute(sql, params)
        except DatabaseError:
            logger.warning("job %s: progress not written aside, kept for later", self.job_id)
            self.close()
            self._aside_failed = True
            return False
        return True

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


# --- running -----------------------------------------------------------------------------

_RETRYABLE_DB_ERRORS = ("database is locked", "deadlock detected", "could not serialize")


def is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, RetryableJobError):
        return True
    return isinstance(exc, OperationalError) and any(
        text in str(exc).lower() for text in _RETRYABLE_DB_ERRORS
    )


def failure_reason(exc: BaseException) -> str:
    """Why a job failed, for people: a ValidationError's own messages, otherwise its type."""
    if isinstance(exc, ValidationError):
        text = " ".join(str(m) for m in exc.messages)
        return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"
    if is_retryable(exc):
        return _("The database stayed busy after several attempts; start the job again later.")
    return _("Unexpected error: %(type)s") % {"type": type(exc).__name__}


@dataclass(frozen=True)
class RunOutcome:
    state: str
    retry: bool = False


def job_run(*, job_id: int, retries_left: int = 0) -> RunOutcome:
    """Run a queued job once: claim it (a job never runs twice at once), call its handler,
    record the outcome. A retryable failure with retries left puts it back in the queue and
    returns retry=True; the caller (the huey task) then raises so huey tries again."""
    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        state = Job.objects.filter(pk=job_id).values_list("state", flat=True).first()
        logger.info("job %s not run: state is %s", job_id, state)
        return RunOutcome(state=state or "missing")
    job = Job.objects.get(pk=job_id)
    progress = Progress(job)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            handler = _HANDLERS.get(job.kind)
            if handler is None:
                raise ValidationError(
                    _("This kind of job (%(kind)s) is not known to the worker.")
                    % {"kind": job.kind}
                )
            handler(job, progress)
        except Exception as exc:
            return _finish_failed(job, progress, exc, retries_left=retries_left)
        finally:
            progress.close()
        _finish(job, progress, state=JobState.SUCCEEDED)
    return RunOutcome(state=JobState.SUCCEEDED)


def _finish(job: Job, progress: Progress, *, state: str, error: str = "") -> None:
    values = progress.values()
    if state == JobState.SUCCEEDED and values["progress_total"] is not None:
        values["progress_done"] = max(values["progress_done"], values["progress_total"])
    Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(
        state=state,
        error=error,
        result_file=progress.result_file,
        result_name=progress.result_name,
        finished_at=timezone.now(),
        **values,
    )


def _finish_failed(
    job: Job, progress: Progress, exc: Exception, *, retries_left: int
) -> RunOutcome:
    if is_retryable(exc) and retries_left > 0:
        logger.warning("job %s (%s) will be retried: %r", job.pk, job.kind, exc)
        progress.warning(
            _("Attempt %(n)s did not finish (the database was busy); trying again shortly.")
            % {"n": job.attempts}
        )
        Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(
            state=JobState.QUEUED, **progress.values()
        )
        return RunOutcome(state=JobState.QUEUED, retry=True)
    if not isinstance(exc, ValidationError):
        logger.error("job %s (%s) failed", job.pk, job.kind, exc_info=exc)
    _finish(job, progress, state=JobState.FAILED, error=failure_reason(exc))
    return RunOutcome(state=JobState.FAILED)


# --- housekeeping --------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeCounts:
    jobs: int
    files: int
    login_failures: int
    abandoned: int = 0


def jobs_fail_abandoned(*, now: Any = None, hours: int = STALE_RUNNING_HOURS) -> int:
    """Mark jobs whose worker died mid-run as failed, so their pages stop waiting."""
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("The worker stopped while running this job; start it again.")
    return Job.objects.filter(
        state=JobState.RUNNING, started_at__lt=now - timedelta(hours=hours)
    ).update(state=JobState.FAILED, error=reason, finished_at=now)


def jobs_purge(*, now: Any = None, keep_days: int = KEEP_JOBS_DAYS) -> tuple[int, int]:
    """Delete job rows older than `keep_days` and their result files -> (rows, files)."""
    cutoff = (now or timezone.now()) - timedelta(days=keep_days)
    old = Job.objects.filter(created_at__lt=cutoff)
    files = 0
    for name in old.exclude(result_file="").values_list("result_file", flat=True).iterator():
        if default_storage.exists(name):
            default_storage.delete(name)
            files += 1
    rows, _by_model = old.delete()
    return rows, files


def login_failures_purge(*, now: Any = None, keep_days: int = KEEP_LOGIN_FAILURES_DAYS) -> int:
    """Failed logins older than the throttle can ever look at; by model name, so jobs does not
    import accounts."""
    login_failure = apps.get_model("accounts", "LoginFailure")
    cutoff = (now or timezone.now()) - timedelta(days=keep_days)
    deleted, _by_model = login_failure.objects.filter(at__lt=cutoff).delete()
    return deleted


def housekeeping_run(*, now: Any = None) -> PurgeCounts:
    abandoned = jobs_fail_abandoned(now=now)
    rows, files = jobs_purge(now=now)
    return PurgeCounts(
        jobs=rows,
        files=files,
        login_failures=login_failures_purge(now=now),
        abandoned=abandoned,
    )
