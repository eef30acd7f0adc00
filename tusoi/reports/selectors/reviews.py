"""Reading self-review reports and commitments under DOMAIN.md "Who reads what".

Three narrowings, all from `scope_for`:
- `reports_readable_by`: the text. The writer, and those whose READ_REPORT_TEXT grant covers the
  member's current cell (the cell's secretary and committee, supervisors assigned to it).
- `reports_visible_to`: the state. The writer, and anyone whose VIEW covers the member's cell
  (committees above see names and states, never text).
- `reports_reviewable_by`: return, accept, enter on a member's behalf, remind (REVIEW_REPORTS).
A report follows its member: the member's current cell decides (DOMAIN.md, a member who moves
takes the report along)."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from tusoi.campaigns.models import Campaign
from tusoi.campaigns.selectors import campaigns_open_for_member
from tusoi.members.models import Member, MemberStatus
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Action, scope_for
from tusoi.orgs.tree import successor
from tusoi.reports.models import (
    COUNTED_Q,
    COUNTED_STATUSES,
    Commitment,
    CommitmentProgress,
    CommitmentStatus,
    ReportRevision,
    ReportStatus,
    SelfReview,
)

CELL_PATH = "member__cell__path"
# Members who are not asked to write in a campaign (DOMAIN.md: excluded from the targets).
EXCLUDED_STATUSES = (MemberStatus.EXEMPT, MemberStatus.TRANSFERRED_OUT)


def _own_or(user: Any, action: Action) -> Q:
    scope = scope_for(user)
    if not scope.is_authenticated:
        return Q(pk__in=[])
    query = scope.q(action, CELL_PATH)
    if scope.member_id:
        query |= Q(member_id=scope.member_id)
    return query


def _base() -> QuerySet[SelfReview]:
    return SelfReview.objects.select_related(
        "campaign", "campaign__organization", "member", "member__cell", "template"
    )


def reports_readable_by(user: Any) -> QuerySet[SelfReview]:
    return _base().filter(_own_or(user, Action.READ_REPORT_TEXT))


def reports_visible_to(user: Any) -> QuerySet[SelfReview]:
    return _base().filter(_own_or(user, Action.VIEW))


def reports_reviewable_by(user: Any) -> QuerySet[SelfReview]:
    return _base().filter(scope_for(user).q(Action.REVIEW_REPORTS, CELL_PATH))


def can_read_text(user: Any, report: SelfReview) -> bool:
    scope = scope_for(user)
    return (scope.member_id is not None and scope.member_id == report.member_id) or scope.covers(
        Action.READ_REPORT_TEXT, report.member.cell.path
    )


def can_review(user: Any, report: SelfReview) -> bool:
    return scope_for(user).covers(Action.REVIEW_REPORTS, report.member.cell.path)


def is_writer(user: Any, report: SelfReview) -> bool:
    return bool(getattr(user, "member_id", None)) and user.member_id == report.member_id


def cells_reviewable_by(user: Any) -> QuerySet[Organization]:
    return Organization.objects.filter(scope_for(user).q(Action.REVIEW_REPORTS)).filter(
        kind__is_cell=True
    )


def cells_visible_to(user: Any) -> QuerySet[Organization]:
    return Organization.objects.filter(scope_for(user).q(Action.VIEW)).filter(kind__is_cell=True)


def campaign_covers(campaign: Campaign, org_path: str) -> bool:
    return org_path.startswith(campaign.organization.path)


@dataclass
class MyReport:
    campaign: Campaign
    report: SelfReview | None


def my_reports(member: Member) -> list[MyReport]:
    """One entry per open campaign for the member (DOMAIN.md: several may be open at once),
    with the member's report where one was started. Two queries."""
    campaigns = list(campaigns_open_for_member(member))
    reports = {
        r.campaign_id: r
        for r in SelfReview.objects.filter(member=member, campaign__in=campaigns).select_related(
            "template"
        )
    }
    return [MyReport(campaign=c, report=reports.get(c.pk)) for c in campaigns]


def my_past_reports(member: Member) -> QuerySet[SelfReview]:
    """The member's reports of campaigns no longer open, newest first."""
    return (
        SelfReview.objects.filter(member=member)
        .exclude(campaign__status="open")
        .select_related("campaign")
        .order_by("-campaign__starts_on", "-pk")
    )


def report_revisions(report: SelfReview) -> QuerySet[ReportRevision]:
    return report.revisions.select_related("saved_by").defer("content").order_by("-number")


@dataclass
class CellRow:
    member: Member
    report_id: int | None
    status: str  # a ReportStatus value, or "" for not started
    submitted_late: bool
    is_proxy: bool
    confirmed: bool
    copy_flagged: bool = False  # flagged by the copy check (issue 7): a mark, no scores


def cell_report_rows(campaign: Campaign, cell: Organization) -> tuple[list[CellRow], list[CellRow]]:
    """The cell's members with their report state for the campaign: (asked to write, listed
    apart — exempt or temporarily transferred out). One query."""
    reports = SelfReview.objects.filter(campaign=campaign, member=OuterRef("pk"))
    members = (
        Member.objects.filter(cell=cell, merged_into__isnull=True)
        .exclude(status=MemberStatus.LEFT)
        .annotate(
            report_id=Subquery(reports.values("pk")[:1]),
            report_status=Subquery(reports.values("status")[:1]),
            report_late=Subquery(reports.values("submitted_late")[:1]),
            report_proxy=Subquery(reports.values("entered_by_id")[:1]),
            report_confirmed=Subquery(reports.values("confirmed_at")[:1]),
            report_copy_flagged=Subquery(reports.values("copy_check__flagged")[:1]),
        )
        .order_by("name_key", "card_number")
    )
    in_scope: list[CellRow] = []
    apart: list[CellRow] = []
    for m in members:
        row = CellRow(
            member=m,
            report_id=m.report_id,
            status=m.report_status or "",
            submitted_late=bool(m.report_late),
            is_proxy=m.report_proxy is not None,
            confirmed=m.report_confirmed is not None,
            copy_flagged=bool(m.report_copy_flagged),
        )
        (apart if m.status in EXCLUDED_STATUSES else in_scope).append(row)
    return in_scope, apart


def members_without_counted_report(campaign: Campaign, cell: Organization) -> QuerySet[Member]:
    counted = SelfReview.objects.filter(COUNTED_Q, campaign=campaign, member=OuterRef("pk"))
    return (
        Member.objects.filter(cell=cell, merged_into__isnull=True)
        .exclude(status__in=(*EXCLUDED_STATUSES, MemberStatus.LEFT))
        .filter(~Exists(counted))
    )


def commitments_of_member(member: Member) -> QuerySet[Commitment]:
    return (
        Commitment.objects.filter(member=member)
        .select_related("report__campaign")
        .order_by("-report__campaign__starts_on", "position", "pk")
    )


def previous_commitments(member: Member, campaign: Campaign) -> QuerySet[Commitment]:
    """The member's commitments from other (earlier) campaigns, shown while writing this one."""
    return (
        commitments_of_member(member)
        .exclude(report__campaign=campaign)
        .filter(report__campaign__starts_on__lte=campaign.starts_on)
    )


def overdue_commitments(cell: Organization, today: datetime.date | None = None):
    """Commitments of the cell's current members past their date and not done."""
    today = today or timezone.localdate()
    return (
        Commitment.objects.filter(member__cell=cell, due_on__lt=today)
        .exclude(status=CommitmentStatus.DONE)
        .select_related("member", "report__campaign")
        .order_by("due_on", "member__name_key", "pk")
    )


def commitments_visible_to(user: Any) -> QuerySet[Commitment]:
    """Commitments are part of the report's text: the writer and the text readers."""
    scope = scope_for(user)
    if not scope.is_authenticated:
        return Commitment.objects.none()
    query = scope.q(Action.READ_REPORT_TEXT, CELL_PATH)
    if scope.member_id:
        query |= Q(member_id=scope.member_id)
    return Commitment.objects.filter(query).select_related("member", "member__cell", "report")


@dataclass(frozen=True)
class CellCounts:
    in_scope: int
    counted: int  # submitted or later (DOMAIN.md: counts towards target 1)
    returned: int
    not_started: int
    copy_flagged: int = 0  # flagged as likely copies (advice for the cell, not a verdict)


def cell_counts(rows: list[CellRow]) -> CellCounts:
    """The figures at the top of a cell's page, from the rows it already shows."""
    return CellCounts(
        in_scope=len(rows),
        counted=sum(1 for r in rows if r.status in COUNTED_STATUSES),
        returned=sum(1 for r in rows if r.status == ReportStatus.RETURNED),
        not_started=sum(1 for r in rows if not r.status),
        copy_flagged=sum(1 for r in rows if r.copy_flagged),
    )


def campaign_cells_visible_to(user: Any, campaign: Campaign) -> QuerySet[Organization]:
    """The cells under the campaign's committee whose states the user may follow."""
    root = campaign.organization.path
    return cells_visible_to(user).filter(path__gte=root, path__lt=successor(root)).order_by("path")


def cell_commitment_list(
    user: Any, cell: Organization, today: datetime.date | None = None
) -> QuerySet[Commitment]:
    """The commitments of the cell's current members the user may read, overdue first, with
    their progress history (two queries)."""
    today = today or timezone.localdate()
    overdue = Q(due_on__lt=today) & ~Q(status=CommitmentStatus.DONE)
    return (
        commitments_visible_to(user)
        .filter(member__cell=cell, member__merged_into__isnull=True)
        .exclude(member__status=MemberStatus.LEFT)
        .select_related("report__campaign")
        .prefetch_related(_progress_prefetch())
        .annotate(
            overdue_first=Case(When(overdue, then=Value(0)), default=Value(1)),
        )
        .order_by("overdue_first", "due_on", "member__name_key", "position", "pk")
    )


def member_commitment_list(member: Member) -> QuerySet[Commitment]:
    """The member's commitments across campaigns, newest campaign first, with their progress
    history (two queries)."""
    return commitments_of_member(member).prefetch_related(_progress_prefetch())


def _progress_prefetch() -> Prefetch:
    return Prefetch(
        "progress",
        queryset=CommitmentProgress.objects.select_related("recorded_by").order_by("-on", "-id"),
        to_attr="history",
    )
