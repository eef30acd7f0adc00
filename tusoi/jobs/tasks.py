"""Huey tasks: the one task that runs any job, the nightly housekeeping, and the "self-check"
job kind an administrator enqueues (`tusoi jobs-check`) to see that the worker is running.

`run_huey` imports every installed app's `tasks` module, and so does JobsConfig.ready(), so
handlers registered with @job_handler in an app's tasks.py are known to the web processes
(job_create checks the kind) and to the worker alike."""

import logging

from django.db import connection
from django.utils.translation import gettext as _
from huey import crontab
from huey.api import Task
from huey.contrib.djhuey import db_periodic_task, db_task
from huey.exceptions import CancelExecution

from tusoi.jobs.models import Job
from tusoi.jobs.services import Progress, housekeeping_run, job_handler, job_run

logger = logging.getLogger(__name__)

SELF_CHECK = "self_check"


@db_task(retries=2, retry_delay=5, context=True)
def run_job(job_id: int, task: Task | None = None) -> str:
    outcome = job_run(job_id=job_id, retries_left=task.retries if task is not None else 0)
    if outcome.retry:
        # CancelExecution(retry=True) spends one of huey's retries (RetryTask would not, and
        # any other exception would be logged as a crash although job_run already logged it).
        raise CancelExecution(f"job {job_id} failed with a retryable error", retry=True)
    return outcome.state


@db_periodic_task(crontab(hour="3", minute="17"))
def housekeeping() -> None:
    """Nightly: job rows and result files older than 30 days, failed logins older than a day;
    jobs left "running" by a worker that died are marked failed."""
    counts = housekeeping_run()
    logger.info(
        "housekeeping: %s jobs, %s files, %s failed logins deleted; %s abandoned jobs failed",
        counts.jobs,
        counts.files,
        counts.login_failures,
        counts.abandoned,
    )


@job_handler(SELF_CHECK)
def self_check(job: Job, progress: Progress) -> None:
    """Proves the worker runs, reaches the database and can store a result file."""
    progress.total(3)
    progress.info(_("The worker picked up the job."))
    progress.advance()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    progress.info(
        _("The worker reached the database (%(vendor)s).") % {"vendor": connection.vendor}
    )
    progress.advance()
    progress.result(f"TuSoi self-check: job {job.pk} OK\n".encode(), "tusoi-self-check.txt")
    progress.info(_("The worker stored a result file."))
    progress.advance()
