"""A self-review report as a party-layout document (Guidance 36-HD/VPTW, via tusoi.documents):
the member's cell as issuing body under its parent, "BÁO CÁO" with the campaign in the summary,
the member's particulars, each section in template order (checklists and the self-correction
plan as tables), who entered it on the member's behalf and why, and the writer's signature.

A party document is always in Vietnamese, whatever language the reader's screen uses."""

import datetime
import re
from typing import Any

from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tusoi.documents import Block, Heading, Paragraph, PartyDocument, Table
from tusoi.orgs.models import Organization
from tusoi.orgs.selectors import organization_ancestors
from tusoi.reports.models import Assessment, ReportSource, SelfReview, TemplateSection
from tusoi.reports.selectors import checklist_items, template_effective_sections

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Column widths (cm) within the 16 cm text width of an A4 page with party margins.
CHECKLIST_WIDTHS = [1.3, 7.9, 3.0, 3.8]
PLAN_WIDTHS = [1.2, 6.6, 2.8, 5.4]
# "Đảng ủy phường An Bình" -> "An Bình": a commune-level committee names the place of signing.
_COMMUNE_COMMITTEE = re.compile(
    r"^(?:đảng ủy|đảng bộ)\s+(?:xã|phường|thị trấn|đặc khu)\s+(?P<place>.+)$", re.IGNORECASE
)
# "Tỉnh ủy Minh Sơn" -> "Minh Sơn"; "Đảng bộ thành phố Hà Nội" -> "Hà Nội".
_COMMITTEE_PREFIX = re.compile(
    r"^(?:tỉnh ủy|thành ủy|huyện ủy|quận ủy|thị ủy|đảng ủy|đảng bộ|chi bộ)\s+"
    r"(?:(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn|đặc khu)\s+)?",
    re.IGNORECASE,
)
_ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII",
          "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX"]  # fmt: skip


def report_filename(report: SelfReview, extension: str = "docx") -> str:
    card = slugify(report.member.card_number) or str(report.member_id)
    return f"bao-cao-tu-ra-soat-{card}.{extension}"


def report_document(report: SelfReview) -> PartyDocument:
    """The report in the party layout; pass it to `build_party_docx`."""
    with translation.override("vi"):
        return _document(report)


def _document(report: SelfReview) -> PartyDocument:
    member = report.member
    cell = member.cell
    ancestors = [o for o in organization_ancestors(cell) if o.pk != cell.pk]
    parent = ancestors[-1] if ancestors else None
    sections = template_effective_sections(report.template)
    body: list[Block] = [
        Paragraph(_("Respectfully addressed to: %(recipient)s") % {"recipient": cell.name}),
        *_particulars(report),
        *_sections(report, sections),
        *_provenance(report),
    ]
    return PartyDocument(
        superior_body=parent.name if parent else "",
        issuing_body=cell.name,
        number_symbol="",
        place=signing_place(cell, ancestors),
        date=_report_date(report),
        doc_type=_("Report"),
        # Two lines: the fixed subject, then the campaign (a line break inside one paragraph).
        summary="\n".join(
            [
                _("Self-review, self-examination, comments and assessment of oneself"),
                _("in the political activity campaign “%(campaign)s”")
                % {"campaign": report.campaign.title},
            ]
        ),
        body=body,
        signer_title=_("Report writer"),
        signer_name=member.full_name,
    )


def signing_place(cell: Organization, ancestors: list[Organization]) -> str:
    """The place of the date line: the commune or ward of the nearest commune-level committee
    above the cell, else the top organisation's name without its kind ("Tỉnh ủy …")."""
    for org in reversed([*ancestors, cell]):
        match = _COMMUNE_COMMITTEE.match(org.name.strip())
        if match:
            return match.group("place").strip()
    top = (ancestors or [cell])[0].name.strip()
    return _COMMITTEE_PREFIX.sub("", top).strip() or top


def _report_date(report: SelfReview) -> datetime.date:
    if report.submitted_at is not None:
        return timezone.localdate(report.submitted_at)
    return timezone.localdate()


def _day(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _particulars(report: SelfReview) -> list[Block]:
    member = report.member
    admitted = _("Date admitted to the Party:") + " " + _day(member.admitted_on)
    if member.official_on:
        admitted += "; " + _("official member since:") + " " + _day(member.official_on)
    lines = [
        _("Full name:") + " " + member.full_name,
        _("Date of birth:") + " " + _day(member.birth_date),
        admitted,
    ]
    if member.position:
        lines.append(_("Position:") + " " + member.position)
    if member.job:
        lines.append(_("Job:") + " " + member.job)
    lines.append(_("Cell:") + " " + member.cell.name)
    return [Paragraph(line) for line in lines]


def _sections(report: SelfReview, sections: list[TemplateSection]) -> list[Block]:
    content: dict[str, Any] = report.content or {}
    texts = content.get("sections", {})
    answers = content.get("checklist", {})
    commitments = content.get("commitments", [])
    items = checklist_items(sections)
    blocks: list[Block] = []
    numbered = list(sections)
    has_plan = any(s.kind == TemplateSection.Kind.COMMITMENTS for s in sections)
    for number, section in enumerate(numbered, start=1):
        blocks.append(Heading(f"{_numeral(number)}. {section.heading}"))
        if section.kind == TemplateSection.Kind.TEXT:
            blocks.extend(_text(texts.get(section.key, "")))
        elif section.kind == TemplateSection.Kind.CHECKLIST:
            blocks.extend(
                _checklist(answers.get(section.key, {}), items.get(section.reference_list_id, []))
            )
        else:
            blocks.extend(_plan(commitments))
    if commitments and not has_plan:
        # A template without a plan section still prints the commitments the writer made.
        plan_heading = _("Self-correction plan")
        blocks.append(Heading(f"{_numeral(len(numbered) + 1)}. {plan_heading}"))
        blocks.extend(_plan(commitments))
    return blocks


def _numeral(number: int) -> str:
    return _ROMAN[number - 1] if number <= len(_ROMAN) else str(number)


def _nothing() -> Paragraph:
    return Paragraph(_("(Nothing written.)"), italic=True)


def _text(text: str) -> list[Block]:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return [Paragraph(line) for line in lines] or [_nothing()]


def _checklist(answers: dict[str, dict[str, str]], items: list) -> list[Block]:
    labels = dict(Assessment.choices)
    rows = []
    for item in items:
        entry = answers.get(item.code)
        if not entry or not (entry.get("answer") or entry.get("note")):
            continue
        answer = entry.get("answer", "")
        rows.append([item.code, item.text, str(labels.get(answer, "")), entry.get("note", "")])
    if not rows:
        return [Paragraph(_("(No item answered.)"), italic=True)]
    headers = [pgettext("row number", "No."), _("Item"), _("Self-assessment"), _("Note")]
    return [Table(headers, rows, CHECKLIST_WIDTHS)]


def _plan(commitments: list[dict[str, str]]) -> list[Block]:
    rows = []
    for number, entry in enumerate((c for c in commitments if c.get("what")), start=1):
        due = ""
        if entry.get("due_on"):
            due = _day(datetime.date.fromisoformat(entry["due_on"]))
        rows.append([str(number), entry["what"], due, entry.get("measure", "")])
    if not rows:
        return [_nothing()]
    headers = [
        pgettext("row number", "No."),
        _("What I will do"),
        _("By when"),
        _("How it is measured"),
    ]
    return [Table(headers, rows, PLAN_WIDTHS)]


def _provenance(report: SelfReview) -> list[Block]:
    """How the text came to be, where it was not typed by the member themselves."""
    notes: list[str] = []
    if report.source == ReportSource.SCAN:
        notes.append(_("Handwritten report; this text was typed from the scanned original."))
    if report.entered_by_id is not None:
        who = report.entered_by.get_full_name() or report.entered_by.username
        note = _("Entered on the member's behalf by %(who)s; reason: %(reason)s.") % {
            "who": who,
            "reason": report.proxy_reason or "—",
        }
        if report.confirmed_at is not None:
            note += " " + _("Confirmed by the member on %(day)s.") % {
                "day": _day(timezone.localdate(report.confirmed_at))
            }
        else:
            note += " " + _("Not yet confirmed by the member.")
        notes.append(note)
    return [Paragraph(note, italic=True, indent_first_line=False) for note in notes]
