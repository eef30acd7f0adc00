import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tusoi.activities.models import Activity, ActivityKind
from tusoi.activities.services import activity_create

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def office_file(kind: str) -> bytes:
    """The smallest zip a .docx or .xlsx is recognised by (its main part)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
    return buffer.getvalue()


def upload(name: str, data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


def make_activity(org, *, title="Tọa đàm “Giữ trọn lời thề đảng viên”", files=(), **fields):
    data = {
        "kind": ActivityKind.SEMINAR,
        "on": yesterday(),
        "participants": 40,
        "summary": "Các đồng chí cựu chiến binh kể chuyện truyền thống.",
    }
    data.update(fields)
    return activity_create(actor=None, organization=org, title=title, files=files, **data)


@pytest.fixture
def activity_a(tree) -> Activity:
    """An activity of cell A with one PDF attached."""
    return make_activity(tree.cell_a, files=[upload("bien-ban.pdf")])
