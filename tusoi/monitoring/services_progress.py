"""Recording difficulties and proposals, and writing progress reports (issue 6, items 4 and 5).

- A difficulty or proposal is recorded by `Action.EDIT_MEMBERS` over the organisation that
  raises it (the cell's secretary for a cell, committee staff for their subtree), for a campaign
  whose subtree holds the organisation; the same people may withdraw it.
- A progress report is a committee's official document: written by `Action.EDIT_ORGS` over the
  committee (its staff and administrators), never for a cell. It is generated for a cut-off date
  (not before the campaign starts, not in the future) with its figures as a snapshot; while a
  draft, its narrative is edited (an edit made on a stale page is refused, never silently
  overwritten) and its figures may be taken again; sending it to the parent committee makes it
  read-only.

`actor=None` is the system (the demo seed, tests). Every write is audited in its transaction."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tusoi.audit.models import AuditEvent
from tusoi.audit.services import audit_record, diff, snapshot
from tusoi.campaigns.models import Campaign, CampaignStatus
from tusoi.core.text import clean_multiline, clean_text
from tusoi.members.services import StaleEdit
from tusoi.monitoring.models_progress import (
    Difficulty,
    DifficultyCategory,
    DifficultyKind,
    ProgressReport,
    ProgressReportKind,
    ProgressReportStatus,
)
from tusoi.monitoring.selectors_progress import campaign_covers, progress_snapshot
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Action, scope_for

MAX_DIFFICULTY_CHARS = 4_000
MAX_NARRATIVE_CHARS = 30_000
NARRATIVE_FIELDS = ("situation", "results", "shortcomings", "directions")
HEADER_FIELDS = ("number_symbol", "signer_role", "signer_title", "signer_name", "recipients")
EDITABLE_FIELDS = (*HEADER_FIELDS, *NARRATIVE_FIELDS)
_SHORT_LIMITS = {"number_symbol": 60, "signer_role": 120, "signer_title": 120, "signer_name": 200}
_REPORT_AUDITED = ("kind", "cut_off", "status", *EDITABLE_FIELDS)
# Campaigns a committee may still report on: running, or closed and being summed up.
_REPORTABLE = (CampaignStatus.OPEN, CampaignStatus.CLOSED)


class StaleProgressReport(StaleEdit):
    """Someone else saved the progress report after this page was opened."""


# Difficulties and proposals ----------------------------------------------------------------------


def _require_record(actor: Any, org: Organization) -> None:
    if actor is None:
        return
    if not scope_for(actor).covers(Action.EDIT_MEMBERS, org.path):
        raise PermissionDenied(
            _("You may not record difficulties or proposals of %(org)s.") % {"org": org.name}
        )


@transaction.atomic
def difficulty_create(
    *,
    actor: Any,
    campaign: Campaign,
    organization: Organization,
    kind: str,
    text: str,
    category: str = "",
) -> Difficulty:
    """Record what the organisation raises: a difficulty (with its category) or a proposal."""
    _require_record(actor, organization)
    text = clean_multiline(text)
    errors: dict[str, str] = {}
    if kind not in DifficultyKind.values:
        errors["kind"] = _("Choose a difficulty or a proposal.")
    elif kind == DifficultyKind.DIFFICULTY and category not in DifficultyCategory.values:
        errors["category"] = _("Choose what the difficulty is about.")
    if kind == DifficultyKind.PROPOSAL:
        category = ""
    if not text:
        errors["text"] = _("Write the difficulty or proposal.")
    elif len(text) > MAX_DIFFICULTY_CHARS:
        errors["text"] = _("Write at most %(n)s characters.") % {"n": MAX_DIFFICULTY_CHARS}
    if not campaign_covers(campaign, organization):
        errors["campaign"] = _("This campaign does not cover %(org)s.") % {"org": organization.name}
    elif campaign.status not in _REPORTABLE:
        errors["campaign"] = _("The campaign is not running: nothing can be recorded for it.")
    if errors:
        raise ValidationError(errors)
    difficulty = Difficulty.objects.create(
        campaign=campaign,
        organization=organization,
        kind=kind,
        category=category,
        text=text,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=difficulty,
        organization=organization,
        changes=diff({}, snapshot(difficulty, ("kind", "category", "text", "campaign"))),
    )
    return difficulty


@transaction.atomic
def difficulty_delete(*, actor: Any, difficulty: Difficulty) -> None:
    """Withdraw a difficulty or proposal recorded by mistake (its text stays in the audit)."""
    _require_record(actor, difficulty.organization)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        target=difficulty,
        organization=difficulty.organization,
        changes=diff(snapshot(difficulty, ("kind", "category", "text", "campaign")), {}),
    )
    difficulty.delete()


# Progress reports ---------------------------------------------------------------------------------


def _require_write(actor: Any, org: Organization) -> None:
    if actor is None:
        return
    if not scope_for(actor).covers(Action.EDIT_ORGS, org.path):
        raise PermissionDenied(
            _("You may not write progress reports of %(org)s.") % {"org": org.name}
        )


def _defaults(org: Organization) -> dict[str, str]:
    """The header and signature a committee's report usually carries (in Vietnamese: the
    document is), for the committee to change."""
    with translation.override("vi"):
        parent = org.parent.name if org.parent is not None else ""
        recipients = [_("Office archive")]
        if parent:
            recipients.insert(
                0, _("The standing committee of %(parent)s (to report)") % {"parent": parent}
            )
        return {
            "signer_role": _("On behalf of the standing committee"),
            "signer_title": _("Party secretary"),
            "recipients": "\n".join(recipients),
        }


@transaction.atomic
def progress_report_create(
    *,
    actor: Any,
    campaign: Campaign,
    organization: Organization,
    kind: str,
    cut_off: datetime.date,
) -> ProgressReport:
    """A draft report of the committee for the cut-off date, its figures taken now."""
    _require_write(actor, organization)
    errors: dict[str, str] = {}
    if organization.kind.is_cell:
        errors["__all__"] = _("A cell sends no progress report; its committee does.")
    elif not campaign_covers(campaign, organization):
        errors["__all__"] = _("This campaign does not cover %(org)s.") % {"org": organization.name}
    elif campaign.status not in _REPORTABLE:
        errors["__all__"] = _("Reports are written on a running or closed campaign.")
    if kind not in ProgressReportKind.values:
        errors["kind"] = _("Choose an interim or a final review.")
    today = timezone.localdate()
    if not cut_off:
        errors["cut_off"] = _("Enter the date the figures are taken at.")
    elif cut_off > today:
        errors["cut_off"] = _("The figures cannot be taken at a future date.")
    elif cut_off < campaign.starts_on:
        errors["cut_off"] = _("The campaign had not started on %(day)s.") % {
            "day": cut_off.strftime("%d/%m/%Y")
        }
    if errors:
        raise ValidationError(errors)
    if ProgressReport.objects.filter(
        campaign=campaign, organization=organization, kind=kind, cut_off=cut_off
    ).exists():
        raise ValidationError(
            {
                "cut_off": _(
                    "This committee already has a report of this kind with this cut-off date."
                )
            }
        )
    try:
        with transaction.atomic():
            report = ProgressReport.objects.create(
                campaign=campaign,
                organization=organization,
                kind=kind,
                cut_off=cut_off,
                figures=progress_snapshot(campaign, organization, cut_off),
                generated_at=timezone.now(),
                created_by=actor if getattr(actor, "pk", None) else None,
                **_defaults(organization),
            )
    except IntegrityError:  # the same report created at the same moment (a double click)
        raise ValidationError(
            {
                "cut_off": _(
                    "This committee already has a report of this kind with this cut-off date."
                )
            }
        ) from None
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=report,
        organization=organization,
        changes=diff({}, snapshot(report, ("kind", "cut_off"))),
    )
    return report


def _clean_fields(fields: dict[str, Any]) -> dict[str, str]:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    cleaned: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name, value in fields.items():
        if name in _SHORT_LIMITS:
            cleaned[name] = clean_text(value)
            if len(cleaned[name]) > _SHORT_LIMITS[name]:
                errors[name] = _("Enter at most %(n)s characters.") % {"n": _SHORT_LIMITS[name]}
        else:
            cleaned[name] = clean_multiline(value)
            if len(cleaned[name]) > MAX_NARRATIVE_CHARS:
                errors[name] = _("Write at most %(n)s characters.") % {"n": MAX_NARRATIVE_CHARS}
    if errors:
        raise ValidationError(errors)
    return cleaned


def _locked(report: ProgressReport, actor: Any, expected_version: int) -> ProgressReport:
    """The report's row, locked; refused when it was sent or changed since the page was read."""
    current = (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("campaign", "campaign__organization", "organization", "organization__kind")
        .get(pk=report.pk)
    )
    _require_write(actor, current.organization)
    if current.status != ProgressReportStatus.DRAFT:
        raise ValidationError(
            _("This report was sent to the committee above and can no longer be changed.")
        )
    if current.version != expected_version:
        raise StaleProgressReport(
            _(
                "Someone else changed this report after you opened it. Nothing was saved; "
                "what you typed is kept below."
            )
        )
    return current


def _apply(current: ProgressReport, fields: dict[str, Any]) -> dict[str, Any]:
    before = snapshot(current, EDITABLE_FIELDS)
    for name, value in _clean_fields(fields).items():
        setattr(current, name, value)
    return diff(before, snapshot(current, EDITABLE_FIELDS))


def _save(
    current: ProgressReport, actor: Any, changes: dict[str, Any], note: str = ""
) -> ProgressReport:
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        target=current,
        organization=current.organization,
        changes=changes,
        note=note,
    )
    return current


@transaction.atomic
def progress_report_update(
    *, actor: Any, report: ProgressReport, expected_version: int, **fields: Any
) -> ProgressReport:
    """Save the narrative and header typed on version `expected_version` of a draft."""
    current = _locked(report, actor, expected_version)
    changes = _apply(current, fields)
    if not changes:
        return current
    return _save(current, actor, changes)


@transaction.atomic
def progress_report_regenerate(
    *, actor: Any, report: ProgressReport, expected_version: int, **fields: Any
) -> ProgressReport:
    """Take the draft's figures again for its cut-off date (saving what was typed with it)."""
    current = _locked(report, actor, expected_version)
    changes = _apply(current, fields)
    current.figures = progress_snapshot(current.campaign, current.organization, current.cut_off)
    current.generated_at = timezone.now()
    return _save(current, actor, changes, note="figures taken again")


@transaction.atomic
def progress_report_submit(
    *, actor: Any, report: ProgressReport, expected_version: int, **fields: Any
) -> ProgressReport:
    """Send the draft (with what was typed on the page) to the parent committee; from then on
    it is read-only. A report sent upward carries its number, its four parts and its signer."""
    current = _locked(report, actor, expected_version)
    changes = _apply(current, fields)
    errors: dict[str, str] = {}
    if not current.number_symbol:
        errors["number_symbol"] = _("Enter the report's number and symbol, e.g. 15-BC/ĐU.")
    if not current.signer_name:
        errors["signer_name"] = _("Enter who signs the report.")
    for name in NARRATIVE_FIELDS:
        if not getattr(current, name):
            errors[name] = _("Write this part of the report before sending it.")
    if errors:
        raise ValidationError(errors)
    current.status = ProgressReportStatus.SUBMITTED
    current.submitted_at = timezone.now()
    current.submitted_by = actor if getattr(actor, "pk", None) else None
    changes["status"] = [ProgressReportStatus.DRAFT, ProgressReportStatus.SUBMITTED]
    return _save(current, actor, changes, note="sent to the committee above")
