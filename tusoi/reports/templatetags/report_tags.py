"""Template helpers for report states, proxy entry and the campaign page's list of cells."""

from dataclasses import dataclass
from typing import Any

from django import template
from django.utils.translation import gettext as _

from tusoi.reports.models import ReportRevision, ReportStatus, RevisionKind
from tusoi.reports.selectors.reviews import campaign_cells_visible_to

register = template.Library()

# How many cells the campaign page lists; a committee with more follows them by drilling down.
CELL_LINKS_LIMIT = 100

_STATUS_CLASS = {
    ReportStatus.DRAFT: "",
    ReportStatus.SUBMITTED: "info",
    ReportStatus.RESUBMITTED: "info",
    ReportStatus.RETURNED: "warn",
    ReportStatus.ACCEPTED: "ok",
}


@register.filter
def report_status_label(status: str) -> str:
    """A report state for people; an empty state is a report not started."""
    if not status:
        return _("Not started")
    try:
        return str(ReportStatus(status).label)
    except ValueError:
        return status


@register.filter
def report_status_class(status: str) -> str:
    return _STATUS_CLASS.get(status, "")


@dataclass(frozen=True)
class CellLinks:
    cells: list[Any]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.cells)


@register.simple_tag(takes_context=True)
def campaign_cell_links(context: dict[str, Any], campaign: Any) -> CellLinks:
    """The cells under the campaign whose report states the current user may follow."""
    cells = campaign_cells_visible_to(context["request"].user, campaign)
    listed = list(cells[:CELL_LINKS_LIMIT])
    total = len(listed) if len(listed) < CELL_LINKS_LIMIT else cells.count()
    return CellLinks(cells=listed, total=total)


@register.simple_tag
def proxy_entered_at(report: Any) -> Any:
    """When the text was last entered on the member's behalf (None if never)."""
    return (
        ReportRevision.objects.filter(report=report, kind=RevisionKind.PROXY)
        .order_by("-number")
        .values_list("saved_at", flat=True)
        .first()
    )
