"""Template helpers of the meeting record: what a member gets back beside their report, and
small labels the record pages share."""

from typing import Any

from django import template
from django.utils.translation import gettext as _

from tusoi.meetings.models import Comment, Guest
from tusoi.meetings.selectors.record import report_feedback as feedback_for
from tusoi.meetings.selectors.record import speaker_label
from tusoi.reports.selectors.reviews import can_read_text, is_writer

register = template.Library()


@register.inclusion_tag("meetings/_report_feedback.html", takes_context=True)
def report_feedback(context: dict[str, Any], report: Any) -> dict[str, Any]:
    """Beside a member's report: the comments made on it at the meeting and the chair's
    conclusion, for the writer (who may turn each comment into a commitment) and the report's
    text readers; nothing for anyone else."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if report is None or user is None or not can_read_text(user, report):
        return {"feedback": [], "report": report}
    return {
        "feedback": feedback_for(report),
        "report": report,
        "is_writer": is_writer(user, report),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def speaker(comment: Comment) -> str:
    return speaker_label(comment)


@register.filter
def guest_details(guest: Guest) -> str:
    if guest.position:
        return guest.position
    return _("assigned to follow the cell") if guest.user_id else ""
