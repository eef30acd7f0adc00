"""Scope cases for the reports JSON API (tusoi/reports/api.py). Report text and review: the
secretary of cell A gets through, the secretary of cell B gets 404. A cell's states: committee
staff of branch A get through, of branch B 404."""

from tusoi.orgs.permissions import Role
from tusoi.reports.models import Commitment
from tusoi.reports.services import report_save
from tusoi.testing.scope import ScopeCase

from .conftest import filled_content, make_open_campaign
from .scope_cases_files import SECRETARY_A, member_a_report, member_a_report_now


def _proxy_entered_report(t):
    """Member A's report typed in by cell A's secretary, waiting for member A to confirm."""
    from tusoi.testing.factories import UserFactory, grant

    report = member_a_report(t)
    secretary = UserFactory()
    grant(secretary, t.cell_a, Role.SECRETARY)
    return report_save(
        report=report,
        actor=secretary,
        content=filled_content(report),
        base_version=0,
        proxy_reason="Đồng chí tuổi cao",
    )


def _commitment(t) -> Commitment:
    member_a_report(t, submitted=True)
    return Commitment.objects.get(member=t.member_a)


PUBLIC = {
    # Both answer from the caller's own member record only (an account without one gets an
    # empty list); test_api_reports.py shows the writer's flow.
    "api:reports_mine": "the caller's own reports, one per open campaign",
    "api:reports_commitments_mine": "the caller's own commitments",
}

CASES = [
    ScopeCase(
        "api:reports_open",
        kwargs=lambda t: {},
        method="post",
        data=lambda t: {
            "campaign_id": make_open_campaign(t.province).pk,
            "member_id": t.member_a.pk,
        },
        json=True,
        **SECRETARY_A,
    ),
    ScopeCase("api:reports_detail", kwargs=lambda t: {"id": member_a_report(t).pk}, **SECRETARY_A),
    ScopeCase(
        "api:reports_detail",
        kwargs=lambda t: {"id": member_a_report(t, submitted=True).pk},
        role=Role.SUPERVISOR,
        label="supervisor",
    ),
    ScopeCase(
        "api:reports_save",
        kwargs=lambda t: {"id": member_a_report(t).pk},
        method="put",
        data=lambda t: {
            "content": {"sections": {"uu-diem": "Chấp hành nghiêm sự phân công."}},
            "version": member_a_report_now(t).version,
            "proxy_reason": "Đồng chí đi làm xa",
        },
        json=True,
        **SECRETARY_A,
    ),
    ScopeCase(
        "api:reports_submit",
        kwargs=lambda t: {"id": member_a_report(t, filled=True).pk},
        method="post",
        data=lambda t: {},
        json=True,
        **SECRETARY_A,
    ),
    ScopeCase(
        "api:reports_return",
        kwargs=lambda t: {"id": member_a_report(t, submitted=True).pk},
        method="post",
        data=lambda t: {"reason": "Viết rõ hơn phần hạn chế."},
        json=True,
        **SECRETARY_A,
    ),
    ScopeCase(
        "api:reports_accept",
        kwargs=lambda t: {"id": member_a_report(t, submitted=True).pk},
        method="post",
        json=True,
        **SECRETARY_A,
    ),
    # Only the member confirms their own report; the secretary who may read it is refused
    # with 403 (test_api_reports.py shows the member confirming), anyone else gets 404.
    ScopeCase(
        "api:reports_confirm",
        kwargs=lambda t: {"id": _proxy_entered_report(t).pk},
        method="post",
        json=True,
        ok_status=403,
        **SECRETARY_A,
    ),
    ScopeCase(
        "api:reports_revisions",
        kwargs=lambda t: {"id": member_a_report(t, filled=True).pk},
        **SECRETARY_A,
    ),
    ScopeCase(
        "api:reports_revision",
        kwargs=lambda t: {"id": member_a_report(t, filled=True).pk, "number": 1},
        role=Role.SUPERVISOR,
    ),
    ScopeCase(
        "api:reports_cell_states",
        kwargs=lambda t: {
            "campaign_id": member_a_report(t, submitted=True).campaign_id,
            "org_id": t.cell_a.pk,
        },
        role=Role.COMMITTEE,
    ),
    ScopeCase(
        "api:reports_commitment_progress",
        kwargs=lambda t: {"id": _commitment(t).pk},
        method="post",
        data=lambda t: {"status": "in_progress", "note": "Đã bắt đầu."},
        json=True,
        **SECRETARY_A,
    ),
]
