"""The live record form of one phase: laying the saved record out as rows, reading a browser's
post back into the same rows (so every typed value comes back on a refusal), turning rows into
the service's inputs, and placing the service's messages beside the rows they name.
Validation is the service's (`phase_record_save`); this module only reshapes.

Field names: `version`; `a-<member>` ("present"/"absent") and `a-<member>-reason`;
`g-<i>-name|position|higher` (guests), `sup-<user>` (an assigned supervisor attended);
`order` (a member id per block, in the order shown), `p-<member>` (presented),
`p-<member>-conclusion`, `p-<member>-c-<i>-id|speaker|text` (comments on the member's report);
`k-<i>-id|speaker|text` (comments to the cell committee); `held`."""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tusoi.core.text import clean_text
from tusoi.meetings.selectors.record import PhaseRecord
from tusoi.meetings.services.record import CommentInput, GuestInput, PresentationInput
from tusoi.members.models import Member
from tusoi.reports.models import SelfReview

# Blank rows offered below each list, for browsers without JS (record.js shows one at a time).
EMPTY_COMMENT_ROWS = 3
EMPTY_GUEST_ROWS = 2
EMPTY_COMMITTEE_ROWS = 3
MAX_POSTED_ROWS = 500

_INDEXED = re.compile(r"^(?P<prefix>.+)-(?P<i>\d+)-(?P<part>id|speaker|text|name|position|higher)$")


@dataclass
class CommentRow:
    id: str = ""
    speaker: str = ""  # as shown and typed: a member's label from the list, or any other name
    text: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def is_blank(self) -> bool:
        return not (self.speaker.strip() or self.text.strip())

    def as_input(self, speakers: Mapping[str, int]) -> CommentInput:
        member_id = speakers.get(clean_text(self.speaker).casefold())
        return CommentInput(
            text=self.text,
            speaker_member_id=member_id,
            speaker_name="" if member_id is not None else self.speaker,
            id=_int(self.id),
        )


@dataclass
class AttendanceRow:
    member: Member
    present: bool
    reason: str
    errors: list[str] = field(default_factory=list)


@dataclass
class GuestRow:
    name: str = ""
    position: str = ""
    higher: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def is_blank(self) -> bool:
        return not (self.name.strip() or self.position.strip())


@dataclass
class SupervisorRow:
    user: Any
    attended: bool
    errors: list[str] = field(default_factory=list)


@dataclass
class Block:
    """One member's presentation: whether they read their report, the comments, the conclusion."""

    member: Member
    report: SelfReview | None
    presented: bool
    conclusion: str
    comments: list[CommentRow]
    errors: list[str] = field(default_factory=list)

    @property
    def has_content(self) -> bool:
        return bool(self.conclusion.strip()) or any(not c.is_blank for c in self.comments)

    @property
    def is_presenting(self) -> bool:
        return self.presented or self.has_content

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(c.errors for c in self.comments)


@dataclass
class PhaseForm:
    version: int | None
    attendance: list[AttendanceRow]
    guests: list[GuestRow]
    supervisors: list[SupervisorRow]
    blocks: list[Block]
    committee: list[CommentRow]
    held: bool
    errors: list[str] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(
            self.errors
            or any(r.errors for r in self.attendance)
            or any(g.errors for g in self.guests)
            or any(s.errors for s in self.supervisors)
            or any(b.has_errors for b in self.blocks)
            or any(c.errors for c in self.committee)
        )


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _blank_comments(n: int) -> list[CommentRow]:
    return [CommentRow() for _i in range(n)]


def _with_blanks(rows: list[Any], blank: Any, n: int) -> list[Any]:
    return [*rows, *(blank() for _i in range(n))]


# From the saved record -------------------------------------------------------------------------


def speaker_labels(members: list[Member]) -> dict[int, str]:
    """How each member is offered as a speaker: the full name, with the year of birth where
    two members of the phase share a name."""
    counts: dict[str, int] = {}
    for m in members:
        counts[m.full_name.casefold()] = counts.get(m.full_name.casefold(), 0) + 1
    return {
        m.pk: (
            f"{m.full_name} ({m.birth_date:%Y})"
            if counts[m.full_name.casefold()] > 1
            else m.full_name
        )
        for m in members
    }


def _comment_row(comment: Any, labels: Mapping[int, str]) -> CommentRow:
    if comment.speaker_member_id is not None:
        speaker = labels.get(comment.speaker_member_id) or comment.speaker_member.full_name
    else:
        speaker = comment.speaker_name
    return CommentRow(id=str(comment.pk), speaker=speaker, text=comment.text)


def form_from_record(record: PhaseRecord, supervisors: list[Any], version: int) -> PhaseForm:
    """The form as the record stands, with blank rows to add to."""
    labels = speaker_labels(record.members)
    supervisor_ids = {u.pk for u in supervisors}
    attended = {g.user_id for g in record.guests if g.user_id in supervisor_ids}
    presentations = {p.member_id: p for p in record.presentations}
    blocks = []
    for member in record.members:
        presentation = presentations.get(member.pk)
        comments = (
            [_comment_row(c, labels) for c in presentation.comment_list] if presentation else []
        )
        blocks.append(
            Block(
                member=member,
                report=record.reports.get(member.pk),
                presented=presentation is not None,
                conclusion=presentation.conclusion if presentation else "",
                comments=_with_blanks(comments, CommentRow, EMPTY_COMMENT_ROWS),
            )
        )
    # Presentation order: as recorded first, then the others in name order.
    order = {p.member_id: i for i, p in enumerate(record.presentations)}
    blocks.sort(key=lambda b: order.get(b.member.pk, len(order)))
    return PhaseForm(
        version=version,
        attendance=[
            AttendanceRow(member=line.member, present=line.present, reason=line.reason)
            for line in record.attendance
        ],
        guests=_with_blanks(
            [
                GuestRow(name=g.name, position=g.position, higher=g.is_higher_official)
                for g in record.guests
                if g.user_id not in attended
            ],
            GuestRow,
            EMPTY_GUEST_ROWS,
        ),
        supervisors=[SupervisorRow(user=u, attended=u.pk in attended) for u in supervisors],
        blocks=blocks,
        committee=_with_blanks(
            [_comment_row(c, labels) for c in record.committee_comments],
            CommentRow,
            EMPTY_COMMITTEE_ROWS,
        ),
        held=record.phase.held,
    )


# From a post -----------------------------------------------------------------------------------


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name, "")
    return value if isinstance(value, str) else ""


def _rows(data: Mapping[str, Any], prefix: str) -> dict[int, dict[str, str]]:
    """`<prefix>-<i>-<part>` fields grouped by row number (at most MAX_POSTED_ROWS rows)."""
    rows: dict[int, dict[str, str]] = {}
    for name in data:
        match = _INDEXED.match(name)
        if not match or match.group("prefix") != prefix:
            continue
        index = int(match.group("i"))
        if index >= MAX_POSTED_ROWS:
            continue
        rows.setdefault(index, {})[match.group("part")] = _text(data, name)
    return dict(sorted(rows.items()))


def _posted_comments(data: Mapping[str, Any], prefix: str) -> list[CommentRow]:
    return [
        CommentRow(id=row.get("id", ""), speaker=row.get("speaker", ""), text=row.get("text", ""))
        for row in _rows(data, prefix).values()
    ]


def form_from_post(
    data: Mapping[str, Any], record: PhaseRecord, supervisors: list[Any]
) -> PhaseForm:
    """Exactly what was typed, row by row (blank rows included), over the phase's members."""
    blocks = []
    for member in record.members:
        prefix = f"p-{member.pk}"
        blocks.append(
            Block(
                member=member,
                report=record.reports.get(member.pk),
                presented=bool(data.get(prefix)),
                conclusion=_text(data, f"{prefix}-conclusion"),
                comments=_posted_comments(data, f"{prefix}-c"),
            )
        )
    # Keep the order the blocks were shown in: each block posts its member id as `order`.
    shown = data.getlist("order") if hasattr(data, "getlist") else []
    position = {str(value): i for i, value in enumerate(shown)}
    blocks.sort(key=lambda b: position.get(str(b.member.pk), len(position)))
    return PhaseForm(
        version=_int(data.get("version")),
        attendance=[
            AttendanceRow(
                member=member,
                present=_text(data, f"a-{member.pk}") != "absent",
                reason=_text(data, f"a-{member.pk}-reason"),
            )
            for member in record.members
        ],
        guests=[
            GuestRow(
                name=row.get("name", ""),
                position=row.get("position", ""),
                higher=bool(row.get("higher")),
            )
            for row in _rows(data, "g").values()
        ],
        supervisors=[
            SupervisorRow(user=u, attended=bool(data.get(f"sup-{u.pk}"))) for u in supervisors
        ],
        blocks=blocks,
        committee=_posted_comments(data, "k"),
        held=bool(data.get("held")),
    )


# To the service and back -----------------------------------------------------------------------


@dataclass
class PhaseInputs:
    """The service's arguments, and which form row each guest and comment input came from."""

    attendance: dict[int, tuple[bool, str]]
    guests: list[GuestInput]
    presentations: list[PresentationInput]
    committee_comments: list[CommentInput]
    held: bool
    guest_rows: list[GuestRow | SupervisorRow]
    comment_rows: dict[str, list[CommentRow]]


def phase_inputs(form: PhaseForm, members: list[Member]) -> PhaseInputs:
    """`members`: the phase's members, whose labels typed as a speaker name them."""
    speakers = {label.casefold(): pk for pk, label in speaker_labels(members).items()}
    guests: list[GuestInput] = []
    guest_rows: list[GuestRow | SupervisorRow] = []
    for row in form.guests:
        if not row.is_blank:
            guests.append(
                GuestInput(name=row.name, position=row.position, is_higher_official=row.higher)
            )
            guest_rows.append(row)
    for sup in form.supervisors:
        if sup.attended:
            guests.append(GuestInput(user_id=sup.user.pk, is_higher_official=True))
            guest_rows.append(sup)
    presentations: list[PresentationInput] = []
    comment_rows: dict[str, list[CommentRow]] = {}
    for block in form.blocks:
        if not block.is_presenting:
            continue
        rows = [c for c in block.comments if not c.is_blank]
        comment_rows[f"presentation:{block.member.pk}"] = rows
        presentations.append(
            PresentationInput(
                member_id=block.member.pk,
                conclusion=block.conclusion,
                comments=[c.as_input(speakers) for c in rows],
            )
        )
    committee = [c for c in form.committee if not c.is_blank]
    comment_rows["committee"] = committee
    return PhaseInputs(
        attendance={r.member.pk: (r.present, r.reason) for r in form.attendance},
        guests=guests,
        presentations=presentations,
        committee_comments=[c.as_input(speakers) for c in committee],
        held=form.held,
        guest_rows=guest_rows,
        comment_rows=comment_rows,
    )


def place_errors(form: PhaseForm, inputs: PhaseInputs, errors: dict[str, list[str]]) -> None:
    """Put each of the service's messages beside the row it names; the rest go on top."""
    attendance = {r.member.pk: r for r in form.attendance}
    blocks = {b.member.pk: b for b in form.blocks}
    for key, messages in errors.items():
        target: list[str] = form.errors
        parts = key.split(":")
        if parts[0] == "attendance" and _int(parts[-1]) in attendance:
            target = attendance[int(parts[-1])].errors
        elif parts[0] == "guest" and (i := _int(parts[-1])) is not None:
            if i < len(inputs.guest_rows):
                target = inputs.guest_rows[i].errors
        elif parts[0] in ("presentation", "committee") and "comment" in parts:
            owner = ":".join(parts[: parts.index("comment")])
            rows = inputs.comment_rows.get(owner, [])
            i = _int(parts[-1])
            if i is not None and i < len(rows):
                target = rows[i].errors
        elif parts[0] == "presentation" and _int(parts[-1]) in blocks:
            target = blocks[int(parts[-1])].errors
        target.extend(messages)


def with_blank_rows(form: PhaseForm) -> PhaseForm:
    """After a refused post: the typed rows, plus room to add (as on a fresh page)."""
    for block in form.blocks:
        if not any(c.is_blank for c in block.comments):
            block.comments.extend(_blank_comments(1))
    if not any(g.is_blank for g in form.guests):
        form.guests.append(GuestRow())
    if not any(c.is_blank for c in form.committee):
        form.committee.append(CommentRow())
    return form


# The meeting's conclusion ----------------------------------------------------------------------


class ConclusionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    chair = forms.CharField(label=_("Chaired by"), required=False, max_length=200)
    secretary_name = forms.CharField(label=_("Minutes taken by"), required=False, max_length=200)
    conclusion = forms.CharField(
        label=_("The meeting's conclusion"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class SignedMinutesForm(forms.Form):
    file = forms.FileField(label=_("Scan or photo of the signed minutes (PDF, JPEG or PNG)"))
