"""A report's files: .docx upload instead of typing, scans of handwritten reports, the stored
original, and the report exported as a party-layout .docx or PDF (both engines)."""

import io

import docx
import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from tusoi.documents import PdfConversionError, docx_to_text
from tusoi.orgs.permissions import Role
from tusoi.reports.documents import report_document, signing_place
from tusoi.reports.models import Assessment, ReportRevision, ReportSource, RevisionKind
from tusoi.reports.services import report_open, report_save, report_submit
from tusoi.testing.factories import make_org

from .conftest import filled_content, make_open_campaign

pytestmark = pytest.mark.django_db

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_SCAN = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_SCAN = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


@pytest.fixture
def setup(tree, make_user):
    class S:
        campaign = make_open_campaign(tree.province, title="Giữ trọn lời thề đảng viên 2024")
        writer = make_user(member=tree.member_a, first_name="An", last_name="Nguyễn Văn")
        secretary = make_user(tree.cell_a, Role.SECRETARY, first_name="Hoa", last_name="Lê Thị")
        committee = make_user(tree.branch_a, Role.COMMITTEE)
        supervisor = make_user(tree.branch_a, Role.SUPERVISOR)
        sibling_secretary = make_user(tree.cell_b, Role.SECRETARY)

    S.report = report_open(member=tree.member_a, campaign=S.campaign, actor=S.writer)
    return S


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _word_file(paragraphs: list[tuple[str, bool]]) -> bytes:
    """A .docx made the way a member makes one in Word: (text, is_heading) paragraphs."""
    document = docx.Document()
    for text, heading in paragraphs:
        if heading:
            document.add_heading(text, level=2)
        else:
            document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


OATH = "Tôi luôn giữ lời thề khi đứng trước cờ Đảng, gương mẫu ở khu phố và nơi làm việc."
STRENGTHS = "Chấp hành nghiêm sự phân công của chi bộ, tham gia đầy đủ sinh hoạt."
SHORTCOMINGS = "Có lúc chưa mạnh dạn góp ý, phê bình đồng chí trong chi bộ."
MEMBER_DOCX = _word_file(
    [
        ("1. Việc giữ trọn lời thề đảng viên", True),
        (OATH, False),
        ("II. ƯU ĐIỂM", True),
        (STRENGTHS, False),
        ("Hạn chế, khuyết điểm:", True),
        (SHORTCOMINGS, False),
    ]
)


def _upload(client, report, data, name="bao-cao.docx", **extra):
    body = {"file": SimpleUploadedFile(name, data, content_type=DOCX_TYPE)}
    body["version"] = extra.pop("version", report.version)
    body.update(extra)
    return client.post(reverse("reports:report_upload", args=[report.pk]), body)


def _scan(client, report, data, name="ban-viet-tay.pdf", **extra):
    body = {"file": SimpleUploadedFile(name, data), **extra}
    return client.post(reverse("reports:report_scan", args=[report.pk]), body)


# Uploading a .docx instead of typing --------------------------------------------------------------


def test_uploaded_docx_fills_the_sections_its_headings_name(client, setup):
    client.force_login(setup.writer)
    response = _upload(client, setup.report, MEMBER_DOCX, name="Báo cáo của tôi.docx")
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:report", args=[setup.report.pk])
    setup.report.refresh_from_db()
    sections = setup.report.content["sections"]
    assert sections["loi-the"] == OATH
    assert sections["uu-diem"] == STRENGTHS
    assert sections["han-che"] == SHORTCOMINGS
    assert setup.report.source == ReportSource.DOCX
    assert setup.report.original_name == "Báo cáo của tôi.docx"
    assert setup.report.original_file.read() == MEMBER_DOCX
    assert setup.report.revisions.get(number=1).kind == RevisionKind.UPLOAD
    assert OATH in setup.report.full_text
    assert len(_messages(response)) == 1


def test_renamed_spreadsheet_is_refused_with_a_clear_message_and_the_draft_kept(client, setup):
    client.force_login(setup.writer)
    report_save(
        report=setup.report,
        actor=setup.writer,
        content={"sections": {"uu-diem": STRENGTHS}},
        base_version=0,
    )
    setup.report.refresh_from_db()
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Không phải báo cáo"
    out = io.BytesIO()
    workbook.save(out)

    response = _upload(client, setup.report, out.getvalue(), name="bao-cao.docx")

    [message] = _messages(response)
    assert "không phải tệp .docx" in message
    setup.report.refresh_from_db()
    assert setup.report.version == 1
    assert setup.report.content["sections"] == {"uu-diem": STRENGTHS}
    assert setup.report.source == ReportSource.TYPED
    assert not setup.report.original_file
    assert setup.report.revisions.count() == 1


def test_random_bytes_are_not_a_word_file(client, setup):
    client.force_login(setup.writer)
    response = _upload(client, setup.report, b"\x00\x01 not a document " * 50)
    [message] = _messages(response)
    assert "không phải tệp Word (.docx) hợp lệ" in message
    setup.report.refresh_from_db()
    assert setup.report.version == 0


def test_empty_file_is_refused(client, setup):
    client.force_login(setup.writer)
    response = _upload(client, setup.report, b"")
    [message] = _messages(response)
    assert _("The file is empty.") in message
    setup.report.refresh_from_db()
    assert setup.report.version == 0


def test_oversized_upload_is_refused_before_it_is_read(client, setup, settings):
    settings.TUSOI_UPLOAD_MAX_BYTES = 2 * 1048576
    client.force_login(setup.writer)
    big = _word_file([(OATH * 20_000, False)])
    assert len(big) < 2 * 1048576  # compressed; pad to exceed the limit
    big += b"\x00" * (3 * 1048576)
    response = _upload(client, setup.report, big)
    [message] = _messages(response)
    assert (
        _("The file is %(size)s MB; files up to %(max)s MB are accepted.")
        % {
            "size": round(len(big) / 1048576, 1),
            "max": 2,
        }
        in message
    )
    setup.report.refresh_from_db()
    assert setup.report.version == 0
    assert not setup.report.original_file


def test_upload_from_a_stale_page_is_refused_and_the_text_kept_aside(client, setup):
    report_save(
        report=setup.report,
        actor=setup.writer,
        content={"sections": {"uu-diem": "Viết ở máy khác."}},
        base_version=0,
    )
    client.force_login(setup.writer)
    response = _upload(client, setup.report, MEMBER_DOCX, version=0)
    [message] = _messages(response)
    kept = ReportRevision.objects.get(report=setup.report, kind=RevisionKind.CONFLICT)
    assert str(kept.number) in message
    setup.report.refresh_from_db()
    assert setup.report.content["sections"] == {"uu-diem": "Viết ở máy khác."}
    assert kept.content["sections"]["uu-diem"] == STRENGTHS


def test_secretary_uploading_for_a_member_must_say_why(client, setup):
    client.force_login(setup.secretary)
    response = _upload(client, setup.report, MEMBER_DOCX)
    [message] = _messages(response)
    assert _("Say why you are entering this member's report.") in message
    setup.report.refresh_from_db()
    assert setup.report.version == 0

    response = _upload(client, setup.report, MEMBER_DOCX, proxy_reason="Đồng chí đi làm xa")
    setup.report.refresh_from_db()
    assert setup.report.entered_by == setup.secretary
    assert setup.report.proxy_reason == "Đồng chí đi làm xa"
    assert setup.report.content["sections"]["uu-diem"] == STRENGTHS


def test_committee_above_cannot_upload_into_a_report(client, setup):
    client.force_login(setup.committee)
    assert _upload(client, setup.report, MEMBER_DOCX).status_code == 404
    setup.report.refresh_from_db()
    assert setup.report.version == 0


def test_upload_needs_post(client, setup):
    client.force_login(setup.writer)
    response = client.get(reverse("reports:report_upload", args=[setup.report.pk]))
    assert response.status_code == 405


# Scans of handwritten reports ---------------------------------------------------------------------


def test_secretary_attaches_the_scan_of_a_handwritten_report(client, setup):
    client.force_login(setup.secretary)
    response = _scan(client, setup.report, PDF_SCAN, proxy_reason="Đồng chí tuổi cao, viết tay")
    assert response.status_code == 302
    setup.report.refresh_from_db()
    assert setup.report.source == ReportSource.SCAN
    assert setup.report.original_name == "ban-viet-tay.pdf"
    assert setup.report.original_file.name.endswith(".pdf")
    assert setup.report.entered_by == setup.secretary
    assert setup.report.proxy_reason == "Đồng chí tuổi cao, viết tay"


def test_writer_may_attach_a_photo_of_their_handwritten_report(client, setup):
    client.force_login(setup.writer)
    _scan(client, setup.report, PNG_SCAN, name="anh.png")
    setup.report.refresh_from_db()
    assert setup.report.source == ReportSource.SCAN
    assert setup.report.entered_by is None


def test_a_program_disguised_as_a_scan_is_refused(client, setup):
    client.force_login(setup.writer)
    response = _scan(client, setup.report, EXE, name="scan.pdf")
    [message] = _messages(response)
    assert _("The scan must be a PDF, JPEG or PNG file.") in message
    setup.report.refresh_from_db()
    assert setup.report.source == ReportSource.TYPED
    assert not setup.report.original_file


def test_scan_without_a_file_says_so(client, setup):
    client.force_login(setup.writer)
    response = client.post(reverse("reports:report_scan", args=[setup.report.pk]))
    [message] = _messages(response)
    assert _("Choose a file to upload.") in message


# The stored original ------------------------------------------------------------------------------


def _download(response) -> bytes:
    return b"".join(response.streaming_content)


def test_original_downloads_for_text_readers_with_its_type(client, setup):
    client.force_login(setup.writer)
    _upload(client, setup.report, MEMBER_DOCX, name="Báo cáo.docx")
    url = reverse("reports:report_original", args=[setup.report.pk])
    for reader in (setup.writer, setup.secretary, setup.supervisor):
        client.force_login(reader)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == DOCX_TYPE
        assert response["Content-Disposition"].startswith("attachment")
        assert _download(response) == MEMBER_DOCX


def test_original_is_404_to_committee_above_and_sibling_cell(client, setup):
    client.force_login(setup.writer)
    _scan(client, setup.report, PDF_SCAN)
    url = reverse("reports:report_original", args=[setup.report.pk])
    for outsider in (setup.committee, setup.sibling_secretary):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_scan_downloads_as_pdf_even_under_a_misleading_name(client, setup):
    client.force_login(setup.writer)
    _scan(client, setup.report, PDF_SCAN, name="ban-viet-tay.html")
    response = client.get(reverse("reports:report_original", args=[setup.report.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert 'ban-viet-tay.html.pdf"' in response["Content-Disposition"]


def test_report_without_original_has_no_original_to_download(client, setup):
    client.force_login(setup.writer)
    response = client.get(reverse("reports:report_original", args=[setup.report.pk]))
    assert response.status_code == 404


# Export as a party-layout .docx -------------------------------------------------------------------


def _filled(setup, **sections):
    content = filled_content(setup.report)
    content["sections"].update(sections)
    checklist_key = next(iter(content["checklist"]))
    first_code = next(iter(content["checklist"][checklist_key]))
    content["checklist"][checklist_key][first_code] = {
        "answer": Assessment.PARTLY,
        "note": "Còn chậm nộp đảng phí hai tháng.",
    }
    report_save(report=setup.report, actor=setup.writer, content=content, base_version=0)
    setup.report.refresh_from_db()
    return setup.report


def test_exported_docx_reads_as_the_members_party_report(client, setup, tree):
    pasted = "Ưu điểm <script>alert('x')</script> & “ngoặc”. " + "Luôn gương mẫu. " * 6
    report = _filled(setup, **{"uu-diem": pasted.strip()})
    report_submit(report=report, actor=setup.writer)
    client.force_login(setup.secretary)
    response = client.get(reverse("reports:report_docx", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    assert (
        f'filename="bao-cao-tu-ra-soat-{tree.member_a.card_number}.docx"'
        in response["Content-Disposition"]
    )
    text = docx_to_text(_download(response))
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "Giữ trọn lời thề đảng viên 2024" in text
    assert tree.cell_a.name.upper() in text
    assert pasted.strip() in text
    assert report.content["sections"]["han-che"] in text
    with translation.override("vi"):
        partly = str(Assessment.PARTLY.label)
    assert partly in text
    assert "Còn chậm nộp đảng phí hai tháng." in text
    assert "Đọc và làm theo Điều lệ Đảng" in text
    assert "31/12/2026" in text
    assert "Nguyễn Văn An" in text


def test_export_says_who_entered_it_and_why(client, setup):
    content = filled_content(setup.report)
    report_save(
        report=setup.report,
        actor=setup.secretary,
        content=content,
        base_version=0,
        proxy_reason="Đồng chí tuổi cao, không tự viết được",
    )
    client.force_login(setup.writer)
    text = docx_to_text(
        _download(client.get(reverse("reports:report_docx", args=[setup.report.pk])))
    )
    assert "Lê Thị Hoa" in text or "Hoa Lê Thị" in text
    assert "Đồng chí tuổi cao, không tự viết được" in text


def test_export_is_404_outside_the_text_readers(client, setup):
    url = reverse("reports:report_docx", args=[setup.report.pk])
    for outsider in (setup.committee, setup.sibling_secretary):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_document_names_the_cell_its_parent_and_the_place(setup, tree):
    document = report_document(setup.report)
    assert document.issuing_body == tree.cell_a.name
    assert document.superior_body == tree.branch_a.name
    assert document.place == "An Bình"
    assert document.signer_name == "Nguyễn Văn An"
    assert document.number_symbol == ""


def test_place_falls_back_to_the_top_organisation_without_its_kind(tree):
    agency = make_org("Đảng bộ Sở Y tế", parent=tree.province, code="SYT")
    cell = make_org("Chi bộ Phòng Tổ chức", parent=agency, code="SYT1")
    assert signing_place(cell, [tree.province, agency]) == "Thử nghiệm"


# Export as PDF ------------------------------------------------------------------------------------


def test_pdf_without_libreoffice_sends_back_to_the_report_with_a_message(
    client, setup, monkeypatch
):
    monkeypatch.setattr("tusoi.reports.views.files.convert_to_pdf", lambda data: None)
    client.force_login(setup.writer)
    response = client.get(reverse("reports:report_pdf", args=[setup.report.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:report", args=[setup.report.pk])
    [message] = _messages(response)
    assert "LibreOffice" in message
    assert ".docx" in message


def test_pdf_comes_from_the_converter_when_libreoffice_is_there(client, setup, monkeypatch):
    seen = []

    def convert(data):
        seen.append(data)
        return b"%PDF-1.4 fake"

    monkeypatch.setattr("tusoi.reports.views.files.convert_to_pdf", convert)
    client.force_login(setup.writer)
    response = client.get(reverse("reports:report_pdf", args=[setup.report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert _download(response) == b"%PDF-1.4 fake"
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in docx_to_text(seen[0])


def test_pdf_conversion_failure_is_reported(client, setup, monkeypatch):
    def fail(data):
        raise PdfConversionError("LibreOffice hỏng.")

    monkeypatch.setattr("tusoi.reports.views.files.convert_to_pdf", fail)
    client.force_login(setup.writer)
    response = client.get(reverse("reports:report_pdf", args=[setup.report.pk]))
    assert response.status_code == 302
    [message] = _messages(response)
    assert "LibreOffice hỏng." in message


def test_pdf_is_404_to_the_committee_above(client, setup):
    client.force_login(setup.committee)
    assert client.get(reverse("reports:report_pdf", args=[setup.report.pk])).status_code == 404


# The files box on the report page -----------------------------------------------------------------


def _box(setup, user, **flags):
    request = RequestFactory().get("/")
    request.user = user
    context = {
        "report": setup.report,
        "can_read_text": True,
        "can_review": False,
        "is_writer": True,
        "editable": True,
        "proxy_mode": False,
        **flags,
    }
    return render_to_string("reports/_report_files.html", context, request=request)


def test_files_box_offers_exports_uploads_and_the_blank_form(setup):
    html = _box(setup, setup.writer)
    assert reverse("reports:report_docx", args=[setup.report.pk]) in html
    assert reverse("reports:report_pdf", args=[setup.report.pk]) in html
    assert reverse("reports:report_upload", args=[setup.report.pk]) in html
    assert reverse("reports:report_scan", args=[setup.report.pk]) in html
    assert reverse("reports:template_print", args=[setup.report.template_id]) in html
    assert f'name="version" value="{setup.report.version}"' in html
    assert 'name="proxy_reason"' not in html
    assert reverse("reports:report_original", args=[setup.report.pk]) not in html


def test_files_box_in_proxy_mode_asks_why(setup):
    html = _box(setup, setup.secretary, is_writer=False, can_review=True, proxy_mode=True)
    assert html.count('name="proxy_reason"') == 2


def test_files_box_of_a_submitted_report_offers_no_upload(setup):
    html = _box(setup, setup.writer, editable=False)
    assert reverse("reports:report_upload", args=[setup.report.pk]) not in html
    assert reverse("reports:report_docx", args=[setup.report.pk]) in html


def test_files_box_escapes_the_original_file_name(client, setup):
    client.force_login(setup.writer)
    _scan(client, setup.report, PDF_SCAN, name="<img src=x onerror=alert(1)>.pdf")
    setup.report.refresh_from_db()
    html = _box(setup, setup.writer)
    assert reverse("reports:report_original", args=[setup.report.pk]) in html
    assert "&lt;img src=x onerror=alert(1)&gt;.pdf" in html
    assert "<img" not in html
