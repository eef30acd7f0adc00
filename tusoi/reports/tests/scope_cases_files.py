"""Scope cases for a report's files (upload, scan, original, .docx and PDF exports). The report
belongs to tree.member_a (cell A); the secretary of cell A reads and enters it, the secretary of
cell B gets 404. Helpers here build that report; scope_cases_api.py uses them too."""

import io
import shutil

import docx
from django.core.files.uploadedfile import SimpleUploadedFile

from tusoi.orgs.permissions import Role
from tusoi.reports.models import SelfReview
from tusoi.reports.services import report_attach_scan, report_open, report_save, report_submit
from tusoi.testing.factories import UserFactory
from tusoi.testing.scope import ScopeCase

from .conftest import filled_content, make_open_campaign

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _word_file() -> bytes:
    document = docx.Document()
    document.add_heading("Ưu điểm", level=2)
    document.add_paragraph("Chấp hành nghiêm sự phân công của chi bộ.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def member_a_report(t, *, filled: bool = False, submitted: bool = False, scan: bool = False):
    """Member A's report in an open province campaign, written by member A's own account."""
    campaign = make_open_campaign(t.province)
    writer = UserFactory(member=t.member_a)
    report = report_open(member=t.member_a, campaign=campaign, actor=writer)
    if filled or submitted:
        report = report_save(
            report=report, actor=writer, content=filled_content(report), base_version=0
        )
    if submitted:
        report = report_submit(report=report, actor=writer)
    if scan:
        report = report_attach_scan(report=report, actor=writer, data=PDF, filename="ban-tay.pdf")
    return report


def member_a_report_now(t) -> SelfReview:
    """The report a case's `kwargs` built, for its `data` (called after `kwargs`)."""
    return SelfReview.objects.get(member=t.member_a)


def _libreoffice() -> bool:
    return bool(shutil.which("soffice") or shutil.which("libreoffice"))


SECRETARY_A = {
    "role": Role.SECRETARY,
    "grant_on": lambda t: t.cell_a,
    "sibling_on": lambda t: t.cell_b,
}

CASES = [
    ScopeCase(
        "reports:report_upload",
        kwargs=lambda t: {"pk": member_a_report(t).pk},
        method="post",
        data=lambda t: {
            "file": SimpleUploadedFile("bao-cao.docx", _word_file()),
            "version": member_a_report_now(t).version,
            "proxy_reason": "Đồng chí đi làm xa",
        },
        ok_status=302,
        **SECRETARY_A,
    ),
    ScopeCase(
        "reports:report_scan",
        kwargs=lambda t: {"pk": member_a_report(t).pk},
        method="post",
        data=lambda t: {
            "file": SimpleUploadedFile("ban-viet-tay.pdf", PDF),
            "proxy_reason": "Đồng chí tuổi cao",
        },
        ok_status=302,
        **SECRETARY_A,
    ),
    ScopeCase(
        "reports:report_original",
        kwargs=lambda t: {"pk": member_a_report(t, scan=True).pk},
        **SECRETARY_A,
    ),
    ScopeCase(
        "reports:report_docx",
        kwargs=lambda t: {"pk": member_a_report(t, filled=True).pk},
        **SECRETARY_A,
    ),
    ScopeCase(
        "reports:report_docx",
        kwargs=lambda t: {"pk": member_a_report(t, submitted=True).pk},
        role=Role.SUPERVISOR,
        label="supervisor",
    ),
    # Where LibreOffice is installed the PDF comes back; elsewhere the reader is sent back to
    # the report with a message offering the .docx (test_files.py covers both with a fake).
    ScopeCase(
        "reports:report_pdf",
        kwargs=lambda t: {"pk": member_a_report(t).pk},
        ok_status=200 if _libreoffice() else 302,
        **SECRETARY_A,
    ),
]
