"""Scope cases for the activity and commendation pages and endpoints: committee staff of branch
A reach what cell A recorded, those of branch B get 404; the same for the cells' secretaries."""

from tusoi.orgs.permissions import Role
from tusoi.testing.scope import ScopeCase

from .conftest import make_activity, upload, yesterday

SECRETARY_A = {
    "role": Role.SECRETARY,
    "grant_on": lambda t: t.cell_a,
    "sibling_on": lambda t: t.cell_b,
}


def _activity_form(t):
    return {
        "kind": "forum",
        "title": "Diễn đàn “Tuổi trẻ với lời thề đảng viên”",
        "on": yesterday().strftime("%d/%m/%Y"),
        "participants": "35",
        "summary": "",
        "files": upload("anh-dien-dan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16),
    }


def _attachment(t):
    activity = make_activity(t.cell_a, files=[upload("ke-hoach.pdf")])
    return {"pk": activity.pk, "attachment_pk": activity.attachments.get().pk}


def _attachment_api(t):
    activity = make_activity(t.cell_a, files=[upload("ke-hoach.pdf")])
    return {"id": activity.pk, "attachment_id": activity.attachments.get().pk}


def _commendation_form(t):
    return {
        "subject": "member",
        "member": t.member_a.card_number,
        "level": "cell",
        "on": yesterday().strftime("%d/%m/%Y"),
        "reason": "Gương mẫu trong đợt sinh hoạt chính trị",
    }


PUBLIC: dict[str, str] = {}

CASES = [
    # Pages
    ScopeCase("activities:list", kwargs=lambda t: {"org_pk": t.branch_a.pk}, role=Role.COMMITTEE),
    ScopeCase(
        "activities:list",
        kwargs=lambda t: {"org_pk": t.cell_a.pk},
        label="secretary",
        **SECRETARY_A,
    ),
    ScopeCase(
        "activities:list",
        kwargs=lambda t: {"org_pk": t.branch_a.pk},
        role=Role.SUPERVISOR,
        label="supervisor",
    ),
    ScopeCase("activities:create", kwargs=lambda t: {"org_pk": t.cell_a.pk}, role=Role.COMMITTEE),
    ScopeCase(
        "activities:create",
        kwargs=lambda t: {"org_pk": t.cell_a.pk},
        method="post",
        data=_activity_form,
        ok_status=302,
        label="save",
        **SECRETARY_A,
    ),
    ScopeCase(
        "activities:detail",
        kwargs=lambda t: {"pk": make_activity(t.cell_a).pk},
        role=Role.COMMITTEE,
    ),
    ScopeCase(
        "activities:detail",
        kwargs=lambda t: {"pk": make_activity(t.cell_a).pk},
        method="post",
        data=lambda t: {"files": upload("danh-sach.pdf")},
        ok_status=302,
        label="attach",
        **SECRETARY_A,
    ),
    ScopeCase("activities:attachment", kwargs=_attachment, role=Role.SUPERVISOR),
    ScopeCase(
        "activities:commendations", kwargs=lambda t: {"org_pk": t.branch_a.pk}, role=Role.COMMITTEE
    ),
    ScopeCase(
        "activities:commendation_create",
        kwargs=lambda t: {"org_pk": t.branch_a.pk},
        role=Role.COMMITTEE,
    ),
    ScopeCase(
        "activities:commendation_create",
        kwargs=lambda t: {"org_pk": t.cell_a.pk},
        method="post",
        data=_commendation_form,
        ok_status=302,
        label="save",
        **SECRETARY_A,
    ),
    # API
    ScopeCase(
        "api:activities_list", kwargs=lambda t: {"org_id": t.branch_a.pk}, role=Role.COMMITTEE
    ),
    ScopeCase(
        "api:activities_create",
        kwargs=lambda t: {"org_id": t.cell_a.pk},
        role=Role.COMMITTEE,
        method="post",
        data=lambda t: {
            "kind": "veteran_exchange",
            "title": "Gặp mặt đảng viên 50 năm tuổi Đảng",
            "on": yesterday().isoformat(),
            "participants": 20,
        },
        json=True,
        ok_status=201,
    ),
    ScopeCase(
        "api:activities_counts", kwargs=lambda t: {"org_id": t.branch_a.pk}, role=Role.SUPERVISOR
    ),
    ScopeCase(
        "api:activities_detail",
        kwargs=lambda t: {"id": make_activity(t.cell_a).pk},
        role=Role.COMMITTEE,
    ),
    ScopeCase(
        "api:activities_attach",
        kwargs=lambda t: {"id": make_activity(t.cell_a).pk},
        method="post",
        data=lambda t: {"files": upload("danh-sach.pdf")},
        ok_status=201,
        **SECRETARY_A,
    ),
    ScopeCase("api:activities_attachment", kwargs=_attachment_api, role=Role.COMMITTEE),
    ScopeCase(
        "api:commendations_list", kwargs=lambda t: {"org_id": t.branch_a.pk}, role=Role.COMMITTEE
    ),
    ScopeCase(
        "api:commendations_create",
        kwargs=lambda t: {"org_id": t.branch_a.pk},
        role=Role.COMMITTEE,
        method="post",
        data=lambda t: {
            "organization_id": t.cell_a.pk,
            "level": "upper",
            "reason": "Chi bộ hoàn thành xuất sắc đợt sinh hoạt",
            "on": yesterday().isoformat(),
        },
        json=True,
        ok_status=201,
    ),
]
