"""The minutes (biên bản) of a thematic meeting as a party-layout document (via tusoi.documents),
filled from the record: the cell as issuing body under its parent, "BIÊN BẢN" with the campaign's
theme, the time and place of each phase, chair and minutes-taker, attendance (present x/y, the
absent with their reasons), guests and officials of the higher committee, each member's
presentation with the comments received and the chair's conclusion, the comments to the cell
committee, the meeting's conclusion, and the signatures of the chair and the minutes-taker.

Also the sample programme shown as the meeting's agenda. A party document is always in
Vietnamese, whatever language the reader's screen uses."""

import datetime
import io
from collections.abc import Iterable

import docx
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from tusoi.documents import Block, Heading, Paragraph, PartyDocument, build_party_docx
from tusoi.meetings.models import Comment, Guest, Meeting, MeetingPhase
from tusoi.meetings.selectors.record import MeetingRecord, PhaseRecord, meeting_record
from tusoi.orgs.selectors import organization_ancestors
from tusoi.reports.documents import DOCX_CONTENT_TYPE, signing_place

__all__ = ["DOCX_CONTENT_TYPE", "agenda_items", "minutes_docx", "minutes_document"]

FONT = "Times New Roman"
# Left blank on the printed minutes for the hand to fill in.
DOTS = "…………………………"


# The sample programme ------------------------------------------------------------------------


def agenda_items(*, concludes_per_member: bool, has_guests: bool = True) -> list[str]:
    """The fixed outline of a thematic meeting (sinh hoạt chuyên đề), in order."""
    items = [
        _("Opening: the reason for the meeting, introduction of the guests and officials"),
        _("The chair sets out the theme, purpose and requirements of the campaign"),
        _("Each member reads their self-review report"),
        _("The other members comment frankly on each report"),
    ]
    if concludes_per_member:
        items.append(_("The chair concludes on each member: strengths, shortcomings, remedies"))
    items.append(_("Comments to the cell committee"))
    if has_guests:
        items.append(_("The officials of the higher committee speak"))
    items += [
        _("The chair concludes the meeting"),
        _("The minutes are read and adopted"),
    ]
    return items


# The document ----------------------------------------------------------------------------------


def minutes_filename(meeting: Meeting) -> str:
    return f"bien-ban-sinh-hoat-chuyen-de-{slugify(meeting.cell.code) or meeting.cell_id}.docx"


def minutes_document(meeting: Meeting, record: MeetingRecord | None = None) -> PartyDocument:
    """The minutes in the party layout; pass it to `build_party_docx` (or use minutes_docx)."""
    with translation.override("vi"):
        return _document(meeting, record or meeting_record(meeting))


def minutes_docx(meeting: Meeting) -> bytes:
    """The .docx bytes, with the minutes-taker's signature beside the chair's."""
    with translation.override("vi"):
        record = meeting_record(meeting)
        data = build_party_docx(_document(meeting, record))
        return _add_second_signature(data, _("Minutes taker"), meeting.secretary_name)


def _document(meeting: Meeting, record: MeetingRecord) -> PartyDocument:
    cell = meeting.cell
    ancestors = [o for o in organization_ancestors(cell) if o.pk != cell.pk]
    parent = ancestors[-1] if ancestors else None
    campaign = meeting.campaign
    body: list[Block] = [
        *_when_and_where(record),
        *_people(meeting, record),
        *_contents(meeting, record),
    ]
    return PartyDocument(
        superior_body=parent.name if parent else "",
        issuing_body=cell.name,
        number_symbol="",
        place=signing_place(cell, ancestors),
        date=_minutes_date(record),
        doc_type=_("Minutes"),
        summary="\n".join(
            [
                _("Thematic meeting on “%(theme)s”") % {"theme": campaign.theme},
                _("in the political activity campaign “%(campaign)s”")
                % {"campaign": campaign.title},
            ]
        ),
        body=body,
        signer_title=_("Chair"),
        signer_name=meeting.chair,
    )


def _minutes_date(record: MeetingRecord) -> datetime.date:
    phases = [p.phase for p in record.phases]
    if not phases:
        return timezone.localdate()
    last = phases[-1]
    return last.held_on or last.on


def _day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def _time_of(phase: MeetingPhase) -> str:
    if phase.at is not None:
        return _("%(hour)s:%(minute)s on %(day)s") % {
            "hour": f"{phase.at.hour:02d}",
            "minute": f"{phase.at.minute:02d}",
            "day": _day(phase.held_on or phase.on),
        }
    return _("on %(day)s") % {"day": _day(phase.held_on or phase.on)}


def _place_of(phase: MeetingPhase) -> str:
    places = [p for p in (phase.place, phase.online_link) if p]
    if phase.online_link and not phase.place:
        return _("online: %(link)s") % {"link": phase.online_link}
    return "; ".join(places) or DOTS


def _item(text: str) -> Paragraph:
    """A line of a list: "- " and the text, its first letter a capital ("- Đồng chí …")."""
    return Paragraph(f"- {text[:1].upper()}{text[1:]}", indent_first_line=True)


def _plain(text: str) -> Paragraph:
    return Paragraph(text, indent_first_line=True)


def _lines(text: str, *, italic: bool = False) -> list[Block]:
    return [Paragraph(line.strip(), italic=italic) for line in text.split("\n") if line.strip()]


def _when_and_where(record: MeetingRecord) -> list[Block]:
    if not record.is_phased:
        phase = record.phases[0].phase if record.phases else None
        if phase is None:
            return []
        return [
            _plain(_("Time: %(time)s.") % {"time": _time_of(phase)}),
            _plain(_("Place: %(place)s.") % {"place": _place_of(phase)}),
        ]
    blocks: list[Block] = [
        _plain(_("The meeting was held in %(n)s phases:") % {"n": len(record.phases)})
    ]
    blocks += [
        _plain(
            _("Phase %(number)s: %(time)s, at %(place)s.")
            % {"number": p.phase.number, "time": _time_of(p.phase), "place": _place_of(p.phase)}
        )
        for p in record.phases
    ]
    return blocks


def _comrade(name: str) -> str:
    return _("comrade %(name)s") % {"name": name} if name else DOTS


def _guest_line(guest: Guest) -> str:
    details = guest.position or (_("assigned to follow the cell") if guest.user_id else "")
    return _comrade(guest.name) + (f", {details}" if details else "") + "."


def _attendance(p: PhaseRecord) -> list[Block]:
    absent = p.absent
    blocks: list[Block] = [
        _plain(
            _(
                "Members of the cell called to the meeting: %(total)s; present: %(present)s; "
                "absent: %(absent)s."
            )
            % {"total": p.total, "present": p.present_count, "absent": len(absent)}
        )
    ]
    for line in absent:
        reason = line.reason or _("no reason given")
        blocks.append(_item(f"{_comrade(line.member.full_name)}: {reason}."))
    return blocks


def _guests(guests: Iterable[Guest]) -> list[Block]:
    guests = list(guests)
    officials = [g for g in guests if g.is_higher_official]
    others = [g for g in guests if not g.is_higher_official]
    blocks: list[Block] = []
    if officials:
        blocks.append(_plain(_("Officials of the higher committee attending:")))
        blocks += [_item(_guest_line(g)) for g in officials]
    if others:
        blocks.append(_plain(_("Guests:")))
        blocks += [_item(_guest_line(g)) for g in others]
    return blocks


def _people(meeting: Meeting, record: MeetingRecord) -> list[Block]:
    blocks: list[Block] = [
        _plain(_("Chair: %(name)s.") % {"name": _comrade(meeting.chair)}),
        _plain(_("Minutes taker: %(name)s.") % {"name": _comrade(meeting.secretary_name)}),
        Paragraph(_("Attendance"), bold=True),
    ]
    for p in record.phases:
        if record.is_phased:
            blocks.append(
                Paragraph(_("Phase %(number)s") % {"number": p.phase.number}, italic=True)
            )
        blocks += _attendance(p)
        blocks += _guests(p.guests)
    return blocks


def _speaker(comment: Comment) -> str:
    if comment.speaker_member_id is not None:
        return _comrade(comment.speaker_member.full_name)
    return comment.speaker_name


def _comment_lines(comments: list[Comment]) -> list[Block]:
    blocks: list[Block] = []
    for comment in comments:
        first, *rest = [line.strip() for line in comment.text.split("\n") if line.strip()] or [""]
        blocks.append(_item(f"{_speaker(comment)}: {first}"))
        blocks += [_plain(line) for line in rest]
    return blocks


def _presentations(p: PhaseRecord, section: int, start: int) -> list[Block]:
    blocks: list[Block] = []
    for offset, presentation in enumerate(p.presentations):
        number = f"{section}.{start + offset}."
        blocks.append(
            Paragraph(
                f"{number} "
                + _("Comrade %(name)s read their self-review report.")
                % {"name": presentation.member.full_name},
                bold=True,
            )
        )
        if presentation.comment_list:
            blocks.append(_plain(_("Comments received:")))
            blocks += _comment_lines(presentation.comment_list)
        else:
            blocks.append(Paragraph(_("No comments were made."), italic=True))
        if presentation.conclusion:
            first, *rest = [
                line.strip() for line in presentation.conclusion.split("\n") if line.strip()
            ]
            blocks.append(_plain(_("The chair concluded: %(text)s") % {"text": first}))
            blocks += [_plain(line) for line in rest]
    return blocks


def _contents(meeting: Meeting, record: MeetingRecord) -> list[Block]:
    campaign = meeting.campaign
    blocks: list[Block] = [
        Paragraph(_("Contents of the meeting"), bold=True),
        Heading("1. " + _("The theme, purpose and requirements of the campaign")),
        _plain(
            _(
                "The chair set out the theme of the campaign, “%(theme)s”, its purpose and "
                "requirements."
            )
            % {"theme": campaign.theme}
        ),
        *_lines(campaign.description),
        Heading("2. " + _("The members read their self-review reports; comments received")),
    ]
    count = 0
    for p in record.phases:
        if record.is_phased:
            blocks.append(Heading(_("Phase %(number)s") % {"number": p.phase.number}, level=2))
        blocks += _presentations(p, 2, count + 1)
        count += len(p.presentations)
    if count == 0:
        blocks.append(Paragraph(_("No presentation was recorded."), italic=True))

    blocks.append(Heading("3. " + _("Comments to the cell committee")))
    committee = [c for p in record.phases for c in p.committee_comments]
    blocks += _comment_lines(committee) or [Paragraph(_("No comments were made."), italic=True)]

    blocks.append(Heading("4. " + _("The meeting's conclusion")))
    blocks += _lines(meeting.conclusion) or [_plain(DOTS)]
    blocks.append(
        Paragraph(
            _("The minutes were read to the meeting and adopted by those present."), italic=True
        )
    )
    return blocks


# The second signature ----------------------------------------------------------------------------


def _fonts(run) -> None:
    run.font.name = FONT
    r_pr = run._r.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _add_second_signature(data: bytes, title: str, name: str) -> bytes:
    """Minutes are signed by two people: the party layout puts the chair's signature on the
    right of its bottom table; the minutes-taker's goes in the left cell, line for line."""
    document = docx.Document(io.BytesIO(data))
    cell = document.tables[-1].rows[0].cells[0]
    lines = [(title.upper(), True), *[("", False)] * 4, (name, True)]
    for index, (text, bold) in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if text:
            run = paragraph.add_run(text)
            run.font.size = Pt(14)
            run.font.bold = bold
            _fonts(run)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
