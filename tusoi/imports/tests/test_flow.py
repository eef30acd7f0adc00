import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from tusoi.audit.models import AuditEvent
from tusoi.imports.models import ImportUpload
from tusoi.imports.tests.workbooks import member_row, workbook
from tusoi.members.models import Member
from tusoi.orgs.permissions import Role

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def committee(tree, make_user, client):
    user = make_user(tree.branch_a, Role.COMMITTEE)
    client.force_login(user)
    return user


def upload(client, tree, data: bytes, capture, name="dang-vien.xlsx", kind="members"):
    url = reverse("imports:start", args=[kind, tree.branch_a.pk])
    with capture(execute=True):
        response = client.post(url, {"file": SimpleUploadedFile(name, data, content_type=XLSX)})
    assert response.status_code == 302, response.content[:500]
    return ImportUpload.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def test_upload_with_errors_lists_them_and_imports_nothing(
    client, tree, committee, django_capture_on_commit_callbacks
):
    before = Member.objects.count()
    data = workbook(
        "members",
        [
            member_row("90000001", "Phạm Thị Hoa", "A1"),
            member_row("90000002", "Đỗ Văn Hùng", "A1", birth_date="31/02/1980"),
            member_row("90000003", "Vũ Thị Lan", "KHONG-CO"),
        ],
    )
    result = upload(client, tree, data, django_capture_on_commit_callbacks)
    assert result.state == ImportUpload.State.INVALID
    rows = {p["row"] for p in result.problems if not p["warning"]}
    assert rows == {3, 4}
    assert Member.objects.count() == before

    page = client.get(reverse("imports:detail", args=[result.pk])).content.decode()
    assert "31/02/1980" in page
    assert "KHONG-CO" in page

    copy = client.get(reverse("imports:errors", args=[result.pk]))
    assert copy.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(copy.streaming_content))).active
    texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert any("31/02/1980" in t for t in texts)


def test_checked_upload_imports_only_after_confirmation(
    client, tree, committee, django_capture_on_commit_callbacks
):
    data = workbook("members", [member_row("90000011", "Phạm Thị Hoa", "A1")])
    result = upload(client, tree, data, django_capture_on_commit_callbacks)
    assert result.state == ImportUpload.State.READY
    assert result.summary["created"] == 1
    assert not Member.objects.filter(card_number="90000011").exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:confirm", args=[result.pk]))
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.state == ImportUpload.State.DONE
    member = Member.objects.get(card_number="90000011")
    assert member.cell == tree.cell_a
    assert AuditEvent.objects.filter(target_type="members.member", target_id=member.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("imports:confirm", args=[result.pk]), follow=True)
    assert Member.objects.filter(card_number="90000011").count() == 1
    assert again.status_code == 200


def test_export_then_upload_changes_nothing(
    client, tree, committee, django_capture_on_commit_callbacks
):
    exported = client.get(reverse("imports:export", args=["members", tree.branch_a.pk]))
    assert exported.status_code == 200
    assert exported["Content-Type"] == XLSX
    result = upload(client, tree, exported.content, django_capture_on_commit_callbacks)
    assert result.state == ImportUpload.State.READY
    assert (result.summary["created"], result.summary["updated"]) == (0, 0)
    assert result.summary["unchanged"] == 2


def test_blank_template_has_every_column_header(client, committee):
    from tusoi.imports.specs import SPECS

    for kind, spec in SPECS.items():
        response = client.get(reverse("imports:template", args=[kind]))
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        headers = [c.value for c in next(sheet.iter_rows(max_row=1))]
        assert headers[: len(spec.columns)] == [c.header for c in spec.columns]


def test_oversized_upload_is_refused_before_reading(client, tree, committee, settings):
    settings.TUSOI_UPLOAD_MAX_BYTES = 1000
    data = workbook("members", [member_row("90000021", "Phạm Thị Hoa", "A1")])
    response = client.post(
        reverse("imports:start", args=["members", tree.branch_a.pk]),
        {"file": SimpleUploadedFile("lon.xlsx", data, content_type=XLSX)},
    )
    assert response.status_code == 200
    assert "giới hạn" in response.content.decode()
    assert not ImportUpload.objects.exists()


def test_someone_elses_upload_is_not_found(
    client, tree, make_user, django_capture_on_commit_callbacks
):
    owner = make_user(tree.branch_a, Role.COMMITTEE)
    client.force_login(owner)
    data = workbook("members", [member_row("90000031", "Phạm Thị Hoa", "A1")])
    result = upload(client, tree, data, django_capture_on_commit_callbacks)
    colleague = make_user(tree.province, Role.COMMITTEE)
    client.force_login(colleague)
    for name in ("imports:detail", "imports:status", "imports:errors"):
        assert client.get(reverse(name, args=[result.pk])).status_code == 404
    assert client.post(reverse("imports:confirm", args=[result.pk])).status_code == 404
    result.refresh_from_db()
    assert result.state == ImportUpload.State.READY


def test_unreadable_file_is_reported_not_crashed(
    client, tree, committee, django_capture_on_commit_callbacks
):
    result = upload(
        client,
        tree,
        b"%PDF-1.4 not a workbook",
        django_capture_on_commit_callbacks,
        name="bao-cao.xlsx",
    )
    assert result.state == ImportUpload.State.INVALID
    assert result.problems[0]["row"] == 0
    assert result.problems[0]["message"]
