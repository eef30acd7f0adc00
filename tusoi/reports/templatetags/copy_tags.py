"""Template helpers of copy detection: the stored check on the report page (text readers other
than the writer) and the flag counts on the campaign page (what the user may follow)."""

from typing import Any

from django import template

from tusoi.reports.selectors.copies import (
    CopyCheckView,
    CopyFlagCounts,
    copy_flag_counts_visible_to,
    report_copy_view,
)

register = template.Library()


@register.simple_tag(takes_context=True)
def report_copy_check(context: dict[str, Any], report: Any) -> CopyCheckView | None:
    return report_copy_view(context["request"].user, report)


@register.simple_tag(takes_context=True)
def campaign_copy_flags(context: dict[str, Any], campaign: Any) -> CopyFlagCounts:
    return copy_flag_counts_visible_to(context["request"].user, campaign)


@register.filter
def percent(value: Any) -> str:
    """A share (0–1) as a whole percentage: 0.724 -> "72%"."""
    try:
        return f"{round(float(value) * 100)}%"
    except (TypeError, ValueError):
        return ""
