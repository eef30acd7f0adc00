"""A progress report (báo cáo sơ kết / tổng kết) as a party-layout document (Guidance
36-HD/VPTW, via tusoi.documents) and its figures as an .xlsx workbook.

The document: the committee as issuing body under its parent, the number symbol, the place and
date line, "BÁO CÁO" with "Sơ kết/Tổng kết đợt sinh hoạt chính trị …" and the cut-off date, then
the four parts the committee wrote with the stored figures set in them (totals, a table per child
organisation, the meetings attended by officials of a higher committee, the difficulties raised
from below with their counts per category), the proposals, the recipients and the signature.
A party document is always in Vietnamese, whatever language the reader's screen uses."""

import datetime
import io
import re
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from tusoi.documents import Block, Heading, Paragraph, PartyDocument, Table, build_party_docx
from tusoi.monitoring.figures import Figures
from tusoi.monitoring.models_progress import ProgressReport, ProgressReportKind
from tusoi.monitoring.selectors_progress import OfficialVisit, Snapshot, snapshot_from
from tusoi.orgs.selectors import organization_ancestors
from tusoi.reports.documents import DOCX_CONTENT_TYPE, signing_place

__all__ = [
    "DOCX_CONTENT_TYPE",
    "XLSX_CONTENT_TYPE",
    "progress_docx",
    "progress_document",
    "progress_filename",
    "progress_xlsx",
]

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Column widths (cm) within the 16 cm text width of an A4 page with party margins.
CHILD_WIDTHS = [1.0, 4.6, 2.8, 2.6, 2.5, 2.5]
VISIT_WIDTHS = [1.0, 5.0, 2.6, 7.4]
CATEGORY_WIDTHS = [1.0, 9.4, 2.6, 3.0]
_ROMAN = ["I", "II", "III", "IV", "V", "VI"]
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")


# Formatting ------------------------------------------------------------------------------------


def number(value: int) -> str:
    """1234567 -> "1.234.567" (Vietnamese grouping)."""
    return f"{value:,}".replace(",", ".")


def percent(value: Decimal | None) -> str:
    """Decimal("89.1") -> "89,1%"; no denominator -> "—"."""
    if value is None:
        return "—"
    return f"{value:.1f}".replace(".", ",") + "%"


def _ratio(part: int, whole: int, pct: Decimal | None) -> str:
    # A line break keeps each cell of the child table within its narrow column.
    return f"{number(part)}/{number(whole)}\n({percent(pct)})"


def _day(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def campaign_phrase(title: str) -> str:
    """The campaign as the summary line names it: a title already saying "Đợt sinh hoạt chính
    trị “…”" is used as it is (first letter lowered), a bare theme is put in quotes."""
    title = title.strip()
    if title.casefold().startswith("đợt"):
        return title[:1].lower() + title[1:]
    return _("the political activity campaign “%(title)s”") % {"title": title}


def progress_summary(report: ProgressReport) -> str:
    """ "Sơ kết đợt sinh hoạt chính trị “…”" (or "Tổng kết …"), in the current language."""
    phrase = campaign_phrase(report.campaign.title)
    if report.kind == ProgressReportKind.FINAL:
        return _("Final review of %(campaign)s") % {"campaign": phrase}
    return _("Interim review of %(campaign)s") % {"campaign": phrase}


def progress_filename(report: ProgressReport, extension: str) -> str:
    kind = "tong-ket" if report.kind == ProgressReportKind.FINAL else "so-ket"
    org = slugify(report.organization.code) or str(report.organization_id)
    return f"bao-cao-{kind}-{org}-{report.cut_off:%Y%m%d}.{extension}"


def _document_date(report: ProgressReport) -> datetime.date:
    if report.submitted_at is not None:
        return timezone.localdate(report.submitted_at)
    return timezone.localdate()


# The document ----------------------------------------------------------------------------------


def progress_document(report: ProgressReport) -> PartyDocument:
    """The report in the party layout; pass it to `build_party_docx` (or use progress_docx)."""
    with translation.override("vi"):
        return _document(report)


def progress_docx(report: ProgressReport) -> bytes:
    return build_party_docx(progress_document(report))


def _document(report: ProgressReport) -> PartyDocument:
    org = report.organization
    ancestors = [o for o in organization_ancestors(org) if o.pk != org.pk]
    parent = ancestors[-1] if ancestors else None
    data = snapshot_from(report.figures)
    body: list[Block] = [
        *_part(1, _("Implementation"), report.situation),
        *_part(2, _("Results"), report.results),
        *_results_figures(data, org.name),
        *_part(3, _("Shortcomings and their causes"), report.shortcomings),
        *_difficulties(data),
        *_part(4, _("Directions and tasks ahead"), report.directions),
        *_proposals(data),
    ]
    return PartyDocument(
        superior_body=parent.name if parent else "",
        issuing_body=org.name,
        number_symbol=report.number_symbol,
        place=signing_place(org, ancestors),
        date=_document_date(report),
        doc_type=_("Report"),
        summary="\n".join(
            [
                progress_summary(report),
                _("(figures as of %(day)s)") % {"day": _day(report.cut_off)},
            ]
        ),
        body=body,
        signer_role=report.signer_role,
        signer_title=report.signer_title,
        signer_name=report.signer_name,
        recipients=[line.strip() for line in report.recipients.splitlines() if line.strip()],
    )


def _paragraphs(text: str) -> list[Block]:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        return [Paragraph("…", indent_first_line=True)]
    return [Paragraph(line) for line in lines]


def _part(index: int, title: str, text: str) -> list[Block]:
    return [Heading(f"{_ROMAN[index - 1]}. {title.upper()}"), *_paragraphs(text)]


def _target_lines(totals: Figures, meetings_with_officials: int) -> list[Block]:
    return [
        Paragraph(
            _(
                "- Members required to write a self-review report: %(whole)s; reports "
                "submitted: %(part)s, %(pct)s."
            )
            % {
                "whole": number(totals.members_in_scope),
                "part": number(totals.reports_counted),
                "pct": percent(totals.pct_reports),
            }
        ),
        Paragraph(
            _("- Leaders and managers: %(whole)s; reports submitted: %(part)s, %(pct)s.")
            % {
                "whole": number(totals.leaders_in_scope),
                "part": number(totals.leader_reports_counted),
                "pct": percent(totals.pct_leaders),
            }
        ),
        Paragraph(
            _(
                "- Cells: %(whole)s; registered their thematic meeting: %(registered)s "
                "(%(pct_registered)s); held it: %(held)s, %(pct)s."
            )
            % {
                "whole": number(totals.cells),
                "registered": number(totals.cells_registered),
                "pct_registered": percent(totals.pct_registered),
                "held": number(totals.cells_held),
                "pct": percent(totals.pct_cells),
            }
        ),
        Paragraph(
            _(
                "- Thematic meetings attended by officials of a higher committee: %(n)s of "
                "%(held)s held."
            )
            % {"n": number(meetings_with_officials), "held": number(totals.cells_held)}
        ),
    ]


def _child_table(data: Snapshot) -> Table:
    rows = [
        [
            str(index),
            child.name,
            _ratio(child.figures.reports_counted, child.figures.members_in_scope,
                   child.figures.pct_reports),
            _ratio(child.figures.leader_reports_counted, child.figures.leaders_in_scope,
                   child.figures.pct_leaders),
            _ratio(child.figures.cells_registered, child.figures.cells,
                   child.figures.pct_registered),
            _ratio(child.figures.cells_held, child.figures.cells, child.figures.pct_cells),
        ]
        for index, child in enumerate(data.children, start=1)
    ]  # fmt: skip
    totals = data.totals
    rows.append(
        [
            "",
            _("Total"),
            _ratio(totals.reports_counted, totals.members_in_scope, totals.pct_reports),
            _ratio(totals.leader_reports_counted, totals.leaders_in_scope, totals.pct_leaders),
            _ratio(totals.cells_registered, totals.cells, totals.pct_registered),
            _ratio(totals.cells_held, totals.cells, totals.pct_cells),
        ]
    )
    return Table(
        headers=[
            pgettext("row number", "No."),
            _("Organisation"),
            _("Members' reports"),
            _("Leaders' reports"),
            _("Cells registered"),
            _("Cells held"),
        ],
        rows=rows,
        widths_cm=CHILD_WIDTHS,
    )


def _results_figures(data: Snapshot, org_name: str) -> list[Block]:
    # Text between a sub-heading and its table lets the table start on the same page:
    # LibreOffice keeps a heading's "keep with next" together with the whole table.
    blocks: list[Block] = [
        Heading(_("1. The campaign's targets"), level=2),
        *_target_lines(data.totals, data.meetings_with_officials),
    ]
    if data.children:
        blocks += [
            Heading(_("2. Figures of each organisation directly under the committee"), level=2),
            Paragraph(_("Each figure reads: done/required (share)."), italic=True),
            _child_table(data),
        ]
    blocks.append(
        Heading(_("3. Thematic meetings attended by officials of a higher committee"), level=2)
    )
    if not data.official_visits:
        blocks.append(Paragraph(_("No meeting attended by officials of a higher committee.")))
        return blocks
    blocks += [
        Paragraph(
            _("%(n)s thematic meetings were attended by officials of a higher committee:")
            % {"n": number(data.meetings_with_officials)}
        ),
        Table(
            headers=[
                pgettext("row number", "No."),
                _("Cell"),
                _("Held on"),
                _("Officials attending"),
            ],
            rows=[
                [
                    str(index),
                    _visit_cell(visit, org_name),
                    "\n".join(_day(d) for d in visit.dates),
                    "\n".join(
                        f"{name}, {position}" if position else name
                        for name, position in visit.people
                    ),
                ]
                for index, visit in enumerate(data.official_visits, start=1)
            ],
            widths_cm=VISIT_WIDTHS,
        ),
    ]
    if data.visits_not_listed:
        blocks.append(
            Paragraph(
                _("… and %(n)s more meetings not listed here.")
                % {"n": number(data.visits_not_listed)},
                italic=True,
            )
        )
    return blocks


def _visit_cell(visit: OfficialVisit, org_name: str) -> str:
    """The cell, and the committee it is under when that is not the reporting committee."""
    if visit.parent and visit.parent != org_name:
        return f"{visit.cell}\n({visit.parent})"
    return visit.cell


def _difficulties(data: Snapshot) -> list[Block]:
    blocks: list[Block] = [Heading(_("Difficulties raised by the organisations below"), level=2)]
    if not data.difficulties:
        blocks.append(Paragraph(_("No difficulty was raised.")))
        return blocks
    blocks += [
        Paragraph(
            _("The organisations below raised %(n)s difficulties:")
            % {"n": number(data.difficulties)}
        ),
        Table(
            headers=[
                pgettext("row number", "No."),
                _("Difficulty"),
                _("Times raised"),
                _("Organisations"),
            ],
            rows=[
                [str(i), c.label, number(c.count), number(c.organizations)]
                for i, c in enumerate(data.categories, start=1)
            ],
            widths_cm=CATEGORY_WIDTHS,
        ),
    ]
    blocks += [
        Paragraph(f"- {t.organization} ({t.label.lower()}): {_one_line(t.text)}")
        for t in data.difficulty_texts
    ]
    if data.difficulties_not_listed:
        blocks.append(
            Paragraph(
                _("… and %(n)s more not listed here.")
                % {"n": number(data.difficulties_not_listed)},
                italic=True,
            )
        )
    return blocks


def _proposals(data: Snapshot) -> list[Block]:
    blocks: list[Block] = [Heading(f"{_ROMAN[4]}. {_('Proposals').upper()}")]
    if not data.proposal_texts:
        blocks.append(Paragraph(_("No proposal was raised.")))
        return blocks
    blocks += [Paragraph(f"- {t.organization}: {_one_line(t.text)}") for t in data.proposal_texts]
    if data.proposals_not_listed:
        blocks.append(
            Paragraph(
                _("… and %(n)s more not listed here.") % {"n": number(data.proposals_not_listed)},
                italic=True,
            )
        )
    return blocks


def _one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", " ", text or "").strip()


# The workbook ----------------------------------------------------------------------------------


def _text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value or "")


def _append(sheet, values: list) -> None:
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            # A name or text starting with "=" must stay text, never become a formula.
            cell.data_type = "s"


def _sheet(workbook: Workbook, title: str, headers: list[str], widths: list[int]):
    sheet = workbook.create_sheet(title[:31])
    _append(sheet, headers)
    for cell in sheet[sheet.max_row]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _WRAP
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def _pct_number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _figure_row(label: str, kind_name: str, figures: Figures, officials: int) -> list:
    return [
        _text(label),
        _text(kind_name),
        figures.members_in_scope,
        figures.reports_counted,
        _pct_number(figures.pct_reports),
        figures.leaders_in_scope,
        figures.leader_reports_counted,
        _pct_number(figures.pct_leaders),
        figures.cells,
        figures.cells_registered,
        figures.cells_held,
        _pct_number(figures.pct_cells),
        officials,
    ]


def progress_xlsx(report: ProgressReport) -> bytes:
    """The report's figures: a sheet per child organisation with a total row, the meetings with
    officials of a higher committee, the difficulties per category and their texts, proposals."""
    with translation.override("vi"):
        return _workbook(report)


def _workbook(report: ProgressReport) -> bytes:
    data = snapshot_from(report.figures)
    workbook = Workbook()
    workbook.remove(workbook.active)

    figures = _sheet(
        workbook,
        _("Figures"),
        [
            _("Organisation"),
            _("Kind"),
            _("Members in scope"),
            _("Reports submitted"),
            _("Share of members"),
            _("Leaders in scope"),
            _("Leaders' reports submitted"),
            _("Share of leaders"),
            _("Cells"),
            _("Cells registered"),
            _("Cells held"),
            _("Share of cells held"),
            _("Meetings with higher officials"),
        ],
        [40, 22, 12, 12, 10, 12, 12, 10, 10, 12, 12, 10, 14],
    )
    for child in data.children:
        _append(figures, _figure_row(child.name, child.kind_name, child.figures, child.officials))
    _append(
        figures,
        _figure_row(
            _("Total: %(org)s") % {"org": report.organization.name},
            report.organization.kind.name,
            data.totals,
            data.meetings_with_officials,
        ),
    )
    for cell in figures[figures.max_row]:
        cell.font = _HEADER_FONT
    for row in figures.iter_rows(min_row=2, min_col=5, max_col=12):
        for cell in row:
            if cell.column in (5, 8, 12):
                cell.number_format = "0.0"
    _append(figures, [])
    _append(figures, [_("Figures as of %(day)s") % {"day": _day(report.cut_off)}])

    visits = _sheet(
        workbook,
        _("Higher officials"),
        [_("Cell"), _("Under"), _("Held on"), _("Officials attending")],
        [36, 36, 14, 60],
    )
    for visit in data.official_visits:
        _append(
            visits,
            [
                _text(visit.cell),
                _text(visit.parent),
                ", ".join(_day(d) for d in visit.dates),
                _text("; ".join(f"{n}, {p}" if p else n for n, p in visit.people)),
            ],
        )

    difficulties = _sheet(
        workbook,
        _("Difficulties"),
        [_("Difficulty"), _("Times raised"), _("Organisations")],
        [40, 14, 14],
    )
    for category in data.categories:
        _append(difficulties, [_text(category.label), category.count, category.organizations])
    _append(difficulties, [])
    _append(difficulties, [_("Organisation"), _("Difficulty"), _("Details")])
    for cell in difficulties[difficulties.max_row]:
        cell.font = _HEADER_FONT
    for text in data.difficulty_texts:
        _append(difficulties, [_text(text.organization), _text(text.label), _text(text.text)])
    difficulties.column_dimensions["C"].width = 80

    proposals = _sheet(workbook, _("Proposals"), [_("Organisation"), _("Details")], [40, 90])
    for text in data.proposal_texts:
        _append(proposals, [_text(text.organization), _text(text.text)])

    for sheet in (visits, difficulties, proposals):
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = _WRAP
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
