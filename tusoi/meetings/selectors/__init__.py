"""Reads of the meetings app: registration and the committee's lists (registration.py), the
record (record.py). Pages start from `meetings_visible_to(user)`."""

from tusoi.meetings.selectors.record import (  # noqa: F401
    meeting_record,
    phase_record,
    report_feedback,
)
from tusoi.meetings.selectors.registration import (  # noqa: F401
    assigned_supervisors,
    calendar_phases,
    campaign_cell_states,
    meetings_readable_by,
    meetings_recordable_by,
    meetings_visible_to,
    my_assignments,
)
