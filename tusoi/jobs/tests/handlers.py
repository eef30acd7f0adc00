"""Job handlers the tests register under their own kinds (the registry is global: each kind is
prefixed "test_" so it never clashes with a product kind)."""

from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, connections, transaction

from tusoi.accounts.models import LoginFailure
from tusoi.jobs.models import Job
from tusoi.jobs.services import job_handler

CALLS: dict[str, int] = {}
FAIL_TIMES: dict[str, int] = {}
SEEN: dict[str, int] = {}


@job_handler("test_report")
def report(job, progress):
    CALLS["test_report"] = CALLS.get("test_report", 0) + 1
    progress.total(4)
    progress.info("Bắt đầu")
    progress.advance(3)
    progress.warning("Dòng 3 trùng số thẻ")
    progress.set(4)
    progress.result("xin chào".encode(), "kết quả.txt")


@job_handler("test_invalid")
def invalid(job, progress):
    progress.total(10)
    progress.advance(2)
    progress.result(b"loi", "loi.xlsx")
    raise ValidationError("Tệp không có dòng tiêu đề.")


@job_handler("test_crash")
def crash(job, progress):
    raise KeyError("boom")


@job_handler("test_locked")
def locked(job, progress):
    """Fails with "database is locked" as many times as FAIL_TIMES says, then succeeds."""
    CALLS["test_locked"] = CALLS.get("test_locked", 0) + 1
    if CALLS["test_locked"] <= FAIL_TIMES.get("test_locked", 0):
        raise OperationalError("database is locked")
    progress.info("Xong")


def _seen_elsewhere(job_id: int) -> int:
    """progress_done as another connection sees it (what a page request would read)."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT progress_done FROM jobs_job WHERE id = %s", [job_id])
            return cursor.fetchone()[0]
    finally:
        other.close()


class _Rollback(Exception):
    pass


@job_handler("test_visible")
def visible(job, progress):
    progress.total(2)
    progress.advance()
    progress.flush()
    SEEN["outside"] = _seen_elsewhere(job.pk)
    try:
        with transaction.atomic():
            LoginFailure.objects.create(username="trong-giao-dich")  # the handler's own write
            progress.advance()
            progress.flush()
            if connection.vendor != "sqlite":
                SEEN["inside"] = _seen_elsewhere(job.pk)
            raise _Rollback
    except _Rollback:
        pass
    progress.flush()
    SEEN["after"] = _seen_elsewhere(job.pk)
    raise ValidationError("Dừng lại")  # progress already written survives the failure


@job_handler("test_locks_its_row")
def locks_its_row(job, progress):
    """Writes its own job row inside its transaction: progress must not wait on it forever."""
    progress.total(2)
    with transaction.atomic():
        Job.objects.select_for_update().get(pk=job.pk)
        progress.advance()
        progress.flush()
        progress.advance()
        progress.flush()
