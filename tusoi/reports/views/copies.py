"""Copy detection pages: the side-by-side view of a report and a counterpart (or the template's
sample text), and the issuing committee's re-check of a whole campaign. The stored check itself
is shown on the report page (`_copy_check.html`), the writer's warning by the submit view."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tusoi.campaigns.selectors import campaigns_managed_by
from tusoi.reports.models import CopyCheck
from tusoi.reports.selectors.copies import (
    copy_match_between,
    reports_copy_readable_by,
    side_by_side,
    template_sample_text,
)
from tusoi.reports.selectors.reviews import reports_readable_by
from tusoi.reports.services.copies import COMPARED_STATUSES, copy_recheck_start


@login_required
def copy_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """`?with=<report id>` or `?with=template`: both texts, shared passages marked."""
    report = get_object_or_404(reports_copy_readable_by(request.user), pk=pk)
    other_param = request.GET.get("with", "")
    other = None
    if other_param == "template":
        other_text = template_sample_text(report.template)
    else:
        if not other_param.isdigit() or int(other_param) == report.pk:
            raise Http404
        other = get_object_or_404(reports_readable_by(request.user), pk=int(other_param))
        other_text = other.full_text
    context = {
        "report": report,
        "other": other,
        "match": copy_match_between(report, other.pk if other else None),
        "sides": side_by_side(report.full_text, other_text),
        "crumbs": [
            (report.member.full_name, reverse("reports:report", args=[report.pk])),
            (_("Side by side"), None),
        ],
    }
    return render(request, "reports/copy_compare.html", context)


@login_required
def copy_recheck(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    """GET: what a re-check does; POST: start it in the background and follow its progress."""
    campaign = get_object_or_404(
        campaigns_managed_by(request.user).select_related("organization"), pk=campaign_pk
    )
    if request.method == "POST":
        try:
            job = copy_recheck_start(campaign=campaign, actor=request.user)
        except PermissionDenied as denied:
            messages.error(request, str(denied))
            return redirect("campaigns:detail", pk=campaign.pk)
        return redirect("jobs:detail", pk=job.pk)
    context = {
        "campaign": campaign,
        "reports": campaign.self_reviews.filter(status__in=COMPARED_STATUSES).count(),
        "checked": CopyCheck.objects.filter(campaign=campaign).count(),
        "crumbs": [
            (campaign.title, reverse("campaigns:detail", args=[campaign.pk])),
            (_("Copy check"), None),
        ],
    }
    return render(request, "reports/copy_recheck.html", context)
