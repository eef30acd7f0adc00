"""Background work of the reports app: the daily deadline reminders."""

import datetime
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tusoi.campaigns.models import Campaign
from tusoi.jobs.models import Job
from tusoi.jobs.services import Progress, job_handler
from tusoi.reports.services.copies import JOB_KIND as COPY_RECHECK
from tusoi.reports.services.copies import campaign_copy_recheck
from tusoi.reports.services.reminders import deadline_reminders_send

logger = logging.getLogger(__name__)
LOCAL_HOUR = 7


def _hour_for_huey(local_hour: int) -> int:
    """Huey matches crontabs in UTC when settings.HUEY["utc"] is on (ours is): 07:00 in
    Asia/Ho_Chi_Minh (UTC+7, no daylight saving) is then 00:00."""
    if not settings.HUEY.get("utc", True):
        return local_hour
    offset = datetime.datetime.now(ZoneInfo(settings.TIME_ZONE)).utcoffset()
    hours = int(offset.total_seconds() // 3600) if offset else 0
    return (local_hour - hours) % 24


@db_periodic_task(crontab(hour=str(_hour_for_huey(LOCAL_HOUR)), minute="0"))
def deadline_reminders() -> int:
    """Every morning at 07:00 local time: remind members whose report is due in 7, 3 or 1
    days or today."""
    sent = deadline_reminders_send()
    logger.info("deadline reminders: %s members notified", sent)
    return sent


# Copy detection (issue 7): the issuing committee's re-check of a whole campaign.
@job_handler(COPY_RECHECK)
def copy_recheck(job: Job, progress: Progress) -> None:
    """Index every submitted report of the campaign again, then check each against all the
    others; progress counts both passes."""
    campaign = Campaign.objects.select_related("organization").get(pk=job.params["campaign"])
    campaign_copy_recheck(campaign=campaign, progress=progress)
