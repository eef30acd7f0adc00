"""Background work of the meetings app: the daily meeting reminders to cell secretaries."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tusoi.meetings.services.registration import meeting_reminders_send
from tusoi.reports.tasks import _hour_for_huey

logger = logging.getLogger(__name__)
# After the report deadline reminders (07:00): a person gets one reminder a day at most, and
# a report due soon is the more pressing of the two.
LOCAL_HOUR = 7
LOCAL_MINUTE = 30


@db_periodic_task(crontab(hour=str(_hour_for_huey(LOCAL_HOUR)), minute=str(LOCAL_MINUTE)))
def meeting_reminders() -> int:
    """Every morning at 07:30 local time: remind secretaries of cells that have not registered
    their meeting two weeks before the campaign ends, or have not recorded it two days after a
    phase's date."""
    sent = meeting_reminders_send()
    logger.info("meeting reminders: %s secretaries notified", sent)
    return sent
