"""Scope cases of the report editor: the cell's secretary (cell_a) reaches member_a's report in an
open campaign of the province; the secretary of the sibling cell (cell_b) gets 404."""

from tusoi.orgs.permissions import Role
from tusoi.reports.models import ReportRevision, RevisionKind, SelfReview
from tusoi.reports.selectors import template_for
from tusoi.testing.scope import ScopeCase

from .conftest import filled_content, make_open_campaign


def _report(t, *, filled: bool = False) -> SelfReview:
    """member_a's draft, with one saved revision (number 1) and version 1."""
    campaign = make_open_campaign(t.province)
    report = SelfReview.objects.create(
        campaign=campaign, member=t.member_a, template=template_for(t.member_a, campaign)
    )
    content = (
        filled_content(report)
        if filled
        else {"sections": {"uu-diem": "Tôi đi sinh hoạt đều."}, "checklist": {}, "commitments": []}
    )
    report.content, report.version = content, 1
    report.save(update_fields=["content", "version"])
    ReportRevision.objects.create(
        report=report, number=1, kind=RevisionKind.SAVE, content=content, based_on_version=0
    )
    return report


def _cell(**kwargs) -> dict:
    return {
        "role": Role.SECRETARY,
        "grant_on": lambda t: t.cell_a,
        "sibling_on": lambda t: t.cell_b,
        **kwargs,
    }


PUBLIC = {
    # The caller's own member record decides both; tested in test_editor.py (no member record:
    # an explanation; another branch's campaign: 404).
    "reports:mine": "the caller's own reports only",
    "reports:mine_open": "opens the caller's own report in a campaign open for their own cell",
}
CASES = [
    ScopeCase("reports:report", kwargs=lambda t: {"pk": _report(t).pk}, **_cell()),
    ScopeCase(
        "reports:report_save",
        kwargs=lambda t: {"pk": _report(t).pk},
        method="post",
        data=lambda t: {
            "version": "1",
            "s-uu-diem": "Đồng chí nhờ bí thư ghi giúp.",
            "proxy_reason": "Đồng chí đi làm ăn xa",
        },
        ok_status=302,
        **_cell(),
    ),
    ScopeCase(
        "reports:report_submit",
        kwargs=lambda t: {"pk": _report(t, filled=True).pk},
        method="post",
        data=lambda t: {"version": "1"},
        ok_status=302,
        **_cell(),
    ),
    ScopeCase("reports:report_revisions", kwargs=lambda t: {"pk": _report(t).pk}, **_cell()),
    ScopeCase(
        "reports:report_revision", kwargs=lambda t: {"pk": _report(t).pk, "number": 1}, **_cell()
    ),
    ScopeCase(
        "reports:report_restore",
        kwargs=lambda t: {"pk": _report(t).pk, "number": 1},
        method="post",
        data=lambda t: {"version": "1"},
        ok_status=302,
        **_cell(),
    ),
]
