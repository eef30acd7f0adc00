"""Writes of the meetings app: registration, phases, changes and supervisors' notes
(registration.py); the live record, minutes and what members get back (record.py)."""

from tusoi.meetings.services.record import (  # noqa: F401
    CommentInput,
    GuestInput,
    PresentationInput,
    comment_to_commitment,
    meeting_conclude,
    phase_record_save,
    signed_minutes_attach,
)
from tusoi.meetings.services.registration import (  # noqa: F401
    PhaseInput,
    meeting_cancel,
    meeting_change,
    meeting_register,
    meeting_reminders_send,
    visit_note_add,
)
