"""Recording supplementary activities, their attachments and commendations (seed 002).

Written by `Action.EDIT_MEMBERS` over the organisation (the cell's secretary for a cell, committee
staff for their subtree); `actor=None` is the system (the demo seed, tests). An activity is a
record of what happened, so its date cannot lie ahead; it and its attachments are saved in one
transaction, and one bad file (not a PDF, image, .docx or .xlsx by its content, or too large)
saves nothing. A commendation's subject (a member's cell, or an organisation) lies under the
commending organisation. Every write is audited in its own transaction."""

import datetime
import os
import zipfile
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tusoi.activities.models import (
    Activity,
    ActivityAttachment,
    ActivityKind,
    Commendation,
    CommendationLevel,
)
from tusoi.audit.models import AuditEvent
from tusoi.audit.services import audit_record, diff, snapshot
from tusoi.campaigns.models import Campaign
from tusoi.core.text import clean_multiline, clean_text
from tusoi.members.models import Member, MemberStatus
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Action, scope_for

MAX_TITLE_CHARS = 300
MAX_SUMMARY_CHARS = 20_000
MAX_REASON_CHARS = 2_000
MAX_PARTICIPANTS = 1_000_000
MAX_ATTACHMENTS = 20
MAX_NAME_CHARS = 200
EARLIEST = datetime.date(1930, 2, 3)  # the Party's founding: nothing it records is older

_ACTIVITY_AUDITED = ("kind", "title", "on", "participants", "summary", "campaign")
_COMMENDATION_AUDITED = (
    "member",
    "commended_organization",
    "level",
    "reason",
    "on",
    "campaign",
)
# kind judged by content -> the file-name extensions such content may carry
ATTACHMENT_EXTENSIONS = {
    "pdf": ("pdf",),
    "jpeg": ("jpg", "jpeg"),
    "png": ("png",),
    "gif": ("gif",),
    "webp": ("webp",),
    "docx": ("docx",),
    "xlsx": ("xlsx",),
}


def _require_write(actor: Any, org: Organization) -> None:
    if actor is None:
        return
    if not scope_for(actor).covers(Action.EDIT_MEMBERS, org.path):
        raise PermissionDenied(
            _("You may not record activities or commendations of %(org)s.") % {"org": org.name}
        )


def _check_date(on: datetime.date | None, errors: dict[str, str], *, what: str) -> None:
    if not on:
        errors["on"] = _("Enter the date.")
    elif on > timezone.localdate():
        errors["on"] = (
            _("An activity is recorded once it has taken place: its date cannot be in the future.")
            if what == "activity"
            else _("A commendation is recorded once it is given: its date cannot be in the future.")
        )
    elif on < EARLIEST:
        errors["on"] = _("Check the date: it is before the Party was founded.")


def _check_campaign(campaign: Campaign | None, org: Organization, errors: dict[str, str]) -> None:
    if campaign is not None and not org.path.startswith(campaign.organization.path):
        errors["campaign"] = _("This campaign does not cover %(org)s.") % {"org": org.name}


# Attachments ------------------------------------------------------------------------------------


def attachment_kind(upload: File) -> str | None:
    """The file's kind judged by its content (magic bytes), never by its name."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            upload.seek(0)
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def _display_name(upload: File) -> str:
    name = clean_text(os.path.basename((upload.name or "").replace("\\", "/")))
    return name[-MAX_NAME_CHARS:] or "tep"


def _attachment_problem(upload: File) -> str | None:
    """Why the file cannot be kept, or None."""
    name = _display_name(upload)
    limit = settings.TUSOI_UPLOAD_MAX_BYTES
    size = upload.size or 0
    if size > limit:
        return _("“%(name)s” is %(size)s MB; files up to %(max)s MB are accepted.") % {
            "name": name,
            "size": round(size / 1048576, 1),
            "max": round(limit / 1048576),
        }
    if not size:
        return _("“%(name)s” is empty.") % {"name": name}
    kind = attachment_kind(upload)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if kind is None or extension not in ATTACHMENT_EXTENSIONS[kind]:
        return _(
            "“%(name)s” was not taken: attach a PDF, an image (JPEG, PNG, GIF, WebP), a Word "
            "document (.docx) or an Excel workbook (.xlsx), whose content matches its name."
        ) % {"name": name}
    return None


def attachments_check(files: Sequence[File], *, already: int = 0) -> None:
    """Raise ValidationError on `files` naming every file that cannot be kept."""
    problems = [p for p in (_attachment_problem(f) for f in files) if p]
    if already + len(files) > MAX_ATTACHMENTS:
        problems.insert(
            0,
            _("An activity keeps at most %(n)s attachments.") % {"n": MAX_ATTACHMENTS},
        )
    if problems:
        raise ValidationError({"files": problems})


def _save_attachments(
    *, actor: Any, activity: Activity, files: Sequence[File]
) -> list[ActivityAttachment]:
    saved = []
    for upload in files:
        name = _display_name(upload)
        kind = attachment_kind(upload)
        extension = ATTACHMENT_EXTENSIONS[kind or "pdf"][0]
        attachment = ActivityAttachment(activity=activity, name=name)
        upload.seek(0)
        # The stored name is ours: the person's file name is kept only as text.
        attachment.file.save(f"activity-{activity.pk}.{extension}", upload, save=False)
        attachment.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=attachment,
            organization=activity.organization,
            changes={"name": [None, name]},
            note=activity.title,
        )
        saved.append(attachment)
    return saved


@transaction.atomic
def activity_attach(
    *, actor: Any, activity: Activity, files: Sequence[File]
) -> list[ActivityAttachment]:
    """Keep more files with an activity: all of them, or none if one cannot be kept."""
    current = (
        Activity.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=activity.pk)
    )
    _require_write(actor, current.organization)
    if not files:
        raise ValidationError({"files": [_("Choose at least one file to attach.")]})
    attachments_check(files, already=current.attachments.count())
    return _save_attachments(actor=actor, activity=current, files=files)


# Activities -------------------------------------------------------------------------------------


@transaction.atomic
def activity_create(
    *,
    actor: Any,
    organization: Organization,
    kind: str,
    title: str,
    on: datetime.date | None,
    participants: int | None = 0,
    summary: str = "",
    campaign: Campaign | None = None,
    files: Sequence[File] = (),
) -> Activity:
    """Record an activity `organization` ran, with its attachments."""
    _require_write(actor, organization)
    title = clean_text(title)
    summary = clean_multiline(summary)
    errors: dict[str, Any] = {}
    if kind not in ActivityKind.values:
        errors["kind"] = _("Choose the kind of activity.")
    if not title:
        errors["title"] = _("Enter the activity's title.")
    elif len(title) > MAX_TITLE_CHARS:
        errors["title"] = _("The title has at most %(n)s characters.") % {"n": MAX_TITLE_CHARS}
    _check_date(on, errors, what="activity")
    if participants is None:
        participants = 0
    if not 0 <= participants <= MAX_PARTICIPANTS:
        errors["participants"] = _("Enter the number of participants, from 0 to %(n)s.") % {
            "n": f"{MAX_PARTICIPANTS:,}".replace(",", ".")
        }
    if len(summary) > MAX_SUMMARY_CHARS:
        errors["summary"] = _("The summary has at most %(n)s characters.") % {
            "n": f"{MAX_SUMMARY_CHARS:,}".replace(",", ".")
        }
    _check_campaign(campaign, organization, errors)
    try:
        attachments_check(files)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors or on is None:  # a missing date is among the errors
        raise ValidationError(errors)
    activity = Activity.objects.create(
        organization=organization,
        campaign=campaign,
        kind=kind,
        title=title,
        on=on,
        participants=participants,
        summary=summary,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=activity,
        organization=organization,
        changes=diff({}, snapshot(activity, _ACTIVITY_AUDITED)),
    )
    _save_attachments(actor=actor, activity=activity, files=files)
    return activity


# Commendations ----------------------------------------------------------------------------------


@transaction.atomic
def commendation_create(
    *,
    actor: Any,
    organization: Organization,
    level: str,
    reason: str,
    on: datetime.date | None,
    member: Member | None = None,
    commended_organization: Organization | None = None,
    campaign: Campaign | None = None,
) -> Commendation:
    """`organization` commends a member of a cell under it, or an organisation under it."""
    _require_write(actor, organization)
    reason = clean_multiline(reason)
    errors: dict[str, Any] = {}
    if (member is None) == (commended_organization is None):
        errors["__all__"] = _("Commend either a member or an organisation.")
    elif member is not None:
        if (
            member.merged_into_id is not None
            or member.status == MemberStatus.LEFT
            or not member.cell.path.startswith(organization.path)
        ):
            errors["member"] = _("%(name)s is not a member of %(org)s or of a cell under it.") % {
                "name": member.full_name,
                "org": organization.name,
            }
    elif commended_organization is not None and (
        commended_organization.pk == organization.pk
        or not commended_organization.path.startswith(organization.path)
    ):
        errors["commended_organization"] = _(
            "%(name)s is not under %(org)s: an organisation commends those below it."
        ) % {"name": commended_organization.name, "org": organization.name}
    if level not in CommendationLevel.values:
        errors["level"] = _("Choose the level of the commendation.")
    if not reason:
        errors["reason"] = _("Enter the reason for the commendation.")
    elif len(reason) > MAX_REASON_CHARS:
        errors["reason"] = _("The reason has at most %(n)s characters.") % {
            "n": f"{MAX_REASON_CHARS:,}".replace(",", ".")
        }
    _check_date(on, errors, what="commendation")
    _check_campaign(campaign, organization, errors)
    if errors or on is None:  # a missing date is among the errors
        raise ValidationError(errors)
    commendation = Commendation.objects.create(
        organization=organization,
        campaign=campaign,
        member=member,
        commended_organization=commended_organization,
        level=level,
        reason=reason,
        on=on,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=commendation,
        organization=organization,
        changes=diff({}, snapshot(commendation, _COMMENDATION_AUDITED)),
    )
    return commendation
