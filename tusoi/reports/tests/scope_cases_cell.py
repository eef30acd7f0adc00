"""Scope cases of the cell's pages: the secretary of cell A reaches member A's report and
commitment in an open campaign of the province; the secretary of cell B gets 404."""

from tusoi.orgs.permissions import Role
from tusoi.reports.services import report_open, report_save, report_submit
from tusoi.testing.factories import UserFactory
from tusoi.testing.scope import ScopeCase

from .conftest import filled_content, make_open_campaign


def _submitted_report(t):
    """Member A's report, written and submitted by member A, in a new open province campaign."""
    campaign = make_open_campaign(t.province)
    writer = UserFactory(member=t.member_a)
    report = report_open(member=t.member_a, campaign=campaign, actor=writer)
    report = report_save(
        report=report, actor=writer, content=filled_content(report), base_version=report.version
    )
    return report_submit(report=report, actor=writer, base_version=report.version)


def _on_cell(**kwargs) -> dict:
    return {
        "role": Role.SECRETARY,
        "grant_on": lambda t: t.cell_a,
        "sibling_on": lambda t: t.cell_b,
        **kwargs,
    }


PUBLIC = {
    # Tested in test_cell.py: the logged-in member's own commitments only, nothing else.
    "reports:commitments_mine": "per owner: a member's own commitments, no object in the URL",
}
CASES = [
    ScopeCase(
        "reports:cell_reports",
        kwargs=lambda t: {"campaign_pk": make_open_campaign(t.province).pk, "org_pk": t.cell_a.pk},
        **_on_cell(),
    ),
    ScopeCase(
        "reports:cell_remind",
        kwargs=lambda t: {"campaign_pk": make_open_campaign(t.province).pk, "org_pk": t.cell_a.pk},
        **_on_cell(method="post", data=lambda t: {"send_to": "all"}, ok_status=302),
    ),
    ScopeCase(
        "reports:proxy_open",
        kwargs=lambda t: {
            "campaign_pk": make_open_campaign(t.province).pk,
            "member_pk": t.member_a.pk,
        },
        **_on_cell(method="post", data=lambda t: {}, ok_status=302),
    ),
    ScopeCase(
        "reports:report_return",
        kwargs=lambda t: {"pk": _submitted_report(t).pk},
        **_on_cell(
            method="post", data=lambda t: {"reason": "Phần nguyên nhân còn sơ sài"}, ok_status=302
        ),
    ),
    ScopeCase(
        "reports:report_accept",
        kwargs=lambda t: {"pk": _submitted_report(t).pk},
        **_on_cell(method="post", data=lambda t: {}, ok_status=302),
    ),
    # The secretary reaches the report; the service then refuses (only its writer confirms),
    # with a message on the report page.
    ScopeCase(
        "reports:report_confirm",
        kwargs=lambda t: {"pk": _submitted_report(t).pk},
        **_on_cell(method="post", data=lambda t: {}, ok_status=302),
    ),
    ScopeCase(
        "reports:commitment_progress",
        kwargs=lambda t: {"pk": _submitted_report(t).commitments.get().pk},
        **_on_cell(
            method="post",
            data=lambda t: {"status": "in_progress", "note": "Đang thực hiện", "on": ""},
            ok_status=302,
        ),
    ),
    ScopeCase("reports:cell_commitments", kwargs=lambda t: {"org_pk": t.cell_a.pk}, **_on_cell()),
]
