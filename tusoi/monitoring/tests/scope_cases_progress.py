"""Scope cases for the difficulty and progress report pages and endpoints: committee staff of
branch A reach what branch A and its cells raised and reported, those of branch B get 404; the
same for the cells' secretaries where they record."""

import datetime

from django.utils import timezone

from tusoi.campaigns.models import Campaign
from tusoi.monitoring.models_progress import DifficultyKind, ProgressReport
from tusoi.monitoring.services_progress import (
    difficulty_create,
    progress_report_create,
    progress_report_submit,
    progress_report_update,
)
from tusoi.orgs.permissions import Role
from tusoi.testing.scope import ScopeCase

SECRETARY_A = {
    "role": Role.SECRETARY,
    "grant_on": lambda t: t.cell_a,
    "sibling_on": lambda t: t.cell_b,
}
TITLE = "Giữ trọn lời thề đảng viên"
PARTS = {
    "number_symbol": "15-BC/ĐU",
    "situation": "Đã quán triệt đến 100% chi bộ.",
    "results": "Phần lớn đảng viên đã nộp báo cáo.",
    "shortcomings": "Một số chi bộ còn chậm.",
    "directions": "Tiếp tục đôn đốc.",
    "signer_name": "Nguyễn Thị Hồng",
}


def _campaign(t) -> Campaign:
    """The province's open campaign (made once per test)."""
    today = timezone.localdate()
    campaign, _created = Campaign.objects.get_or_create(
        organization=t.province,
        title=TITLE,
        defaults={
            "theme": "Tự soi, tự sửa",
            "starts_on": today - datetime.timedelta(days=30),
            "ends_on": today + datetime.timedelta(days=30),
            "status": "open",
        },
    )
    difficulty_create(
        actor=None,
        campaign=campaign,
        organization=t.cell_a,
        kind=DifficultyKind.DIFFICULTY,
        category="elderly_frail",
        text="Đảng viên cao tuổi cần người viết giúp.",
    )
    return campaign


def _report(t, *, sent: bool = False, filled: bool = False) -> ProgressReport:
    report = progress_report_create(
        actor=None,
        campaign=_campaign(t),
        organization=t.branch_a,
        kind="interim",
        cut_off=timezone.localdate(),
    )
    if filled or sent:
        report = progress_report_update(
            actor=None, report=report, expected_version=report.version, **PARTS
        )
    if sent:
        report = progress_report_submit(actor=None, report=report, expected_version=report.version)
    return report


def _branch_a(t) -> dict:
    return {"campaign_pk": _campaign(t).pk, "org_pk": t.branch_a.pk}


def _cell_a(t) -> dict:
    return {"campaign_pk": _campaign(t).pk, "org_pk": t.cell_a.pk}


def _api_branch_a(t) -> dict:
    return {"campaign_id": _campaign(t).pk, "org_id": t.branch_a.pk}


def _latest_version(t) -> dict:
    return {"version": ProgressReport.objects.latest("id").version}


PUBLIC: dict[str, str] = {}

CASES = [
    # Pages
    ScopeCase("monitoring:difficulties", kwargs=_branch_a, role=Role.COMMITTEE),
    ScopeCase(
        "monitoring:difficulties", kwargs=_branch_a, role=Role.SUPERVISOR, label="supervisor"
    ),
    ScopeCase(
        "monitoring:difficulties",
        kwargs=_cell_a,
        method="post",
        data=lambda t: {
            "kind": "difficulty",
            "category": "working_away",
            "text": "Bốn đảng viên đi làm ăn xa, chưa nộp báo cáo.",
        },
        ok_status=302,
        label="record",
        **SECRETARY_A,
    ),
    ScopeCase("monitoring:progress_reports", kwargs=_branch_a, role=Role.COMMITTEE),
    ScopeCase(
        "monitoring:progress_reports",
        kwargs=_branch_a,
        method="post",
        data=lambda t: {"kind": "interim", "cut_off": timezone.localdate().strftime("%d/%m/%Y")},
        role=Role.COMMITTEE,
        ok_status=302,
        label="generate",
    ),
    ScopeCase(
        "monitoring:progress_report", kwargs=lambda t: {"pk": _report(t).pk}, role=Role.COMMITTEE
    ),
    ScopeCase(
        "monitoring:progress_report",
        kwargs=lambda t: {"pk": _report(t, sent=True).pk},
        role=Role.SUPERVISOR,
        label="sent",
    ),
    ScopeCase(
        "monitoring:progress_report",
        kwargs=lambda t: {"pk": _report(t).pk},
        method="post",
        data=lambda t: {**PARTS, "action": "save", **_latest_version(t)},
        role=Role.COMMITTEE,
        ok_status=302,
        label="save",
    ),
    ScopeCase(
        "monitoring:progress_report_file",
        kwargs=lambda t: {"pk": _report(t).pk, "fmt": "docx"},
        role=Role.COMMITTEE,
    ),
    ScopeCase(
        "monitoring:progress_report_file",
        kwargs=lambda t: {"pk": _report(t, sent=True).pk, "fmt": "xlsx"},
        role=Role.SUPERVISOR,
        label="xlsx",
    ),
    # API
    ScopeCase("api:monitoring_difficulties_list", kwargs=_api_branch_a, role=Role.COMMITTEE),
    ScopeCase("api:monitoring_difficulties_counts", kwargs=_api_branch_a, role=Role.SUPERVISOR),
    ScopeCase(
        "api:monitoring_difficulties_create",
        kwargs=_api_branch_a,
        method="post",
        data=lambda t: {"kind": "proposal", "text": "Đề nghị kéo dài thời hạn nộp báo cáo."},
        json=True,
        role=Role.COMMITTEE,
        ok_status=201,
    ),
    ScopeCase("api:monitoring_progress_reports_list", kwargs=_api_branch_a, role=Role.COMMITTEE),
    ScopeCase(
        "api:monitoring_progress_reports_detail",
        kwargs=lambda t: {"id": _report(t).pk},
        role=Role.COMMITTEE,
    ),
    ScopeCase(
        "api:monitoring_progress_reports_submit",
        kwargs=lambda t: {"id": _report(t, filled=True).pk},
        method="post",
        data=_latest_version,
        json=True,
        role=Role.COMMITTEE,
    ),
]
