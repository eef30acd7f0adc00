"""The committee's dashboard of a campaign for one organisation, drillable down to a cell and its
members' states; the lists of who is behind with their .xlsx/CSV exports; the two SVG charts.
Each view finds its campaign and organisation through `campaign_and_org_for` (out of scope is
404) and hands the rest to the selectors in `monitoring/lists.py`."""

import re

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from tusoi.campaigns.models import Campaign
from tusoi.monitoring import charts
from tusoi.monitoring.figures import dashboard as figures_now
from tusoi.monitoring.lists import (
    PAGE_SIZE,
    ListKind,
    breadcrumb_orgs,
    campaign_and_org_for,
    dashboard_of,
    export_rows,
    list_columns,
    list_kind,
    list_row,
    list_rows,
    progress_series,
)
from tusoi.orgs.models import Organization
from tusoi.tabular import write_csv, write_xlsx

EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
# An SVG opened on its own runs nothing and loads nothing.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


def _crumbs(
    campaign: Campaign,
    ancestors: list[Organization],
    org: Organization,
    *tail: tuple[str, str | None],
) -> list[tuple[str, str | None]]:
    """Campaigns › the campaign › the user's top organisation › … › `org` (› `tail`)."""
    here = reverse("monitoring:dashboard", args=[campaign.pk, org.pk]) if tail else None
    return [
        (_("Campaigns"), reverse("campaigns:list")),
        (campaign.title, reverse("campaigns:detail", args=[campaign.pk])),
        *((a.name, reverse("monitoring:dashboard", args=[campaign.pk, a.pk])) for a in ancestors),
        (org.name, here),
        *tail,
    ]


@login_required
def dashboard(request: HttpRequest, campaign_pk: int, org_pk: int) -> HttpResponse:
    campaign, org = campaign_and_org_for(request.user, campaign_pk, org_pk)
    data = dashboard_of(request.user, campaign, org)
    context = {
        "campaign": campaign,
        "org": org,
        "data": data,
        "lists": list(ListKind),
        "today": timezone.localdate(),
        "crumbs": _crumbs(campaign, data.ancestors, org),
    }
    return render(request, "monitoring/dashboard.html", context)


@login_required
def org_list(request: HttpRequest, campaign_pk: int, org_pk: int, which: str) -> HttpResponse:
    kind = list_kind(which)
    campaign, org = campaign_and_org_for(request.user, campaign_pk, org_pk)
    page = Paginator(list_rows(request.user, campaign, org, kind), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "campaign": campaign,
        "org": org,
        "kind": kind,
        "page": page,
        "rows": [(obj, list_row(kind, obj)) for obj in page.object_list],
        "columns": list_columns(kind),
        "crumbs": _crumbs(
            campaign, breadcrumb_orgs(request.user, campaign, org), org, (kind.label, None)
        ),
    }
    return render(request, "monitoring/list.html", context)


@login_required
def org_list_export(
    request: HttpRequest, campaign_pk: int, org_pk: int, which: str, fmt: str
) -> HttpResponse:
    kind = list_kind(which)
    if fmt not in EXPORT_TYPES:
        raise Http404
    campaign, org = campaign_and_org_for(request.user, campaign_pk, org_pk)
    rows = export_rows(request.user, campaign, org, kind)
    columns = list_columns(kind)
    data = write_csv(columns, rows) if fmt == "csv" else write_xlsx(columns, rows, title=kind.label)
    response = HttpResponse(data, content_type=EXPORT_TYPES[fmt])
    code = re.sub(r"[^A-Za-z0-9_-]+", "-", org.code) or str(org.pk)
    response["Content-Disposition"] = f'attachment; filename="{kind.value}-{code}.{fmt}"'
    return response


@login_required
def chart(request: HttpRequest, campaign_pk: int, org_pk: int, which: str) -> HttpResponse:
    if which not in ("progress", "children"):
        raise Http404
    campaign, org = campaign_and_org_for(request.user, campaign_pk, org_pk)
    figures, children = figures_now(campaign, org)
    if which == "progress":
        svg = charts.progress_svg(
            starts_on=campaign.starts_on,
            ends_on=campaign.ends_on,
            today=timezone.localdate(),
            days=progress_series(campaign, org),
            reports_total=figures.members_in_scope,
            cells_total=figures.cells,
            title=_("Progress of %(org)s in the campaign") % {"org": org.name},
        )
    else:
        svg = charts.children_svg(
            [
                charts.Bar(row.name, row.figures.pct_reports, row.figures.pct_cells)
                for row in children
            ],
            title=_("Completion of the organisations below %(org)s") % {"org": org.name},
        )
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    # Figures are right at every moment: never served from a cache.
    add_never_cache_headers(response)
    response["Content-Security-Policy"] = SVG_POLICY
    return response
