"""Writing reference lists and report templates. Every write is atomic and audited."""

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tusoi.audit.models import AuditEvent
from tusoi.audit.services import audit_record
from tusoi.campaigns.models import Campaign
from tusoi.orgs.models import Organization
from tusoi.reports.defaults import INTRODUCTIONS, SECTIONS, TITLES
from tusoi.reports.models import Audience, ReferenceItem, ReferenceList, ReportTemplate
from tusoi.reports.models import TemplateSection as Section
from tusoi.reports.permissions import can_edit_reference_lists, can_edit_templates_of
from tusoi.reports.selectors import template_effective_sections

# "1.4. Text", "4) Text", "Điều 7. Text", "- 5. Text", "D2: Text"
LINE_RE = re.compile(
    r"^(?:[-*+•–]\s*)?(?:điều\s+)?(?P<code>[A-Za-z]?\d{1,3}(?:\.\d{1,3})*)\.?"
    r"\s*[.):–-]?\s+(?P<text>\S.*)$",
    re.IGNORECASE,
)
MAX_ITEM_CHARS = 3000


def clean_text(value: str) -> str:
    """NFC, no control characters, runs of spaces (including no-break spaces) made one."""
    value = unicodedata.normalize("NFC", value)
    return re.sub(r"\s+", " ", value).strip()


def _sort_key(code: str) -> tuple:
    letters = "".join(ch for ch in code if ch.isalpha())
    numbers = tuple(int(n) for n in re.findall(r"\d+", code))
    return (letters.upper(), numbers)


@dataclass(frozen=True)
class PastedItem:
    line: int
    code: str
    text: str


def reference_paste_parse(text: str) -> list[PastedItem]:
    """Numbered lines of a paste; raises ValidationError naming every bad line."""
    items: list[PastedItem] = []
    errors: list[str] = []
    first_line: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = clean_text(raw)
        if not line:
            continue
        match = LINE_RE.match(line)
        if not match:
            errors.append(
                _("Line %(line)d has no item number: “%(text)s”.")
                % {"line": number, "text": line[:80]}
            )
            continue
        code = match["code"].upper()
        if code in first_line:
            errors.append(
                _("Line %(line)d repeats number %(code)s, already on line %(first)d.")
                % {"line": number, "code": code, "first": first_line[code]}
            )
            continue
        item_text = match["text"]
        if len(item_text) > MAX_ITEM_CHARS:
            errors.append(
                _("Line %(line)d is longer than %(max)d characters.")
                % {"line": number, "max": MAX_ITEM_CHARS}
            )
            continue
        first_line[code] = number
        items.append(PastedItem(number, code, item_text))
    if errors:
        raise ValidationError({"text": errors})
    if not items:
        raise ValidationError({"text": [_("Paste at least one numbered line.")]})
    return items


@dataclass(frozen=True)
class PasteResult:
    added: list[str]
    updated: list[str]
    unchanged: int


@transaction.atomic
def reference_list_paste(*, actor: Any, reference_list: ReferenceList, text: str) -> PasteResult:
    """Adds the pasted items and updates changed ones by number; all or nothing."""
    if actor is not None and not can_edit_reference_lists(actor):
        raise PermissionDenied
    pasted = reference_paste_parse(text)
    existing = {i.code: i for i in reference_list.items.select_for_update()}
    # A new item in a grouped list (1.4) takes the group of its siblings (1.1–1.3).
    groups = {code.split(".")[0]: i.group for code, i in existing.items() if "." in code}
    added: list[ReferenceItem] = []
    changed: list[ReferenceItem] = []
    for item in pasted:
        current = existing.get(item.code)
        if current is None:
            new = ReferenceItem(
                reference_list=reference_list,
                code=item.code,
                group=groups.get(item.code.split(".")[0], "") if "." in item.code else "",
                text=item.text,
                position=0,
            )
            added.append(new)
            existing[item.code] = new
        elif current.text != item.text:
            current.text = item.text
            changed.append(current)
    ReferenceItem.objects.bulk_create(added)
    ordered = sorted(existing.values(), key=lambda i: _sort_key(i.code))
    for position, item in enumerate(ordered, start=1):
        item.position = position
    ReferenceItem.objects.bulk_update(ordered, ["position", "text"])
    reference_list.save(update_fields=["updated_at"])
    result = PasteResult(
        added=[i.code for i in added],
        updated=[i.code for i in changed],
        unchanged=len(pasted) - len(added) - len(changed),
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        target=reference_list,
        changes={"items": [None, {"added": result.added, "updated": result.updated}]},
    )
    return result


# Templates -----------------------------------------------------------------------------------


def _require_template_editor(actor: Any, org: Organization) -> None:
    if actor is not None and not can_edit_templates_of(actor, org.path):
        raise PermissionDenied


@transaction.atomic
def campaign_templates_create_defaults(*, actor: Any, campaign: Campaign) -> list[ReportTemplate]:
    """One template per audience for the campaign's organisation; existing ones are kept."""
    org = campaign.organization
    lists = {r.code: r for r in ReferenceList.objects.all()}
    have = set(
        ReportTemplate.objects.filter(campaign=campaign, organization=org).values_list(
            "audience", flat=True
        )
    )
    created: list[ReportTemplate] = []
    sections: list[Section] = []
    for audience in Audience.values:
        if audience in have:
            continue
        template = ReportTemplate.objects.create(
            campaign=campaign,
            organization=org,
            audience=audience,
            title=TITLES[audience],
            introduction=INTRODUCTIONS[audience],
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        created.append(template)
        for position, spec in enumerate(SECTIONS[audience], start=1):
            ref = lists.get(spec.list_code) if spec.list_code else None
            if spec.list_code and ref is None:
                continue  # a deployment without that reference list: leave the checklist out
            sections.append(
                Section(
                    template=template,
                    key=spec.key,
                    kind=spec.kind,
                    heading=spec.heading,
                    guidance=spec.guidance,
                    required=spec.required,
                    min_chars=spec.min_chars,
                    max_chars=spec.max_chars,
                    reference_list=ref,
                    position=position * 10,
                )
            )
    Section.objects.bulk_create(sections)
    for template in created:
        audit_record(
            actor=actor, action=AuditEvent.Action.CREATE, target=template, organization=org
        )
    return created


@transaction.atomic
def template_derive(
    *, actor: Any, template: ReportTemplate, organization: Organization
) -> ReportTemplate:
    """A lower committee's own variant, holding only its overrides and additions."""
    parent_path = template.organization.path
    if organization.path == parent_path or not organization.path.startswith(parent_path):
        raise ValidationError(
            {"organization": _("A variant is made for an organisation below the template's.")}
        )
    _require_template_editor(actor, organization)
    if ReportTemplate.objects.filter(
        campaign_id=template.campaign_id, organization=organization, audience=template.audience
    ).exists():
        raise ValidationError(
            {"organization": _("This organisation already has a template for this audience.")}
        )
    variant = ReportTemplate.objects.create(
        campaign_id=template.campaign_id,
        organization=organization,
        audience=template.audience,
        title=template.title,
        introduction=template.introduction,
        derived_from=template,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=variant,
        organization=organization,
        note=f"derived from #{template.pk}",
    )
    return variant


EDITABLE_FIELDS = ("heading", "guidance", "sample_text", "required", "min_chars", "max_chars")


def _validate_section(section: Section) -> None:
    if not section.heading.strip():
        raise ValidationError({"heading": _("Enter a heading.")})
    if section.max_chars < section.min_chars:
        raise ValidationError({"max_chars": _("The maximum length is below the minimum.")})


def _effective(template: ReportTemplate, key: str) -> Section:
    for section in template_effective_sections(template):
        if section.key == key:
            return section
    raise ValidationError({"key": _("This template has no section “%(key)s”.") % {"key": key}})


@transaction.atomic
def section_override(*, actor: Any, template: ReportTemplate, key: str, **fields: Any) -> Section:
    """Edits the template's own section, or overrides the inherited one with a copy."""
    _require_template_editor(actor, template.organization)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    current = _effective(template, key)
    if current.template_id == template.pk:
        section = current
    else:
        section = Section(
            template=template,
            key=current.key,
            kind=current.kind,
            heading=current.heading,
            guidance=current.guidance,
            sample_text=current.sample_text,
            required=current.required,
            min_chars=current.min_chars,
            max_chars=current.max_chars,
            reference_list=current.reference_list,
            position=current.position,
        )
    before = {name: getattr(section, name) for name in fields}
    for name, value in fields.items():
        setattr(section, name, clean_text(value) if name == "heading" else value)
    _validate_section(section)
    section.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        target=section,
        organization=template.organization,
        changes={n: [before[n], getattr(section, n)] for n in fields if before[n] != fields[n]},
    )
    return section


@transaction.atomic
def section_add(
    *,
    actor: Any,
    template: ReportTemplate,
    heading: str,
    kind: str = Section.Kind.TEXT,
    guidance: str = "",
    required: bool = True,
    min_chars: int = 0,
    max_chars: int = 20000,
    reference_list: ReferenceList | None = None,
    after_key: str | None = None,
    key: str | None = None,
) -> Section:
    """A section of the variant's own, placed after `after_key` (or at the end)."""
    _require_template_editor(actor, template.organization)
    sections = template_effective_sections(template)
    key = slugify(key or heading)[:40] or "muc"
    taken = {s.key for s in sections} | set(template.sections.values_list("key", flat=True))
    base, n = key, 2
    while key in taken:
        key = f"{base[:36]}-{n}"
        n += 1
    if kind == Section.Kind.CHECKLIST and reference_list is None:
        raise ValidationError({"reference_list": _("A checklist section needs a reference list.")})
    position = (sections[-1].position + 10) if sections else 10
    if after_key:
        anchor = next((s for s in sections if s.key == after_key), None)
        if anchor is None:
            raise ValidationError({"after_key": _("Unknown section.")})
        later = [s.position for s in sections if s.position > anchor.position]
        position = (anchor.position + min(later)) // 2 if later else anchor.position + 10
        if position == anchor.position:
            position = anchor.position + 1
    section = Section(
        template=template,
        key=key,
        kind=kind,
        heading=clean_text(heading),
        guidance=guidance,
        required=required,
        min_chars=min_chars,
        max_chars=max_chars,
        reference_list=reference_list,
        position=position,
    )
    _validate_section(section)
    section.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        target=section,
        organization=template.organization,
    )
    return section


@transaction.atomic
def section_remove(*, actor: Any, template: ReportTemplate, key: str) -> None:
    """Hides an inherited section in this variant; deletes a section the variant added."""
    _require_template_editor(actor, template.organization)
    current = _effective(template, key)
    inherited_elsewhere = current.template_id != template.pk or (
        template.derived_from_id is not None
        and any(s.key == key for s in template_effective_sections(template.derived_from))
    )
    own = template.sections.filter(key=key).first()
    if inherited_elsewhere:
        marker = own or Section(
            template=template,
            key=key,
            kind=Section.Kind.TEXT,
            heading=current.heading,
            position=current.position,
        )
        marker.removed = True
        if marker.kind == Section.Kind.CHECKLIST and marker.reference_list_id is None:
            marker.kind = Section.Kind.TEXT
        marker.save()
    elif own is not None:
        own.delete()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        target=template,
        organization=template.organization,
        note=key,
    )
