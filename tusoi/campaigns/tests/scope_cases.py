import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from tusoi.campaigns.models import Campaign, GuidingDocument
from tusoi.campaigns.services import campaign_create, guiding_document_add
from tusoi.orgs.permissions import Role
from tusoi.testing.scope import ScopeCase

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def campaign_of_branch_a(t) -> Campaign:
    """Branch A's campaign, created once per test by the system."""
    found = Campaign.objects.filter(organization=t.branch_a).first()
    return found or campaign_create(
        actor=None,
        organization=t.branch_a,
        title="Tự phê bình năm 2025",
        theme="Phòng, chống suy thoái",
        starts_on=datetime.date(2025, 11, 1),
        ends_on=datetime.date(2025, 12, 31),
    )


def document_of_branch_a(t) -> GuidingDocument:
    campaign = campaign_of_branch_a(t)
    found = campaign.documents.first()
    return found or guiding_document_add(
        actor=None,
        campaign=campaign,
        organization=t.branch_a,
        number_symbol="02-KH/ĐU",
        issued_on=datetime.date(2025, 10, 20),
        issuing_body="Đảng ủy phường An Bình",
        summary="Kế hoạch tự phê bình",
        file=SimpleUploadedFile("ke-hoach.pdf", PDF, content_type="application/pdf"),
    )


def _campaign_fields(t):
    return {
        "org": t.branch_a.pk,
        "title": "Đợt mới",
        "theme": "Chủ đề",
        "starts_on": "01/11/2025",
        "ends_on": "31/12/2025",
        "copy_threshold": "0.5",
    }


def _edit_fields(t):
    campaign = campaign_of_branch_a(t)
    return {
        "title": "Tự phê bình năm 2025 (sửa)",
        "theme": campaign.theme,
        "starts_on": "01/11/2025",
        "ends_on": "31/12/2025",
        "copy_threshold": "0.5",
        "version": campaign.version,
    }


PUBLIC = {
    # Tested in test_views.py / test_api.py: a sibling-branch user's list holds nothing of A.
    "campaigns:list": "lists only campaigns of the caller's own scope",
    "api:campaigns_list": "lists only campaigns of the caller's own scope",
}
CASES = [
    ScopeCase(
        "campaigns:detail", kwargs=lambda t: {"pk": campaign_of_branch_a(t).pk}, role=Role.COMMITTEE
    ),
    ScopeCase(
        "campaigns:detail",
        kwargs=lambda t: {"pk": campaign_of_branch_a(t).pk},
        role=Role.SECRETARY,
        grant_on=lambda t: t.cell_a,
        sibling_on=lambda t: t.cell_b,
        label="secretary",
    ),
    ScopeCase(
        "campaigns:create",
        kwargs=lambda t: {},
        data=lambda t: {"org": t.branch_a.pk},
        role=Role.COMMITTEE,
    ),
    ScopeCase(
        "campaigns:create",
        kwargs=lambda t: {},
        method="post",
        data=_campaign_fields,
        role=Role.COMMITTEE,
        ok_status=302,
    ),
    ScopeCase(
        "campaigns:edit", kwargs=lambda t: {"pk": campaign_of_branch_a(t).pk}, role=Role.COMMITTEE
    ),
    ScopeCase(
        "campaigns:edit",
        kwargs=lambda t: {"pk": campaign_of_branch_a(t).pk},
        method="post",
        data=_edit_fields,
        role=Role.COMMITTEE,
        ok_status=302,
    ),
    ScopeCase(
        "campaigns:status",
        kwargs=lambda t: {"pk": campaign_of_branch_a(t).pk},
        method="post",
        data=lambda t: {"action": "open"},
        role=Role.COMMITTEE,
        ok_status=302,
    ),
    ScopeCase(
        "campaigns:document_add",
        kwargs=lambda t: {"pk": campaign_of_branch_a(t).pk},
        role=Role.COMMITTEE,
    ),
    ScopeCase(
        "campaigns:document_add",
        kwargs=lambda t: {"pk": campaign_of_branch_a(t).pk},
        method="post",
        data=lambda t: {
            "number_symbol": "03-KH/ĐU",
            "issued_on": "25/10/2025",
            "issuing_body": "Đảng ủy phường An Bình",
            "summary": "Kế hoạch bổ sung",
        },
        role=Role.COMMITTEE,
        ok_status=302,
    ),
    ScopeCase(
        "campaigns:document_download",
        kwargs=lambda t: {"pk": document_of_branch_a(t).pk},
        role=Role.COMMITTEE,
    ),
    ScopeCase(
        "campaigns:document_download",
        kwargs=lambda t: {"pk": document_of_branch_a(t).pk},
        role=Role.SECRETARY,
        grant_on=lambda t: t.cell_a2,
        sibling_on=lambda t: t.cell_b,
        label="secretary",
    ),
    ScopeCase(
        "api:campaigns_detail",
        kwargs=lambda t: {"id": campaign_of_branch_a(t).pk},
        role=Role.COMMITTEE,
    ),
    ScopeCase(
        "api:campaigns_detail",
        kwargs=lambda t: {"id": campaign_of_branch_a(t).pk},
        role=Role.SUPERVISOR,
        grant_on=lambda t: t.cell_a,
        sibling_on=lambda t: t.cell_b,
        label="supervisor",
    ),
]
