"""Changing campaigns: create and edit (no silent overwrite), the status workflow
draft → open → closed → archived (closed may reopen with a reason), and guiding documents a
committee or a lower committee attaches. Every write is audited in the same transaction."""

import datetime
import zipfile
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from tusoi.audit.models import AuditEvent
from tusoi.audit.services import audit_record, diff, snapshot
from tusoi.campaigns.models import Campaign, CampaignStatus, GuidingDocument
from tusoi.core.events import publish
from tusoi.core.text import clean_multiline, clean_text
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Action, scope_for

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
EDITABLE_FIELDS = (
    "title",
    "theme",
    "description",
    "starts_on",
    "ends_on",
    "report_due_on",
    "directives",
    "chair_concludes_per_member",
    "copy_threshold",
)
_AUDITED = (*EDITABLE_FIELDS, "status")
_DOCUMENT_AUDITED = ("number_symbol", "issued_on", "issuing_body", "summary", "organization")


class StaleCampaignEdit(ValidationError):
    """Someone else saved the campaign after this form was opened."""


def _require_edit(actor: Any, org: Organization) -> None:
    """`actor=None` is the system (seed, tests); a person needs EDIT_ORGS on the organisation."""
    if actor is None:
        return
    if not scope_for(actor).covers(Action.EDIT_ORGS, org.path):
        raise PermissionDenied(_("You may not manage campaigns of %(org)s.") % {"org": org.name})


def campaign_validate(data: dict[str, Any]) -> dict[str, Any]:
    """Clean and check a campaign's fields; raise ValidationError naming every bad field."""
    data = dict(data)
    for name in ("title", "theme"):
        data[name] = clean_text(data.get(name))
    for name in ("description", "directives"):
        data[name] = clean_multiline(data.get(name))
    errors: dict[str, str] = {}
    if not data["title"]:
        errors["title"] = _("Enter the campaign's title.")
    elif len(data["title"]) > 300:
        errors["title"] = _("The title has at most 300 characters.")
    if not data["theme"]:
        errors["theme"] = _("Enter the campaign's theme.")
    elif len(data["theme"]) > 300:
        errors["theme"] = _("The theme has at most 300 characters.")
    starts, ends, due = data.get("starts_on"), data.get("ends_on"), data.get("report_due_on")
    if not starts:
        errors["starts_on"] = _("Enter the start date.")
    if not ends:
        errors["ends_on"] = _("Enter the end date.")
    if starts and ends and ends < starts:
        errors["ends_on"] = _("The campaign cannot end before it starts.")
    elif due and starts and ends and not starts <= due <= ends:
        errors["report_due_on"] = _("The report due date must lie within the campaign's period.")
    try:
        threshold = Decimal(str(data.get("copy_threshold", "0.5")))
    except InvalidOperation:
        threshold = Decimal(-1)
    if not Decimal(0) < threshold <= Decimal(1):
        errors["copy_threshold"] = _("The copy threshold is a share between 0 and 1.")
    data["copy_threshold"] = threshold
    data["chair_concludes_per_member"] = bool(data.get("chair_concludes_per_member"))
    if errors:
        raise ValidationError(errors)
    return data


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    organization: Organization,
    title: str,
    theme: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    report_due_on: datetime.date | None = None,
    description: str = "",
    directives: str = "",
    chair_concludes_per_member: bool = False,
    copy_threshold: float | Decimal = 0.5,
) -> Campaign:
    _require_edit(actor, organization)
    data = campaign_validate(
        {
            "title": title,
            "theme": theme,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "report_due_on": report_due_on,
            "description": description,
            "directives": directives,
            "chair_concludes_per_member": chair_concludes_per_member,
            "copy_threshold": copy_threshold,
        }
    )
    campaign = Campaign.objects.create(
        organization=organization,
        created_by=actor if getattr(actor, "pk", None) else None,
        **data,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=campaign,
        organization=organization,
        changes=diff({}, snapshot(campaign, _AUDITED)),
    )
    return campaign


@transaction.atomic
def campaign_update(
    *, actor: Any, campaign: Campaign, expected_version: int, **fields: Any
) -> Campaign:
    """Save an edit made on version `expected_version`; refuse it if the campaign changed since."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    current = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=campaign.pk)
    )
    _require_edit(actor, current.organization)
    if current.status == CampaignStatus.ARCHIVED:
        raise ValidationError(_("An archived campaign can no longer be changed."))
    merged = {name: getattr(current, name) for name in EDITABLE_FIELDS} | fields
    data = campaign_validate(merged)
    if current.version != expected_version:
        raise StaleCampaignEdit(
            _(
                "Someone else changed this campaign after you opened it. Your changes were not "
                "saved; reload to see the current campaign, then enter them again."
            )
        )
    before = snapshot(current, _AUDITED)
    for name in EDITABLE_FIELDS:
        setattr(current, name, data[name])
    changes = diff(before, snapshot(current, _AUDITED))
    if not changes:
        return current
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        target=current,
        organization=current.organization,
        changes=changes,
    )
    return current


def _change_status(
    *, actor: Any, campaign: Campaign, allowed_from: set[str], to: str, note: str = ""
) -> Campaign:
    current = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=campaign.pk)
    )
    _require_edit(actor, current.organization)
    if current.status not in allowed_from:
        raise ValidationError(
            {
                "status": _("A campaign that is %(now)s cannot become %(to)s.")
                % {
                    "now": CampaignStatus(current.status).label.lower(),
                    "to": CampaignStatus(to).label.lower(),
                }
            }
        )
    before = current.status
    current.status = to
    current.version = F("version") + 1
    current.save(update_fields=["status", "version", "updated_at"])
    current.refresh_from_db()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.STATUS,
        target=current,
        organization=current.organization,
        changes={"status": [before, to]},
        note=note,
    )
    publish("campaign_status_changed", campaign_id=current.pk)
    return current


@transaction.atomic
def campaign_open(*, actor: Any, campaign: Campaign) -> Campaign:
    """Draft → open: members in scope now see it and may write their reports."""
    return _change_status(
        actor=actor, campaign=campaign, allowed_from={CampaignStatus.DRAFT}, to=CampaignStatus.OPEN
    )


@transaction.atomic
def campaign_close(*, actor: Any, campaign: Campaign) -> Campaign:
    """Open → closed: its reports are frozen."""
    return _change_status(
        actor=actor, campaign=campaign, allowed_from={CampaignStatus.OPEN}, to=CampaignStatus.CLOSED
    )


@transaction.atomic
def campaign_reopen(*, actor: Any, campaign: Campaign, reason: str) -> Campaign:
    """Closed → open again, only with a recorded reason."""
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Give the reason for reopening the campaign.")})
    return _change_status(
        actor=actor,
        campaign=campaign,
        allowed_from={CampaignStatus.CLOSED},
        to=CampaignStatus.OPEN,
        note=reason,
    )


@transaction.atomic
def campaign_archive(*, actor: Any, campaign: Campaign) -> Campaign:
    """Closed → archived: kept readable under the same rules, no longer changed."""
    return _change_status(
        actor=actor,
        campaign=campaign,
        allowed_from={CampaignStatus.CLOSED},
        to=CampaignStatus.ARCHIVED,
    )


# Guiding documents --------------------------------------------------------------------------

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# kind -> extensions a file of that content may carry
_EXTENSIONS = {
    "pdf": {"pdf"},
    "docx": {"docx"},
    "doc": {"doc"},
    "png": {"png"},
    "jpeg": {"jpg", "jpeg"},
    "gif": {"gif"},
    "webp": {"webp"},
}


def _sniff(upload: UploadedFile) -> str | None:
    """The file's kind judged by its content (magic bytes), never by its name."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = None
    if head.startswith(b"%PDF-"):
        kind = "pdf"
    elif head.startswith(_OLE):
        kind = "doc"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        kind = "jpeg"
    elif head[:6] in (b"GIF87a", b"GIF89a"):
        kind = "gif"
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        kind = "webp"
    elif head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                kind = "docx" if "word/document.xml" in archive.namelist() else None
        except zipfile.BadZipFile:
            kind = None
        upload.seek(0)
    return kind


def document_file_check(upload: UploadedFile) -> None:
    """PDF, Word (.docx, .doc) or an image, at most 20 MB, its content matching its name."""
    if upload.size is not None and upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError({"file": _("The file is larger than 20 MB.")})
    if not upload.size:
        raise ValidationError({"file": _("The file is empty.")})
    kind = _sniff(upload)
    extension = (upload.name or "").rsplit(".", 1)[-1].lower() if "." in (upload.name or "") else ""
    if kind is None or extension not in _EXTENSIONS[kind]:
        raise ValidationError(
            {
                "file": _(
                    "Attach a PDF, a Word document (.docx or .doc) or an image (PNG, JPEG, GIF, "
                    "WebP); this file's content is not one of those."
                )
            }
        )


@transaction.atomic
def guiding_document_add(
    *,
    actor: Any,
    campaign: Campaign,
    organization: Organization,
    number_symbol: str,
    issued_on: datetime.date | None,
    issuing_body: str,
    summary: str,
    file: UploadedFile | None = None,
) -> GuidingDocument:
    """Attach a document to the campaign, issued by its committee or by a committee below it
    (a lower committee's own plan, without copying the campaign)."""
    issuer = campaign.organization
    if not organization.path.startswith(issuer.path):
        raise PermissionDenied(
            _("%(org)s is not inside the campaign's organisation.") % {"org": organization.name}
        )
    _require_edit(actor, organization)
    data = {
        "number_symbol": clean_text(number_symbol),
        "issuing_body": clean_text(issuing_body),
        "summary": clean_text(summary),
    }
    errors: dict[str, str] = {}
    if not data["number_symbol"]:
        errors["number_symbol"] = _("Enter the document's number and symbol, e.g. 06-HD/TU.")
    elif len(data["number_symbol"]) > 60:
        errors["number_symbol"] = _("The number and symbol has at most 60 characters.")
    if not data["issuing_body"]:
        errors["issuing_body"] = _("Enter the issuing body.")
    elif len(data["issuing_body"]) > 200:
        errors["issuing_body"] = _("The issuing body has at most 200 characters.")
    if not data["summary"]:
        errors["summary"] = _("Enter the document's summary.")
    elif len(data["summary"]) > 500:
        errors["summary"] = _("The summary has at most 500 characters.")
    if not issued_on:
        errors["issued_on"] = _("Enter the document's date.")
    if file is not None:
        try:
            document_file_check(file)
        except ValidationError as error:
            errors.update({k: v[0] for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    document = GuidingDocument(
        campaign=campaign,
        organization=organization,
        issued_on=issued_on,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        **data,
    )
    if file is not None:
        document.file.save(file.name, file, save=False)
    document.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=document,
        organization=issuer,
        changes=diff({}, snapshot(document, _DOCUMENT_AUDITED)),
    )
    return document
