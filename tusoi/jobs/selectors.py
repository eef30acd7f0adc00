"""Reading jobs. A job belongs to the person who started it: `jobs_visible_to(user)` is the
user's own jobs (superusers: every job, including those started from the command line).
Jobs are not scoped by the organisation tree: a committee sees its own imports, not others'."""

from typing import Any

from django.db.models import QuerySet

from tusoi.jobs.models import Job


def jobs_visible_to(user: Any) -> QuerySet[Job]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Job.objects.none()
    jobs = Job.objects.select_related("organization")
    return jobs if user.is_superuser else jobs.filter(owner=user)


def jobs_recent_of(user: Any) -> QuerySet[Job]:
    """The user's jobs, newest first (the "my jobs" page)."""
    return jobs_visible_to(user).order_by("-created_at", "-id")
