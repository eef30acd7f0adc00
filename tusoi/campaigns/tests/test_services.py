import datetime
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tusoi.audit.models import AuditEvent
from tusoi.campaigns.models import Campaign, CampaignStatus, GuidingDocument
from tusoi.campaigns.services import (
    StaleCampaignEdit,
    campaign_archive,
    campaign_close,
    campaign_create,
    campaign_open,
    campaign_reopen,
    campaign_update,
    guiding_document_add,
)
from tusoi.campaigns.tests.scope_cases import PDF
from tusoi.orgs.permissions import Role

NOV_1 = datetime.date(2025, 11, 1)
DEC_31 = datetime.date(2025, 12, 31)


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _add(campaign, org, file=None, actor=None, **overrides):
    data = {
        "actor": actor,
        "campaign": campaign,
        "organization": org,
        "number_symbol": "06-HD/TU",
        "issued_on": datetime.date(2025, 10, 15),
        "issuing_body": "Tỉnh ủy Thử nghiệm",
        "summary": "Hướng dẫn tự phê bình",
        "file": file,
    }
    data.update(overrides)
    return guiding_document_add(**data)


def test_committee_creates_campaign_with_cleaned_text_and_audit(tree, make_user):
    user = make_user(tree.branch_a, Role.COMMITTEE)
    campaign = campaign_create(
        actor=user,
        organization=tree.branch_a,
        title="  Tự phê bình   năm 2025 ",
        theme="Phòng, chống suy thoái",
        starts_on=NOV_1,
        ends_on=DEC_31,
        directives="Chỉ thị số 28-CT/TW  \r\nQuy định số 144-QĐ/TW",
    )
    assert campaign.title == "Tự phê bình năm 2025"
    assert campaign.directives == "Chỉ thị số 28-CT/TW\nQuy định số 144-QĐ/TW"
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.created_by == user
    event = AuditEvent.objects.get(target_type="campaigns.campaign", target_id=campaign.pk)
    assert event.action == AuditEvent.Action.CREATE
    assert event.organization == tree.branch_a
    assert event.actor == user


def test_secretary_cannot_create_campaign(tree, make_user):
    user = make_user(tree.cell_a, Role.SECRETARY)
    with pytest.raises(PermissionDenied):
        campaign_create(
            actor=user,
            organization=tree.cell_a,
            title="X",
            theme="Y",
            starts_on=NOV_1,
            ends_on=DEC_31,
        )
    assert not Campaign.objects.exists()


def test_committee_cannot_create_campaign_for_sibling_branch(tree, make_user):
    user = make_user(tree.branch_a, Role.COMMITTEE)
    with pytest.raises(PermissionDenied):
        campaign_create(
            actor=user,
            organization=tree.branch_b,
            title="X",
            theme="Y",
            starts_on=NOV_1,
            ends_on=DEC_31,
        )


def test_create_rejects_end_before_start_empty_title_and_due_date_outside(tree):
    with pytest.raises(ValidationError) as info:
        campaign_create(
            actor=None,
            organization=tree.branch_a,
            title="  ",
            theme="",
            starts_on=DEC_31,
            ends_on=NOV_1,
        )
    errors = info.value.message_dict
    assert errors["title"] == ["Nhập tên đợt sinh hoạt (tiêu đề)."]
    assert errors["theme"] == ["Nhập chủ đề của đợt sinh hoạt."]
    assert errors["ends_on"] == ["Ngày kết thúc đợt sinh hoạt không được trước ngày bắt đầu."]
    with pytest.raises(ValidationError) as info:
        campaign_create(
            actor=None,
            organization=tree.branch_a,
            title="X",
            theme="Y",
            starts_on=NOV_1,
            ends_on=DEC_31,
            report_due_on=datetime.date(2026, 1, 5),
        )
    assert "report_due_on" in info.value.message_dict
    assert not Campaign.objects.exists()


def test_validation_messages_are_vietnamese(tree, settings):
    from django.utils import translation

    with translation.override("vi"), pytest.raises(ValidationError) as info:
        campaign_create(
            actor=None,
            organization=tree.branch_a,
            title="",
            theme="Y",
            starts_on=DEC_31,
            ends_on=NOV_1,
        )
    errors = info.value.message_dict
    assert "tiêu đề" in errors["title"][0].lower()
    assert "kết thúc" in errors["ends_on"][0].lower()


def test_update_refuses_stale_version_and_keeps_stored_values(tree, new_campaign):
    campaign = new_campaign(tree.branch_a)
    campaign_update(actor=None, campaign=campaign, expected_version=1, title="Bản A")
    with pytest.raises(StaleCampaignEdit) as info:
        campaign_update(actor=None, campaign=campaign, expected_version=1, title="Bản B")
    assert "Người khác đã sửa đợt sinh hoạt này" in info.value.messages[0]
    campaign.refresh_from_db()
    assert campaign.title == "Bản A"
    assert campaign.version == 2
    update = AuditEvent.objects.get(target_id=campaign.pk, action=AuditEvent.Action.UPDATE)
    assert update.changes["title"] == ["Tự phê bình năm 2025", "Bản A"]


def test_status_moves_only_along_allowed_transitions(tree, new_campaign):
    campaign = new_campaign(tree.branch_a)
    with pytest.raises(ValidationError):
        campaign_close(actor=None, campaign=campaign)
    with pytest.raises(ValidationError):
        campaign_archive(actor=None, campaign=campaign)
    campaign = campaign_open(actor=None, campaign=campaign)
    assert campaign.status == CampaignStatus.OPEN
    with pytest.raises(ValidationError):
        campaign_open(actor=None, campaign=campaign)
    campaign = campaign_close(actor=None, campaign=campaign)
    assert campaign.status == CampaignStatus.CLOSED
    with pytest.raises(ValidationError) as info:
        campaign_reopen(actor=None, campaign=campaign, reason="  ")
    assert "reason" in info.value.message_dict
    campaign = campaign_reopen(actor=None, campaign=campaign, reason="Chi bộ A2 họp muộn")
    assert campaign.status == CampaignStatus.OPEN
    campaign = campaign_close(actor=None, campaign=campaign)
    campaign = campaign_archive(actor=None, campaign=campaign)
    assert campaign.status == CampaignStatus.ARCHIVED
    with pytest.raises(ValidationError):
        campaign_reopen(actor=None, campaign=campaign, reason="Lý do")
    with pytest.raises(ValidationError):
        campaign_update(actor=None, campaign=campaign, expected_version=campaign.version, title="Z")
    events = AuditEvent.objects.filter(target_id=campaign.pk, action=AuditEvent.Action.STATUS)
    assert [e.changes["status"] for e in events.order_by("id")] == [
        ["draft", "open"],
        ["open", "closed"],
        ["closed", "open"],
        ["open", "closed"],
        ["closed", "archived"],
    ]
    assert events.filter(note="Chi bộ A2 họp muộn").count() == 1


def test_lower_committee_may_not_change_status_of_province_campaign(tree, make_user, new_campaign):
    campaign = new_campaign(tree.province)
    user = make_user(tree.branch_a, Role.COMMITTEE)
    with pytest.raises(PermissionDenied):
        campaign_open(actor=user, campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


def test_lower_committee_attaches_its_own_plan_to_province_campaign(tree, make_user, new_campaign):
    campaign = new_campaign(tree.province)
    user = make_user(tree.branch_a, Role.COMMITTEE)
    pdf = SimpleUploadedFile("ke-hoach.pdf", PDF, content_type="application/pdf")
    document = _add(campaign, tree.branch_a, file=pdf, actor=user, number_symbol="02-KH/ĐU")
    assert document.organization == tree.branch_a
    assert document.file.read() == PDF
    assert Campaign.objects.count() == 1
    event = AuditEvent.objects.get(target_type="campaigns.guidingdocument")
    assert event.organization == tree.province
    assert event.actor == user


def test_committee_cannot_attach_for_org_outside_its_scope(tree, make_user, new_campaign):
    campaign = new_campaign(tree.province)
    user = make_user(tree.branch_a, Role.COMMITTEE)
    with pytest.raises(PermissionDenied):
        _add(campaign, tree.branch_b, actor=user)
    with pytest.raises(PermissionDenied):
        _add(campaign, tree.province, actor=user)


def test_document_org_must_be_inside_campaign_subtree(tree, new_campaign):
    campaign = new_campaign(tree.branch_a)
    with pytest.raises(PermissionDenied):
        _add(campaign, tree.cell_b)
    with pytest.raises(PermissionDenied):
        _add(campaign, tree.province)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("ke-hoach.pdf", b"<script>alert(1)</script>"),
        ("huong-dan.docx", b"PK\x03\x04not really a zip"),
        ("anh.png", b"%PDF-1.4 pretending"),
        ("chuong-trinh.exe", PDF),
    ],
)
def test_upload_checked_by_content(tree, new_campaign, name, content):
    campaign = new_campaign(tree.branch_a)
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationError) as info:
        _add(campaign, tree.branch_a, file=upload)
    assert "PDF" in info.value.message_dict["file"][0]
    assert "không thuộc các loại đó" in info.value.message_dict["file"][0]
    assert not GuidingDocument.objects.exists()


def test_upload_accepts_docx_doc_and_images(tree, new_campaign):
    campaign = new_campaign(tree.branch_a)
    files = [
        ("huong-dan.docx", _docx()),
        ("cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100),
        ("anh.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 100),
        ("anh.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100),
    ]
    for name, content in files:
        _add(campaign, tree.branch_a, file=SimpleUploadedFile(name, content))
    assert GuidingDocument.objects.count() == 4


def test_upload_refuses_more_than_20_mb(tree, new_campaign):
    campaign = new_campaign(tree.branch_a)
    big = SimpleUploadedFile("lon.pdf", PDF + b"\0" * (20 * 1024 * 1024))
    with pytest.raises(ValidationError) as info:
        _add(campaign, tree.branch_a, file=big)
    assert "20 MB" in info.value.message_dict["file"][0]


def test_document_requires_number_summary_and_date(tree, new_campaign):
    campaign = new_campaign(tree.branch_a)
    with pytest.raises(ValidationError) as info:
        _add(campaign, tree.branch_a, number_symbol=" ", summary="", issued_on=None)
    assert set(info.value.message_dict) == {"number_symbol", "summary", "issued_on"}
