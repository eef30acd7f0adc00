"""Reading copy checks under DOMAIN.md "Who reads what".

- A check's scores and counterparts are read by the report's text readers other than its
  writer (the cell's secretary and committee, supervisors assigned there): the writer sees only
  the gentle warning when submitting. `reports_copy_readable_by` narrows to those reports.
- A counterpart the viewer may read is named and can be compared side by side; any other is
  "a report outside your scope" with its score and the level of the nearest organisation the two
  reports' cells share (its name only where the viewer may see that organisation), never its
  text or writer.
- Committees above see flag counts only: `copy_flag_counts` (one query per subtree) and the
  flag per member row of the cell page (`cell_report_rows`).
"""

import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Count, Q, QuerySet

from tusoi.campaigns.models import Campaign
from tusoi.dedup.normalize import convert_legacy_line, fold_words
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Action, scope_for
from tusoi.orgs.tree import SEGMENT_WIDTH, successor
from tusoi.reports.models import CopyCheck, CopyMatch, CopyMatchKind, ReportTemplate, SelfReview
from tusoi.reports.selectors.reviews import reports_readable_by
from tusoi.reports.selectors.templates import template_effective_sections

CHECK_CELL_PATH = "report__member__cell__path"


def reports_copy_readable_by(user: Any) -> QuerySet[SelfReview]:
    """Reports whose copy check the user may read: text readers, the writer excepted."""
    scope = scope_for(user)
    reports = reports_readable_by(user)
    if scope.member_id:
        reports = reports.exclude(member_id=scope.member_id)
    return reports


def can_read_copy_check(user: Any, report: SelfReview) -> bool:
    scope = scope_for(user)
    if scope.member_id is not None and scope.member_id == report.member_id:
        return False
    return scope.covers(Action.READ_REPORT_TEXT, report.member.cell.path)


@dataclass(frozen=True)
class Counterpart:
    kind: str  # a CopyMatchKind value
    kind_label: str
    jaccard: float
    containment: float
    score: float
    outside_scope: bool
    # Only for a counterpart the viewer may read:
    report_id: int | None = None
    member_name: str = ""
    cell_name: str = ""
    campaign_title: str = ""
    # Only outside the viewer's scope: the nearest shared organisation, by name where the
    # viewer may see it, else by its kind ("Tỉnh ủy"); empty when the reports share none.
    level: str = ""

    @property
    def compare_with(self) -> str:
        """The `with` parameter of the side-by-side page, or "" when it cannot be opened."""
        if self.kind == CopyMatchKind.TEMPLATE:
            return "template"
        return str(self.report_id) if self.report_id else ""


@dataclass(frozen=True)
class CopyCheckView:
    check: CopyCheck
    threshold: float
    counterparts: list[Counterpart]


def _shared_path(a: str, b: str) -> str:
    """The path of the nearest organisation both paths lie under ("" if none)."""
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return a[: common - common % SEGMENT_WIDTH]


def report_copy_view(user: Any, report: SelfReview) -> CopyCheckView | None:
    """The report's stored check as the user may see it, or None (not checked yet, or not the
    user's to read). Four queries whatever the number of counterparts."""
    if not can_read_copy_check(user, report):
        return None
    check = CopyCheck.objects.filter(report=report).first()
    if check is None:
        return None
    matches = list(
        CopyMatch.objects.filter(copy_check=check)
        .select_related("other_report__member__cell", "other_report__campaign")
        .order_by("-score", "id")
    )
    others = [m.other_report_id for m in matches if m.other_report_id]
    readable = set(reports_readable_by(user).filter(pk__in=others).values_list("pk", flat=True))
    here = report.member.cell.path
    outside = [
        m for m in matches if m.other_report is not None and m.other_report_id not in readable
    ]
    shared = {
        m.other_report_id: _shared_path(here, m.other_report.member.cell.path)
        for m in outside
        if m.other_report is not None
    }
    orgs = {
        o.path: o
        for o in Organization.objects.filter(path__in=set(shared.values()) - {""}).select_related(
            "kind"
        )
    }
    scope = scope_for(user)
    counterparts = []
    for m in matches:
        counterpart = Counterpart(
            kind=m.kind,
            kind_label=str(CopyMatchKind(m.kind).label),
            jaccard=m.jaccard,
            containment=m.containment,
            score=m.score,
            outside_scope=False,
        )
        other = m.other_report
        if other is not None and other.pk in readable:
            counterpart = replace(
                counterpart,
                report_id=other.pk,
                member_name=other.member.full_name,
                cell_name=other.member.cell.name,
                campaign_title=other.campaign.title,
            )
        elif other is not None:
            org = orgs.get(shared[other.pk])
            level = ""
            if org is not None:
                level = org.name if scope.covers(Action.VIEW, org.path) else org.kind.name
            counterpart = replace(counterpart, outside_scope=True, level=level)
        counterparts.append(counterpart)
    return CopyCheckView(
        check=check, threshold=float(report.campaign.copy_threshold), counterparts=counterparts
    )


# Counts for committees -------------------------------------------------------------------------


@dataclass(frozen=True)
class CopyFlagCounts:
    checked: int
    flagged: int


def _counts(checks: QuerySet[CopyCheck]) -> CopyFlagCounts:
    row = checks.aggregate(checked=Count("pk"), flagged=Count("pk", filter=Q(flagged=True)))
    return CopyFlagCounts(checked=row["checked"] or 0, flagged=row["flagged"] or 0)


def copy_flag_counts(campaign: Campaign, org_path: str) -> CopyFlagCounts:
    """Checked and flagged reports of the campaign whose writers' cells lie in the subtree of
    `org_path`: one query."""
    return _counts(
        CopyCheck.objects.filter(
            campaign=campaign,
            **{f"{CHECK_CELL_PATH}__gte": org_path, f"{CHECK_CELL_PATH}__lt": successor(org_path)},
        )
    )


def copy_flag_counts_visible_to(user: Any, campaign: Campaign) -> CopyFlagCounts:
    """The same counts over everything the user may follow (VIEW): one query."""
    return _counts(
        CopyCheck.objects.filter(campaign=campaign).filter(
            scope_for(user).q(Action.VIEW, CHECK_CELL_PATH)
        )
    )


# Side by side ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    text: str
    shared: bool


@dataclass(frozen=True)
class SideBySide:
    left: list[Segment]
    right: list[Segment]
    left_shared: float  # share of the left text's words highlighted
    right_shared: float


_PIECES = re.compile(r"\s+|\S+")


def _tokens(text: str) -> list[tuple[str, list[str]]]:
    """(piece as written, its normalised words) for every whitespace run and word of `text`;
    lines typed in a legacy font are read converted, so they match their Unicode copies."""
    out: list[tuple[str, list[str]]] = []
    for line in (text or "").splitlines(keepends=True):
        pieces = _PIECES.findall(line)
        converted = _PIECES.findall(convert_legacy_line(unicodedata.normalize("NFC", line)))
        if len(converted) != len(pieces):
            converted = pieces
        for piece, readable in zip(pieces, converted, strict=True):
            out.append((piece, [] if piece.isspace() else fold_words(readable).split()))
    return out


def _shingles(words: list[str]) -> set[tuple[str, ...]]:
    return set(zip(words, words[1:], words[2:], strict=False))


def _marked(tokens: list[tuple[str, list[str]]], theirs: set[tuple[str, ...]]) -> list[bool]:
    """Per token: whether one of its words lies in a run of three or more consecutive words
    that the other text also has."""
    owner = [i for i, (_p, words) in enumerate(tokens) for _w in words]
    words = [w for _p, ws in tokens for w in ws]
    hit = [False] * len(words)
    for i in range(len(words) - 2):
        if (words[i], words[i + 1], words[i + 2]) in theirs:
            hit[i] = hit[i + 1] = hit[i + 2] = True
    marked = [False] * len(tokens)
    for position, flag in enumerate(hit):
        if flag:
            marked[owner[position]] = True
    return marked


def _segments(tokens: list[tuple[str, list[str]]], marked: list[bool]) -> list[Segment]:
    # A piece without words (spaces, a dash) is shared only inside a shared passage: between
    # two shared words of one line.
    before: list[bool] = []
    last = False
    for i, (_piece, words) in enumerate(tokens):
        before.append(last)
        if words:
            last = marked[i]
    after: list[bool] = [False] * len(tokens)
    last = False
    for i in range(len(tokens) - 1, -1, -1):
        after[i] = last
        if tokens[i][1]:
            last = marked[i]
    out: list[Segment] = []
    for i, (piece, words) in enumerate(tokens):
        shared = marked[i] if words else before[i] and after[i] and "\n" not in piece
        if out and out[-1].shared == shared:
            out[-1] = Segment(out[-1].text + piece, shared)
        else:
            out.append(Segment(piece, shared))
    return out


def _share(tokens: list[tuple[str, list[str]]], marked: list[bool]) -> float:
    total = sum(len(words) for _p, words in tokens)
    hit = sum(len(words) for (_p, words), flag in zip(tokens, marked, strict=True) if flag)
    return hit / total if total else 0.0


def side_by_side(left: str, right: str) -> SideBySide:
    """Both texts cut into segments, the passages they share (runs of three or more
    consecutive normalised words present in both) marked. Plain text: the page escapes it."""
    left_tokens, right_tokens = _tokens(left), _tokens(right)
    left_words = [w for _p, ws in left_tokens for w in ws]
    right_words = [w for _p, ws in right_tokens for w in ws]
    left_marked = _marked(left_tokens, _shingles(right_words))
    right_marked = _marked(right_tokens, _shingles(left_words))
    return SideBySide(
        left=_segments(left_tokens, left_marked),
        right=_segments(right_tokens, right_marked),
        left_shared=_share(left_tokens, left_marked),
        right_shared=_share(right_tokens, right_marked),
    )


def copy_match_between(report: SelfReview, other_id: int | None) -> CopyMatch | None:
    """The stored match of `report` with another report (None: with the template's sample)."""
    matches = CopyMatch.objects.filter(copy_check__report=report)
    if other_id is None:
        return matches.filter(kind=CopyMatchKind.TEMPLATE).first()
    return matches.filter(other_report_id=other_id).first()


def template_sample_text(template: ReportTemplate) -> str:
    """The sample texts of the template's effective sections, in order: what copying the
    example is measured against."""
    sections = template_effective_sections(template)
    return "\n\n".join(s.sample_text for s in sections if s.sample_text)


def copy_warning_summary(findings: list[Any]) -> list[Any]:
    """What the writer's warning lists: the closest counterpart of each kind (findings come
    closest first), never which report it is."""
    seen: set[str] = set()
    out = []
    for finding in findings:
        if finding.kind not in seen:
            seen.add(finding.kind)
            out.append(finding)
    return out
