import datetime
import logging
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tusoi.accounts.models import LoginFailure
from tusoi.jobs.models import Job, JobState
from tusoi.jobs.services import (
    MAX_MESSAGES,
    Progress,
    housekeeping_run,
    job_cancel,
    job_create,
    job_enqueue,
    job_run,
)
from tusoi.jobs.tasks import SELF_CHECK, housekeeping, run_job
from tusoi.jobs.tests import handlers


@pytest.fixture(autouse=True)
def _reset_handler_counters():
    handlers.CALLS.clear()
    handlers.FAIL_TIMES.clear()


@pytest.fixture
def owner(make_user):
    return make_user()


def _job(owner, kind="test_report", **kwargs) -> Job:
    return job_create(owner=owner, kind=kind, label="Nhập danh sách đảng viên", **kwargs)


def _enqueued(owner, run_on_commit, kind="test_report") -> Job:
    job = _job(owner, kind)
    run_on_commit(job_enqueue, job)
    job.refresh_from_db()
    return job


def test_handler_progress_messages_and_result_land_in_the_job_row(db, owner, run_on_commit):
    job = _enqueued(owner, run_on_commit)
    assert job.state == JobState.SUCCEEDED
    assert (job.progress_done, job.progress_total, job.percent) == (4, 4, 100)
    assert job.messages == [
        {"level": "info", "text": "Bắt đầu"},
        {"level": "warning", "text": "Dòng 3 trùng số thẻ"},
    ]
    assert job.result_name == "kết quả.txt"
    assert job.result_file.name.startswith(f"jobs/{job.pk}/")
    with default_storage.open(job.result_file.name) as f:
        assert f.read().decode() == "xin chào"
    assert job.attempts == 1 and job.started_at and job.finished_at and not job.error


def test_enqueue_runs_the_job_only_after_the_transaction_commits(
    db, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        job = job_enqueue(_job(owner))
    job.refresh_from_db()
    assert job.state == JobState.QUEUED and len(callbacks) == 1
    callbacks[0]()  # the commit
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED


def test_validation_error_fails_the_job_with_its_own_message(db, owner, run_on_commit):
    job = _enqueued(owner, run_on_commit, "test_invalid")
    assert job.state == JobState.FAILED
    assert job.error == "Tệp không có dòng tiêu đề."
    assert job.progress_done == 2  # where it stopped
    assert job.result_name == "loi.xlsx"  # e.g. the workbook with the errors marked
    assert job.attempts == 1


def test_unexpected_error_is_reported_in_vietnamese_and_logged(db, owner, run_on_commit, caplog):
    with caplog.at_level(logging.ERROR, logger="tusoi.jobs.services"):
        job = _enqueued(owner, run_on_commit, "test_crash")
    assert job.state == JobState.FAILED
    assert job.error == "Lỗi không mong đợi: KeyError"
    assert job.attempts == 1  # not retried
    assert any(r.exc_info and r.exc_info[0] is KeyError for r in caplog.records)


def test_retryable_error_is_retried_then_succeeds(db, owner, run_on_commit, monkeypatch):
    monkeypatch.setattr(run_job.task_class, "default_retry_delay", 0)  # retry at once, inline
    handlers.FAIL_TIMES["test_locked"] = 2
    job = _enqueued(owner, run_on_commit, "test_locked")
    assert job.state == JobState.SUCCEEDED
    assert job.attempts == 3
    assert handlers.CALLS["test_locked"] == 3
    assert [m["level"] for m in job.messages] == ["warning", "warning", "info"]
    assert "thử lại" in job.messages[0]["text"]


def test_retryable_error_fails_once_the_retries_are_spent(db, owner, run_on_commit, monkeypatch):
    monkeypatch.setattr(run_job.task_class, "default_retry_delay", 0)
    handlers.FAIL_TIMES["test_locked"] = 5
    job = _enqueued(owner, run_on_commit, "test_locked")
    assert job.state == JobState.FAILED
    assert job.attempts == 3  # the first run and huey's two retries
    assert job.error.startswith("Cơ sở dữ liệu vẫn bận")


def test_job_never_runs_twice(db, owner, run_on_commit):
    job = _enqueued(owner, run_on_commit)
    assert job_run(job_id=job.pk).state == JobState.SUCCEEDED  # already finished: not re-run
    assert handlers.CALLS["test_report"] == 1
    running = _job(owner)
    Job.objects.filter(pk=running.pk).update(state=JobState.RUNNING)
    assert job_run(job_id=running.pk).state == JobState.RUNNING
    assert handlers.CALLS["test_report"] == 1
    running.refresh_from_db()
    assert running.attempts == 0


def test_owner_cancels_a_queued_job_and_the_worker_skips_it(db, owner, run_on_commit):
    job = _job(owner)
    job_cancel(job=job, actor=owner)
    assert job.state == JobState.CANCELLED and job.finished_at
    run_on_commit(job_enqueue, job)
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED
    assert "test_report" not in handlers.CALLS


def test_a_started_or_finished_job_cannot_be_cancelled(db, owner, run_on_commit):
    job = _enqueued(owner, run_on_commit)
    with pytest.raises(ValidationError, match="đang chờ"):
        job_cancel(job=job, actor=owner)
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED


def test_unknown_kind_is_refused_at_creation(db, owner):
    with pytest.raises(ValueError, match="no handler"):
        _job(owner, "no_such_kind")


def test_self_check_job_succeeds_with_a_result_file(db, run_on_commit):
    job = job_create(owner=None, kind=SELF_CHECK, label="Kiểm tra")
    run_on_commit(job_enqueue, job)
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED and job.progress_done == 3
    assert len(job.messages) == 3
    assert default_storage.exists(job.result_file.name)


# --- progress writes -------------------------------------------------------------------------


def _updates(ctx) -> int:
    return sum(1 for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE"))


def test_progress_writes_are_throttled_by_percent(db, owner):
    job = _job(owner)
    progress = Progress(job, clock=lambda: 0.0)  # time stands still: only the 1 % rule writes
    with CaptureQueriesContext(connection) as ctx:
        progress.total(10_000)
        for _ in range(10_000):
            progress.advance()
    assert 90 <= _updates(ctx) <= 102
    job.refresh_from_db()
    assert job.progress_done == 10_000 and job.progress_total == 10_000


def test_progress_writes_are_throttled_by_time_when_the_total_is_unknown(db, owner):
    job = _job(owner)
    now = [0.0]

    def clock():
        now[0] += 0.0001  # 10,000 calls ~ 1 s
        return now[0]

    progress = Progress(job, clock=clock)
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(10_000):
            progress.advance()
    assert 1 <= _updates(ctx) <= 3
    assert progress.writes == _updates(ctx)


def test_messages_are_capped_with_a_note_of_how_many_were_left_out(db, owner):
    job = _job(owner)
    progress = Progress(job, clock=lambda: 0.0)
    for i in range(MAX_MESSAGES + 50):
        progress.warning(f"Dòng {i}: thiếu ngày sinh")
    progress.flush()
    job.refresh_from_db()
    assert len(job.messages) == MAX_MESSAGES
    assert job.messages[0]["text"] == "Dòng 0: thiếu ngày sinh"
    assert job.messages[-1]["text"] == "Còn 51 thông báo khác không được ghi lại."


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_to_other_connections_while_the_job_runs(make_user):
    handlers.SEEN.clear()
    job = job_create(owner=make_user(), kind="test_visible", label="Thử")
    job_run(job_id=job.pk)
    seen = handlers.SEEN
    assert seen["outside"] == 1
    if connection.vendor == "sqlite":
        # Held while the handler's transaction has SQLite's only write lock, written right after.
        assert "inside" not in seen
    else:
        # PostgreSQL: written through a second connection, visible inside the transaction.
        assert seen["inside"] == 2
    assert seen["after"] == 2
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.progress_done == 2
    assert not LoginFailure.objects.exists()  # the handler's own transaction was rolled back


@pytest.mark.django_db(transaction=True)
def test_progress_never_waits_on_a_job_row_the_handler_itself_locked(make_user):
    job = job_create(owner=make_user(), kind="test_locks_its_row", label="Thử")
    started = time.monotonic()
    assert job_run(job_id=job.pk).state == JobState.SUCCEEDED
    assert time.monotonic() - started < 10
    job.refresh_from_db()
    assert job.progress_done == 2


# --- housekeeping -----------------------------------------------------------------------------


def test_housekeeping_deletes_old_jobs_their_files_and_old_failed_logins(db, owner):
    now = timezone.now()
    old, recent = _job(owner), _job(owner)
    for job in (old, recent):
        progress = Progress(job)
        progress.result(b"data", "ket-qua.csv")
        Job.objects.filter(pk=job.pk).update(result_file=progress.result_file)
    Job.objects.filter(pk=old.pk).update(created_at=now - datetime.timedelta(days=31))
    Job.objects.filter(pk=recent.pk).update(created_at=now - datetime.timedelta(days=29))
    old.refresh_from_db()
    recent.refresh_from_db()
    stale = LoginFailure.objects.create(username="a", ip="10.0.0.1")
    fresh = LoginFailure.objects.create(username="b", ip="10.0.0.2")
    LoginFailure.objects.filter(pk=stale.pk).update(at=now - datetime.timedelta(days=2))

    counts = housekeeping_run(now=now)

    assert (counts.jobs, counts.files, counts.login_failures) == (1, 1, 1)
    assert list(Job.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not default_storage.exists(old.result_file.name)
    assert default_storage.exists(recent.result_file.name)
    assert list(LoginFailure.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_housekeeping_fails_jobs_abandoned_by_a_dead_worker(db, owner):
    now = timezone.now()
    abandoned, busy = _job(owner), _job(owner)
    Job.objects.filter(pk=abandoned.pk).update(
        state=JobState.RUNNING, started_at=now - datetime.timedelta(hours=13)
    )
    Job.objects.filter(pk=busy.pk).update(
        state=JobState.RUNNING, started_at=now - datetime.timedelta(hours=1)
    )
    assert housekeeping_run(now=now).abandoned == 1
    abandoned.refresh_from_db()
    busy.refresh_from_db()
    assert abandoned.state == JobState.FAILED
    assert (
        abandoned.error == "Tiến trình chạy nền đã dừng khi đang chạy công việc này; hãy chạy lại."
    )
    assert busy.state == JobState.RUNNING


def test_periodic_housekeeping_task_runs_the_purge(db, owner):
    job = _job(owner)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    housekeeping.call_local()
    assert not Job.objects.filter(pk=job.pk).exists()
