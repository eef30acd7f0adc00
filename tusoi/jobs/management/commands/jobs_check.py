"""`tusoi jobs-check [--wait SECONDS]`: enqueue a self-check job and print its id; with --wait,
wait for the worker to finish it and fail (exit status 1) if it does not in time."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tusoi.jobs.models import JobState
from tusoi.jobs.services import job_create, job_enqueue
from tusoi.jobs.tasks import SELF_CHECK


class Command(BaseCommand):
    help = "Enqueue a self-check job for the worker and print its id."

    def add_arguments(self, parser):
        parser.add_argument(
            "--wait",
            type=float,
            default=0,
            metavar="SECONDS",
            help="wait this long for the worker to finish the job",
        )

    def handle(self, *args, wait: float, **options):
        job = job_enqueue(job_create(owner=None, kind=SELF_CHECK, label=_("Worker self-check")))
        self.stdout.write(str(job.pk))
        if wait <= 0:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if not job.is_active:
                break
            time.sleep(0.5)
        if job.state != JobState.SUCCEEDED:
            raise CommandError(
                _("The self-check job %(id)s is %(state)s: is the worker (tusoi run_huey) running?")
                % {"id": job.pk, "state": job.get_state_display()}
            )
        self.stdout.write(_("The worker ran the self-check job."))
