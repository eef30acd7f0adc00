"""Template helpers of the monitoring pages, and the links to a campaign's dashboards that the
campaign and organisation pages show (those pages load this library; their apps never import
monitoring)."""

from decimal import Decimal
from typing import Any

from django import template

from tusoi.campaigns.models import Campaign, CampaignStatus
from tusoi.campaigns.selectors import campaigns_visible_to
from tusoi.meetings.selectors.registration import CellState, cell_state_label
from tusoi.monitoring.charts import pct_label
from tusoi.monitoring.lists import dashboard_tops
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Action, scope_for
from tusoi.orgs.tree import ancestor_paths

register = template.Library()


@register.simple_tag(takes_context=True)
def campaign_dashboard_orgs(context: dict[str, Any], campaign: Campaign) -> list[Organization]:
    """The organisations the current user's dashboards of `campaign` start from (empty for a
    user who follows no part of it)."""
    return dashboard_tops(context["request"].user, campaign)


@register.simple_tag(takes_context=True)
def org_dashboard_campaigns(context: dict[str, Any], org: Organization) -> list[Campaign]:
    """The open campaigns covering `org` (issued by it or a committee above it) whose dashboard
    of `org` the current user may open: VIEW over `org`. One query."""
    user = context["request"].user
    if not scope_for(user).covers(Action.VIEW, org.path):
        return []
    return list(
        campaigns_visible_to(user)
        .filter(
            status=CampaignStatus.OPEN,
            organization__path__in=[*ancestor_paths(org.path), org.path],
        )
        .order_by("ends_on", "id")
    )


@register.filter
def pct(value: Decimal | None) -> str:
    """A target's share as people read it: "62,5%", or "—" when there is nothing to count."""
    return pct_label(value)


@register.filter
def css_pct(value: Decimal | None) -> str:
    """A share as a CSS width (always a dot decimal, 0 to 100)."""
    if value is None:
        return "0"
    return f"{min(max(float(value), 0.0), 100.0):.1f}"


@register.filter
def monitoring_meeting_state(state: str) -> str:
    """A cell's derived meeting state for people (the meetings app's labels)."""
    return cell_state_label(state or CellState.NOT_REGISTERED)
