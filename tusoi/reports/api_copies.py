"""Copy detection over the JSON API (mounted in tusoi/reports/api.py), under the same rules as
the pages (DOMAIN.md "Who reads what"): a report's check is read by its text readers other than
its writer, a counterpart outside the caller's scope is anonymised exactly as on the report page
(score and the level of the nearest shared organisation, never its text or writer), and
committees read flag counts of a subtree they follow. Out of scope answers 404."""

import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from tusoi.api import ERRORS
from tusoi.campaigns.selectors import campaigns_visible_to
from tusoi.orgs.permissions import Action
from tusoi.orgs.selectors import organizations_visible_to
from tusoi.reports.selectors.copies import (
    copy_flag_counts,
    report_copy_view,
    reports_copy_readable_by,
)

router = Router()


class CopyCounterpartOut(Schema):
    """`kind`: "report" (another report of the campaign), "template" (the template's sample
    text) or "own" (the member's own report of another campaign). Outside the caller's scope
    only `level` says where: the nearest organisation both reports lie under, by name where the
    caller may see it, else by its kind."""

    kind: str
    score: float
    containment: float
    jaccard: float
    outside_scope: bool
    report_id: int | None
    member: str | None
    cell: str | None
    level: str


class CopyCheckOut(Schema):
    """`score` (which decides `flagged` against the campaign's `threshold`): the share of the
    report's own wording, phrases common to many reports left out, found in the closest text;
    `containment`: the same over all its wording; `jaccard`: the similarity of the two texts.
    A report not checked yet (a draft) has `checked` false."""

    report_id: int
    checked: bool
    checked_at: datetime.datetime | None
    threshold: float
    flagged: bool
    score: float
    containment: float
    jaccard: float
    counterparts: list[CopyCounterpartOut]


class CopyFlagsOut(Schema):
    campaign_id: int
    organization_id: int
    checked: int
    flagged: int


@router.get(
    "/{id}/copy-check",
    response={200: CopyCheckOut, **ERRORS},
    url_name="reports_copy_check",
    summary="The report's copy check, for its text readers (not its writer)",
)
def reports_copy_check(request, id: int) -> dict:  # noqa: A002
    report = get_object_or_404(reports_copy_readable_by(request.auth), pk=id)
    view = report_copy_view(request.auth, report)
    if view is None:
        return {
            "report_id": report.pk,
            "checked": False,
            "checked_at": None,
            "threshold": float(report.campaign.copy_threshold),
            "flagged": False,
            "score": 0.0,
            "containment": 0.0,
            "jaccard": 0.0,
            "counterparts": [],
        }
    check = view.check
    return {
        "report_id": report.pk,
        "checked": True,
        "checked_at": check.checked_at,
        "threshold": view.threshold,
        "flagged": check.flagged,
        "score": check.score,
        "containment": check.containment,
        "jaccard": check.jaccard,
        "counterparts": [
            {
                "kind": c.kind,
                "score": c.score,
                "containment": c.containment,
                "jaccard": c.jaccard,
                "outside_scope": c.outside_scope,
                "report_id": c.report_id,
                "member": c.member_name or None,
                "cell": c.cell_name or None,
                "level": c.level,
            }
            for c in view.counterparts
        ],
    }


@router.get(
    "/campaigns/{campaign_id}/copy-flags/{org_id}",
    response={200: CopyFlagsOut, **ERRORS},
    url_name="reports_copy_flags",
    summary="How many reports of the campaign under an organisation were checked and flagged",
)
def reports_copy_flags(request, campaign_id: int, org_id: int) -> dict:
    campaign = get_object_or_404(campaigns_visible_to(request.auth), pk=campaign_id)
    org = get_object_or_404(organizations_visible_to(request.auth, Action.VIEW), pk=org_id)
    counts = copy_flag_counts(campaign, org.path)
    return {
        "campaign_id": campaign.pk,
        "organization_id": org.pk,
        "checked": counts.checked,
        "flagged": counts.flagged,
    }
