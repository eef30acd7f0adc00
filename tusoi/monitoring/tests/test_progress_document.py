"""The progress report as a party-layout .docx (read back with tusoi.documents.docx_to_text)
and its figures as .xlsx (opened with openpyxl), and their downloads."""

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tusoi.documents import docx_to_text
from tusoi.monitoring.models_progress import ProgressReport
from tusoi.monitoring.progress_document import (
    campaign_phrase,
    number,
    percent,
    progress_docx,
    progress_xlsx,
)
from tusoi.monitoring.services_progress import progress_report_update
from tusoi.orgs.permissions import Role
from tusoi.testing.factories import make_org

from .test_progress_reports import NARRATIVE, OFFICIAL, build_world, filled, make_report, sent

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree):
    return build_world(tree)


@pytest.fixture
def report(tree, world) -> ProgressReport:
    return sent(make_report(world.campaign, tree.branch_a))


def test_docx_reads_as_a_party_report_with_the_figures(tree, world, report):
    text = docx_to_text(progress_docx(report))
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "BÁO CÁO" in text
    assert tree.branch_a.name.upper() in text  # the issuing body
    assert tree.province.name.upper() in text  # the body above it
    assert "Số 15-BC/ĐU" in text
    assert "An Bình, ngày" in text  # the place and date line
    for part in ("situation", "results", "shortcomings", "directions"):
        assert NARRATIVE[part] in text
    # The figures: 1 of the branch's 3 members reported; in the child table, cell A (its one
    # member reported, its meeting held) and cell A2 (nobody yet), then the total.
    with translation.override("vi"):
        total = gettext("Total")
    assert "33,3%" in text
    assert f"1\n{tree.cell_a.name}\n1/1\n(100,0%)" in text
    assert f"2\n{tree.cell_a2.name}\n0/2\n(0,0%)" in text
    assert f"{total}\n1/3\n(33,3%)" in text
    assert OFFICIAL in text
    assert "Ba đảng viên đi làm ăn xa ở Bình Dương." in text
    assert "Đề nghị Tỉnh ủy cho phép nộp báo cáo qua ứng dụng." in text
    assert "Nơi nhận:" in text
    assert NARRATIVE["signer_name"] in text


def test_docx_of_a_draft_with_empty_parts_still_builds(tree, world):
    draft = make_report(world.campaign, tree.province)
    text = docx_to_text(progress_docx(draft))
    assert "BÁO CÁO" in text
    assert tree.branch_a.name in text
    assert tree.branch_b.name in text


def test_xlsx_holds_the_child_table_and_the_totals(tree, world, report):
    workbook = openpyxl.load_workbook(io.BytesIO(progress_xlsx(report)))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    by_name = {row[0]: row for row in rows[1:] if row and row[0]}
    cell_a = by_name[tree.cell_a.name]
    assert cell_a[2:5] == (1, 1, 100.0)  # members in scope, reports, %
    assert cell_a[8:12] == (1, 1, 1, 100.0)  # cells, registered, held, %
    assert cell_a[12] == 1  # meetings with higher officials
    total = next(row for name, row in by_name.items() if tree.branch_a.name in str(name))
    assert total[2:4] == (3, 1)
    assert len(workbook.worksheets) == 4
    proposals = list(workbook.worksheets[3].iter_rows(values_only=True))
    assert proposals[1] == (
        tree.branch_a.name,
        "Đề nghị Tỉnh ủy cho phép nộp báo cáo qua ứng dụng.",
    )


def test_xlsx_keeps_a_formula_like_text_as_text(tree, world):
    report = filled(make_report(world.campaign, tree.branch_a))
    make_org('=HYPERLINK("http://x")', parent=tree.branch_a)
    report = progress_report_update(actor=None, report=report, expected_version=report.version)
    from tusoi.monitoring.services_progress import progress_report_regenerate

    report = progress_report_regenerate(actor=None, report=report, expected_version=report.version)
    sheet = openpyxl.load_workbook(io.BytesIO(progress_xlsx(report))).worksheets[0]
    cell = next(c for row in sheet.iter_rows() for c in row if str(c.value).startswith("=HYPER"))
    assert cell.data_type == "s"


def test_downloads_name_the_file_and_its_type(client, tree, world, report, make_user):
    client.force_login(make_user(tree.province, Role.SUPERVISOR))
    docx = client.get(reverse("monitoring:progress_report_file", args=[report.pk, "docx"]))
    assert docx.status_code == 200
    assert docx["Content-Type"].endswith("wordprocessingml.document")
    assert 'filename="bao-cao-so-ket-a-' in docx["Content-Disposition"]
    assert "BÁO CÁO" in docx_to_text(docx.content)
    xlsx = client.get(reverse("monitoring:progress_report_file", args=[report.pk, "xlsx"]))
    assert xlsx["Content-Type"].endswith("spreadsheetml.sheet")
    assert (
        client.get(reverse("monitoring:progress_report_file", args=[report.pk, "pdf"])).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("title", "phrase"),
    [
        ("Đợt sinh hoạt chính trị “Giữ trọn lời thề đảng viên”",
         "đợt sinh hoạt chính trị “Giữ trọn lời thề đảng viên”"),
        ("Giữ trọn lời thề đảng viên",
         "the political activity campaign “Giữ trọn lời thề đảng viên”"),
    ],
)  # fmt: skip
def test_the_summary_names_the_campaign_once(title, phrase):
    with translation.override("en"):
        assert campaign_phrase(title) == phrase


def test_numbers_read_the_vietnamese_way():
    from decimal import Decimal

    assert number(1234567) == "1.234.567"
    assert percent(Decimal("89.1")) == "89,1%"
    assert percent(None) == "—"
