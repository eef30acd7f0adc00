"""The report editor's fields: reading what a browser posts (form fields or the JSON the
editor's script sends) into the content shape of `SelfReview.content`, and laying a content out
section by section for the editor and the read-only text. Validation is the service's
(`content_clean`); this module only reshapes, so what was typed comes back intact on a refusal.

Field names: `s-<key>` (text), `c-<key>-<code>-answer` / `c-<key>-<code>-note` (checklist),
`m-<i>-key|what|due_on|measure` (commitments), `version`, `proxy_reason`."""

import datetime
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from tusoi.reports.models import Assessment, ReferenceItem, TemplateSection

COMMITMENT_FIELDS = ("key", "what", "due_on", "measure")
EMPTY_COMMITMENT_ROWS = 2  # blank rows offered below the plan, for browsers without JS
CONTENT_FIELD_PREFIXES = ("s-", "c-", "m-")
DATE_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Posted:
    """What the writer sent: the raw content (not yet validated), the version it was based on,
    and the reason a secretary gives for entering it on a member's behalf."""

    content: dict[str, Any]
    version: int
    proxy_reason: str
    has_content: bool


def _version(value: Any) -> int:
    try:
        version = int(value)
    except (TypeError, ValueError):
        raise ValidationError(
            {"version": [_("The page is out of date; reload it and try again.")]}
        ) from None
    if version < 0:
        raise ValidationError({"version": [_("The page is out of date; reload it and try again.")]})
    return version


def _split_checklist_name(middle: str, keys: list[str]) -> tuple[str, str]:
    """`bieu-hien-27-1.2` -> (`bieu-hien-27`, `1.2`): section keys contain hyphens, so the
    template's own keys decide where the item code starts (longest key first)."""
    for key in keys:
        if middle.startswith(key + "-") and len(middle) > len(key) + 1:
            return key, middle[len(key) + 1 :]
    key, _sep, code = middle.rpartition("-")
    return key, code


def content_from_post(data: Mapping[str, Any], sections: list[TemplateSection]) -> dict[str, Any]:
    """The content a plain form post carries. Unknown sections or items are kept as sent, so
    that the service names them in its refusal."""
    checklist_keys = sorted(
        (s.key for s in sections if s.kind == TemplateSection.Kind.CHECKLIST), key=len, reverse=True
    )
    content: dict[str, Any] = {"sections": {}, "checklist": {}, "commitments": []}
    rows: dict[int, dict[str, str]] = {}
    for name in data:
        value = data.get(name)
        value = value if isinstance(value, str) else ""
        if name.startswith("s-") and len(name) > 2:
            content["sections"][name[2:]] = value
        elif name.startswith("c-") and name.endswith(("-answer", "-note")):
            middle, _sep, part = name[2:].rpartition("-")
            key, code = _split_checklist_name(middle, checklist_keys)
            entry = (
                content["checklist"]
                .setdefault(key, {})
                .setdefault(code, {"answer": "", "note": ""})
            )
            entry[part] = value
        elif name.startswith("m-"):
            _m, index, part = (name.split("-", 2) + ["", ""])[:3]
            if index.isdigit() and part in COMMITMENT_FIELDS and len(index) < 6:
                rows.setdefault(int(index), dict.fromkeys(COMMITMENT_FIELDS, ""))[part] = value
    # Blank rows (offered for adding) are not commitments; dropping them here keeps them out of
    # the limit on the number of commitments.
    content["commitments"] = [
        rows[i] for i in sorted(rows) if any(rows[i][f] for f in ("what", "due_on", "measure"))
    ]
    return content


def posted_form(data: Mapping[str, Any], sections: list[TemplateSection]) -> Posted:
    return Posted(
        content=content_from_post(data, sections),
        version=_version(data.get("version")),
        proxy_reason=str(data.get("proxy_reason") or ""),
        has_content=any(name.startswith(CONTENT_FIELD_PREFIXES) for name in data),
    )


def posted_json(body: bytes) -> Posted:
    """`{"content": {...}, "version": n, "proxy_reason": ""}` as the editor's script sends it."""
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ValidationError(_("The data sent is not valid JSON.")) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("content"), dict):
        raise ValidationError(_("The data sent has no report content."))
    return Posted(
        content=payload["content"],
        version=_version(payload.get("version")),
        proxy_reason=str(payload.get("proxy_reason") or ""),
        has_content=True,
    )


def error_dict(error: ValidationError) -> dict[str, list[str]]:
    """A service's refusal as {place: [messages]}; messages naming no place under "__all__"."""
    if hasattr(error, "error_dict"):
        return {key: list(messages) for key, messages in error.message_dict.items()}
    return {"__all__": list(error.messages)}


# Laying a content out ---------------------------------------------------------------------------


@dataclass
class ItemView:
    item: ReferenceItem
    answer: str
    note: str
    group_start: bool  # the first item of its group: the group's heading goes above it

    @property
    def answer_label(self) -> str:
        return str(Assessment(self.answer).label) if self.answer in Assessment.values else ""


@dataclass
class SectionView:
    section: TemplateSection
    number: int
    text: str = ""
    items: list[ItemView] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)  # commitments, with their index
    errors: list[str] = field(default_factory=list)
    holds_plan: bool = False  # the (first) commitments section, where the plan is edited

    @property
    def kind(self) -> str:
        return self.section.kind

    @property
    def key(self) -> str:
        return self.section.key

    @property
    def char_count(self) -> int:
        return len(self.text)

    @property
    def error_slot(self) -> str:
        """The error keys the service uses for this section (see `content_clean`)."""
        if self.kind == TemplateSection.Kind.COMMITMENTS:
            return "commitments" if self.holds_plan else ""
        prefix = "sections" if self.kind == TemplateSection.Kind.TEXT else "checklist"
        return f"{prefix}.{self.key}"

    @property
    def answered(self) -> int:
        return sum(1 for i in self.items if i.answer)


def _iso_date(value: str) -> datetime.date | None:
    if not DATE_ISO.match(value):
        return None
    try:
        return parse_date(value)
    except ValueError:
        return None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def section_views(
    sections: list[TemplateSection],
    items: Mapping[int, list[ReferenceItem]],
    content: Mapping[str, Any] | None,
    *,
    errors: Mapping[str, list[str]] | None = None,
    blank_rows: int = 0,
) -> list[SectionView]:
    """Each section of the template with the writer's text, answers or plan from `content`
    (saved or just posted) and the errors the service gave for it."""
    content = content if isinstance(content, Mapping) else {}
    errors = errors or {}
    texts = _mapping(content.get("sections"))
    checklist = _mapping(content.get("checklist"))
    raw_rows = content.get("commitments")
    raw_rows = raw_rows if isinstance(raw_rows, list) else []
    rows: list[dict[str, Any]] = [
        {"index": i, **{f: _as_text(r.get(f)) for f in COMMITMENT_FIELDS}}
        for i, r in enumerate(r for r in raw_rows if isinstance(r, Mapping))
    ]
    for row in rows:
        day = _iso_date(str(row["due_on"]))
        row["due_on_shown"] = day.strftime("%d/%m/%Y") if day else row["due_on"]
        row["due_on_iso"] = day.isoformat() if day else ""
    rows += [
        {
            "index": len(rows) + n,
            **dict.fromkeys((*COMMITMENT_FIELDS, "due_on_shown", "due_on_iso"), ""),
        }
        for n in range(blank_rows)
    ]
    views: list[SectionView] = []
    plan_shown = False
    for number, section in enumerate(sections, start=1):
        view = SectionView(section=section, number=number)
        if section.kind == TemplateSection.Kind.TEXT:
            view.text = _as_text(texts.get(section.key))
        elif section.kind == TemplateSection.Kind.CHECKLIST:
            answers = _mapping(checklist.get(section.key))
            previous_group = None
            for item in items.get(section.reference_list_id or 0, []):
                entry = _mapping(answers.get(item.code))
                view.items.append(
                    ItemView(
                        item=item,
                        answer=_as_text(entry.get("answer")),
                        note=_as_text(entry.get("note")),
                        group_start=bool(item.group) and item.group != previous_group,
                    )
                )
                previous_group = item.group
        elif section.kind == TemplateSection.Kind.COMMITMENTS and not plan_shown:
            view.holds_plan = plan_shown = True
            view.rows = rows
        if view.error_slot:
            view.errors = list(errors.get(view.error_slot, []))
        views.append(view)
    return views


def general_errors(errors: Mapping[str, list[str]], views: list[SectionView]) -> list[str]:
    """Messages that belong to no section shown (unknown sections, the whole report's length,
    the page's version); the proxy reason's own messages are shown at its field."""
    placed = {v.error_slot for v in views if v.error_slot} | {"proxy_reason"}
    return [m for key, messages in errors.items() if key not in placed for m in messages]
