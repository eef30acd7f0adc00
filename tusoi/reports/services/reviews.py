"""Writing self-review reports: open, save (every save a revision, stale saves refused and kept
aside), submit, return, accept, proxy entry and confirmation, .docx and scan uploads, commitments
and their progress, reminders. Every write is atomic; state changes are dated and audited.

Rules enforced here (issue 4, DOMAIN.md):
- a report is one per member and campaign, from the template `template_for` picks;
- the writer edits while the report is a draft or returned, and only while the campaign is open;
- a save based on an older version is refused with StaleReport, and its text is kept as a
  CONFLICT revision, so nothing typed is ever lost or silently overwritten;
- submitting needs the campaign's period and the template's required sections; a submission after
  the due date is marked late; a submitted report is read-only to its writer;
- the cell's secretary returns (with a reason) or accepts, enters a report on a member's behalf
  (saying why), and the member may confirm such a report later.
"""

import datetime
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from tusoi.audit.models import AuditEvent
from tusoi.audit.services import audit_record
from tusoi.campaigns.models import Campaign, CampaignStatus
from tusoi.core.events import publish
from tusoi.core.text import clean_multiline, clean_text, fold
from tusoi.documents import docx_to_text
from tusoi.members.models import Member, MemberStatus
from tusoi.members.services import StaleEdit
from tusoi.notifications.models import NotificationKind
from tusoi.notifications.services import notify
from tusoi.reports.models import (
    EDITABLE_STATUSES,
    Assessment,
    Commitment,
    CommitmentProgress,
    CommitmentStatus,
    ReportRevision,
    ReportSource,
    ReportStateChange,
    ReportStatus,
    RevisionKind,
    SelfReview,
    TemplateSection,
)
from tusoi.reports.selectors import checklist_items, template_effective_sections, template_for
from tusoi.reports.selectors.reviews import (
    EXCLUDED_STATUSES,
    can_review,
    is_writer,
    members_without_counted_report,
)
from tusoi.reports.services.copies import report_copy_check

MAX_COMMITMENTS = 50
MAX_COMMITMENT_CHARS = 2000
MAX_NOTE_CHARS = 2000
MAX_REPORT_CHARS = 200_000
MAX_REASON_CHARS = 500
SCAN_TYPES = {
    b"%PDF-": ("application/pdf", ".pdf"),
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
}


class StaleReport(StaleEdit):
    """The report was saved elsewhere (another tab or device) after this text was loaded.
    `current` is the report as it is now; `kept` the revision holding the refused text."""

    def __init__(self, message: str, *, current: SelfReview, kept: ReportRevision | None):
        super().__init__(message)
        self.current = current
        self.kept = kept


# Content --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CleanContent:
    content: dict[str, Any]
    full_text: str


def empty_content() -> dict[str, Any]:
    return {"sections": {}, "checklist": {}, "commitments": []}


def _too_long(heading: str, length: int, limit: int) -> str:
    return _("“%(section)s” is %(n)s characters long; at most %(max)s are allowed.") % {
        "section": heading,
        "n": f"{length:,}".replace(",", "."),
        "max": f"{limit:,}".replace(",", "."),
    }


def _clean_date(value: Any) -> str:
    """An ISO date string, from ISO or dd/mm/yyyy; raises ValueError."""
    if value in (None, ""):
        return ""
    text = str(value).strip()
    day = parse_date(text) if "-" in text else None
    if day is None and "/" in text:
        parts = text.split("/")
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            day = datetime.date(int(parts[2]), int(parts[1]), int(parts[0]))
    if day is None:
        raise ValueError(text)
    return day.isoformat()


def content_clean(sections: list[TemplateSection], raw: Mapping[str, Any] | None) -> CleanContent:
    """Validate and normalise what a writer sends against the template: known sections and
    checklist items only, texts NFC within their length bounds, commitments well formed.
    Raises ValidationError naming each bad place; nothing is saved then."""
    raw = raw if isinstance(raw, Mapping) else {}
    errors: dict[str, list[str]] = {}
    by_key = {s.key: s for s in sections}
    items = checklist_items(sections)
    out = empty_content()

    raw_sections = raw.get("sections") or {}
    if not isinstance(raw_sections, Mapping):
        raw_sections = {}
    for key, value in raw_sections.items():
        section = by_key.get(key)
        if section is None or section.kind != TemplateSection.Kind.TEXT:
            errors.setdefault("sections", []).append(
                _("The report has no text section “%(key)s”.") % {"key": key}
            )
            continue
        text = clean_multiline(value if isinstance(value, str) else str(value or ""))
        if len(text) > section.max_chars:
            errors.setdefault(f"sections.{key}", []).append(
                _too_long(section.heading, len(text), section.max_chars)
            )
            continue
        if text:
            out["sections"][key] = text

    raw_checklist = raw.get("checklist") or {}
    if not isinstance(raw_checklist, Mapping):
        raw_checklist = {}
    for key, answers in raw_checklist.items():
        section = by_key.get(key)
        if section is None or section.kind != TemplateSection.Kind.CHECKLIST:
            errors.setdefault("checklist", []).append(
                _("The report has no checklist “%(key)s”.") % {"key": key}
            )
            continue
        known = {item.code for item in items.get(section.reference_list_id, [])}
        kept: dict[str, dict[str, str]] = {}
        for code, entry in (answers or {}).items() if isinstance(answers, Mapping) else []:
            if code not in known:
                errors.setdefault(f"checklist.{key}", []).append(
                    _("“%(section)s” has no item numbered %(code)s.")
                    % {"section": section.heading, "code": code}
                )
                continue
            entry = entry if isinstance(entry, Mapping) else {}
            answer = str(entry.get("answer") or "")
            note = clean_multiline(str(entry.get("note") or ""))
            if answer and answer not in Assessment.values:
                errors.setdefault(f"checklist.{key}", []).append(
                    _("Item %(code)s of “%(section)s”: choose one of the offered answers.")
                    % {"code": code, "section": section.heading}
                )
                continue
            if len(note) > MAX_NOTE_CHARS:
                errors.setdefault(f"checklist.{key}", []).append(
                    _too_long(f"{section.heading} – {code}", len(note), MAX_NOTE_CHARS)
                )
                continue
            if answer or note:
                kept[code] = {"answer": answer, "note": note}
        if kept:
            out["checklist"][key] = kept

    raw_commitments = raw.get("commitments") or []
    if not isinstance(raw_commitments, list):
        raw_commitments = []
    if len(raw_commitments) > MAX_COMMITMENTS:
        errors.setdefault("commitments", []).append(
            _("At most %(n)d commitments are allowed.") % {"n": MAX_COMMITMENTS}
        )
    seen_keys: set[str] = set()
    for number, entry in enumerate(raw_commitments[:MAX_COMMITMENTS], start=1):
        entry = entry if isinstance(entry, Mapping) else {}
        what = clean_multiline(str(entry.get("what") or ""))
        measure = clean_multiline(str(entry.get("measure") or ""))
        try:
            due_on = _clean_date(entry.get("due_on"))
        except ValueError:
            errors.setdefault("commitments", []).append(
                _("Commitment %(n)d: the date “%(value)s” is not a date (dd/mm/yyyy).")
                % {"n": number, "value": str(entry.get("due_on"))[:30]}
            )
            continue
        if not (what or measure or due_on):
            continue  # an empty row the writer added and left
        if len(what) > MAX_COMMITMENT_CHARS or len(measure) > MAX_COMMITMENT_CHARS:
            errors.setdefault("commitments", []).append(
                _("Commitment %(n)d is longer than %(max)d characters.")
                % {"n": number, "max": MAX_COMMITMENT_CHARS}
            )
            continue
        key = clean_text(str(entry.get("key") or ""))[:40] or uuid.uuid4().hex[:12]
        if key in seen_keys or key.startswith("meeting-"):  # "meeting-" keys: meeting comments
            key = uuid.uuid4().hex[:12]
        seen_keys.add(key)
        out["commitments"].append({"key": key, "what": what, "due_on": due_on, "measure": measure})

    if errors:
        raise ValidationError(errors)
    full_text = content_text(sections, out)
    if len(full_text) > MAX_REPORT_CHARS:
        raise ValidationError(
            _("The report is %(n)s characters long; at most %(max)s are allowed.")
            % {"n": len(full_text), "max": MAX_REPORT_CHARS}
        )
    return CleanContent(content=out, full_text=full_text)


def content_text(sections: list[TemplateSection], content: Mapping[str, Any]) -> str:
    """The writer's own words in template order (no headings or guidance: those are the
    template's, and copy detection must not see them as shared text)."""
    parts: list[str] = []
    texts = content.get("sections", {})
    checklist = content.get("checklist", {})
    for section in sections:
        if section.kind == TemplateSection.Kind.TEXT and texts.get(section.key):
            parts.append(texts[section.key])
        elif section.kind == TemplateSection.Kind.CHECKLIST:
            parts.extend(
                entry["note"] for entry in checklist.get(section.key, {}).values() if entry["note"]
            )
    parts.extend(
        "\n".join(p for p in (c["what"], c.get("measure", "")) if p)
        for c in content.get("commitments", [])
    )
    return "\n\n".join(parts)


def submit_problems(
    report: SelfReview, sections: list[TemplateSection], content: Mapping[str, Any]
) -> list[str]:
    """What keeps the report from being submitted, as sentences for the writer."""
    problems: list[str] = []
    from_file = report.source in (ReportSource.DOCX, ReportSource.SCAN) and report.original_file
    if from_file:
        # A handwritten or uploaded report follows the paper's own layout: its text is what
        # counts, the per-section bounds do not apply.
        if not report.full_text.strip():
            problems.append(_("Type or paste the text of the uploaded report first."))
        return problems
    texts = content.get("sections", {})
    checklist = content.get("checklist", {})
    items = checklist_items(sections)
    for section in sections:
        if section.kind == TemplateSection.Kind.TEXT:
            text = texts.get(section.key, "")
            if section.required and not text:
                problems.append(_("“%(section)s” is empty.") % {"section": section.heading})
            elif text and len(text) < section.min_chars:
                problems.append(
                    _("“%(section)s” is %(n)d characters long; write at least %(min)d.")
                    % {"section": section.heading, "n": len(text), "min": section.min_chars}
                )
        elif section.kind == TemplateSection.Kind.CHECKLIST and section.required:
            answered = {c for c, e in checklist.get(section.key, {}).items() if e.get("answer")}
            missing = [
                i.code for i in items.get(section.reference_list_id, []) if i.code not in answered
            ]
            if missing:
                problems.append(
                    _("“%(section)s”: answer items %(codes)s.")
                    % {
                        "section": section.heading,
                        "codes": ", ".join(missing[:12]) + ("…" if len(missing) > 12 else ""),
                    }
                )
        elif (
            section.kind == TemplateSection.Kind.COMMITMENTS
            and section.required
            and not any(c.get("what") for c in content.get("commitments", []))
        ):
            problems.append(
                _("“%(section)s”: write at least one commitment.") % {"section": section.heading}
            )
    return problems


# Opening ----------------------------------------------------------------------------------------


def _check_member_in_campaign(member: Member, campaign: Campaign) -> None:
    if not member.cell.path.startswith(campaign.organization.path):
        raise ValidationError(_("This member's cell is outside the campaign."))
    if member.merged_into_id or member.status == MemberStatus.LEFT:
        raise ValidationError(_("This person is no longer a member here."))
    if member.status in EXCLUDED_STATUSES:
        raise ValidationError(
            _(
                "%(name)s is exempt from party activity or temporarily transferred out, and "
                "is not asked to write a report in this campaign."
            )
            % {"name": member.full_name}
        )


def report_open(*, member: Member, campaign: Campaign, actor: Any) -> SelfReview:
    """The member's report for the campaign, started as an empty draft from the right
    template on first opening. Only the writer or the cell's secretary opens one."""
    existing = SelfReview.objects.filter(member=member, campaign=campaign).first()
    if existing is not None:
        return existing
    if not (getattr(actor, "member_id", None) == member.pk or _reviews_cell(actor, member)):
        raise PermissionDenied(_("Only the member or the cell's secretary can start this report."))
    if campaign.status != CampaignStatus.OPEN:
        raise ValidationError(_("The campaign is not open; no new report can be started."))
    _check_member_in_campaign(member, campaign)
    template = template_for(member, campaign)
    if template is None:
        raise ValidationError(
            _(
                "The campaign has no report template for this member yet; ask the committee "
                "that issued it to create the templates."
            )
        )
    with transaction.atomic():
        report, created = SelfReview.objects.get_or_create(
            member=member,
            campaign=campaign,
            defaults={"template": template, "content": empty_content()},
        )
        if created:
            ReportStateChange.objects.create(
                report=report, status=ReportStatus.DRAFT, at=timezone.now(), by=_user(actor)
            )
    return report


def _reviews_cell(actor: Any, member: Member) -> bool:
    from tusoi.orgs.permissions import Action, scope_for

    return scope_for(actor).covers(Action.REVIEW_REPORTS, member.cell.path)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _lock(report: SelfReview) -> SelfReview:
    locked = (
        SelfReview.objects.select_for_update(of=("self",))
        .select_related("campaign", "campaign__organization", "member", "member__cell", "template")
        .get(pk=report.pk)
    )
    return locked


def _next_revision_number(report: SelfReview) -> int:
    return (report.revisions.aggregate(n=Max("number"))["n"] or 0) + 1


def _check_campaign_open(report: SelfReview) -> None:
    if report.campaign.status != CampaignStatus.OPEN:
        raise ValidationError(
            _("The campaign is %(status)s: its reports can no longer be changed.")
            % {"status": report.campaign.get_status_display().lower()}
        )


def _check_can_edit(report: SelfReview, actor: Any) -> bool:
    """Raises unless `actor` may change the text now; returns True for a proxy edit."""
    _check_campaign_open(report)
    if report.status not in EDITABLE_STATUSES:
        raise ValidationError(
            _("The report is %(status)s and can no longer be changed by its writer.")
            % {"status": report.get_status_display().lower()}
        )
    if is_writer(actor, report):
        return False
    if can_review(actor, report):
        return True
    raise PermissionDenied(_("You may not change this report."))


def _stale_message(current: SelfReview, kept: ReportRevision) -> str:
    when = timezone.localtime(current.updated_at).strftime("%H:%M %d/%m/%Y")
    return _(
        "This report was saved elsewhere (another tab or device) at %(when)s, after you opened "
        "it. Your text was not lost: it is kept as revision %(number)d. Reload to see the latest "
        "version, then restore yours if you want it."
    ) % {"when": when, "number": kept.number}


def _keep_conflict(
    report: SelfReview, actor: Any, content: Mapping[str, Any], base_version: int
) -> ReportRevision:
    return ReportRevision.objects.create(
        report=report,
        number=_next_revision_number(report),
        kind=RevisionKind.CONFLICT,
        content=dict(content),
        char_count=0,
        based_on_version=base_version,
        saved_by=_user(actor),
    )


def report_save(
    *,
    report: SelfReview,
    actor: Any,
    content: Mapping[str, Any],
    base_version: int,
    kind: str = RevisionKind.SAVE,
    proxy_reason: str = "",
) -> SelfReview:
    """Save the writer's whole content as a new version and revision. A save based on an older
    version raises StaleReport after keeping the text as a CONFLICT revision (that revision is
    committed even though the save is refused)."""
    sections = template_effective_sections(report.template)
    cleaned = content_clean(sections, content)
    stale: StaleReport | None = None
    with transaction.atomic():
        report = _lock(report)
        proxy = _check_can_edit(report, actor)
        if base_version != report.version:
            kept = _keep_conflict(report, actor, cleaned.content, base_version)
            message = _stale_message(report, kept)
            stale = StaleReport(message, current=report, kept=kept)
        else:
            reason = clean_text(proxy_reason)[:MAX_REASON_CHARS]
            if proxy and not (reason or report.proxy_reason):
                raise ValidationError(
                    {"proxy_reason": [_("Say why you are entering this member's report.")]}
                )
            _apply(
                report,
                actor,
                cleaned,
                kind=RevisionKind.PROXY if proxy else kind,
                base_version=base_version,
            )
            if proxy:
                newly = report.entered_by_id is None
                report.entered_by = actor
                report.proxy_reason = reason or report.proxy_reason
                report.confirmed_at = None
                report.save(update_fields=["entered_by", "proxy_reason", "confirmed_at"])
                if newly:
                    audit_record(
                        actor=actor,
                        action=AuditEvent.Action.UPDATE,
                        target=report,
                        organization=report.member.cell,
                        changes={"entered_by": [None, str(actor)]},
                        note=report.proxy_reason,
                    )
    if stale is not None:
        raise stale
    return report


def _apply(
    report: SelfReview, actor: Any, cleaned: CleanContent, *, kind: str, base_version: int
) -> ReportRevision:
    report.content = cleaned.content
    report.full_text = cleaned.full_text
    report.char_count = len(cleaned.full_text)
    report.version += 1
    report.save(update_fields=["content", "full_text", "char_count", "version", "updated_at"])
    return ReportRevision.objects.create(
        report=report,
        number=_next_revision_number(report),
        kind=kind,
        content=cleaned.content,
        char_count=report.char_count,
        based_on_version=base_version,
        saved_by=_user(actor),
    )


def report_restore(
    *, report: SelfReview, actor: Any, revision: ReportRevision, base_version: int
) -> SelfReview:
    """Make an earlier revision (a conflict kept aside included) the current text, as a new
    revision: restoring never deletes what was there."""
    if revision.report_id != report.pk:
        raise ValidationError(_("That revision belongs to another report."))
    report = report_save(
        report=report,
        actor=actor,
        content=revision.content,
        base_version=base_version,
        kind=RevisionKind.RESTORE,
    )
    return report


# Workflow --------------------------------------------------------------------------------------


def _state(report: SelfReview, status: str, actor: Any, note: str = "") -> None:
    before = report.status
    report.status = status
    ReportStateChange.objects.create(
        report=report, status=status, at=timezone.now(), by=_user(actor), note=note
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.STATUS,
        target=report,
        organization=report.member.cell,
        changes={"status": [before, status]},
        note=note[:500],
    )


def _check_period(campaign: Campaign, today: datetime.date) -> None:
    if today < campaign.starts_on:
        raise ValidationError(
            _("The campaign starts on %(day)s; reports can be submitted from then.")
            % {"day": campaign.starts_on.strftime("%d/%m/%Y")}
        )
    if today > campaign.ends_on:
        raise ValidationError(
            _("The campaign ended on %(day)s; reports can no longer be submitted.")
            % {"day": campaign.ends_on.strftime("%d/%m/%Y")}
        )


def report_submit(*, report: SelfReview, actor: Any, base_version: int | None = None) -> SelfReview:
    """Draft → submitted, or returned → resubmitted. Refused (the draft untouched) outside the
    campaign's period, with required parts missing, or when the text changed elsewhere."""
    today = timezone.localdate()
    with transaction.atomic():
        report = _lock(report)
        _check_can_edit(report, actor)
        if base_version is not None and base_version != report.version:
            raise StaleReport(
                _(
                    "This report was changed elsewhere after you opened it; reload it, check "
                    "the text and submit again."
                ),
                current=report,
                kept=None,
            )
        _check_period(report.campaign, today)
        sections = template_effective_sections(report.template)
        problems = submit_problems(report, sections, report.content)
        if problems:
            raise ValidationError(problems)
        now = timezone.now()
        first = report.first_submitted_at is None
        new_status = (
            ReportStatus.RESUBMITTED
            if report.status == ReportStatus.RETURNED
            else ReportStatus.SUBMITTED
        )
        if first:
            report.first_submitted_at = now
            report.submitted_late = today > report.campaign.due_on
        report.submitted_at = now
        _state(report, new_status, actor)
        report.save(
            update_fields=[
                "status",
                "first_submitted_at",
                "submitted_at",
                "submitted_late",
                "updated_at",
            ]
        )
        publish("cells_changed", cell_ids=[report.member.cell_id], campaign_id=report.campaign_id)
        ReportRevision.objects.create(
            report=report,
            number=_next_revision_number(report),
            kind=RevisionKind.SUBMIT,
            content=report.content,
            char_count=report.char_count,
            based_on_version=report.version,
            saved_by=_user(actor),
        )
        _sync_commitments(report)
        if report.entered_by_id is not None and not is_writer(actor, report):
            proxy_notify_member(report=report, actor=actor)
        # Every submission is checked for copying and indexed (issue 7), incrementally.
        report_copy_check(report=report, index=True)
    return report


def _sync_commitments(report: SelfReview) -> None:
    """Commitment rows follow the submitted plan, matched by key: a resubmission updates the
    rows (their progress stays), adds new ones and drops those the writer removed."""
    wanted = report.content.get("commitments", [])
    existing = {c.key: c for c in report.commitments.all()}
    keep: set[str] = set()
    to_create: list[Commitment] = []
    to_update: list[Commitment] = []
    for position, entry in enumerate(wanted):
        due = parse_date(entry["due_on"]) if entry.get("due_on") else None
        row = existing.get(entry["key"])
        keep.add(entry["key"])
        if row is None:
            to_create.append(
                Commitment(
                    report=report,
                    member=report.member,
                    key=entry["key"],
                    position=position,
                    what=entry["what"],
                    due_on=due,
                    measure=entry.get("measure", ""),
                )
            )
        else:
            row.position, row.what, row.due_on = position, entry["what"], due
            row.measure = entry.get("measure", "")
            to_update.append(row)
    Commitment.objects.bulk_create(to_create)
    Commitment.objects.bulk_update(to_update, ["position", "what", "due_on", "measure"])
    # Commitments made from meeting comments (meetings app, key "meeting-<comment id>") are not
    # part of the typed plan: a resubmission keeps them.
    report.commitments.exclude(key__in=keep).exclude(key__startswith="meeting-").delete()


def _decide(report: SelfReview, actor: Any) -> SelfReview:
    report = _lock(report)
    if not can_review(actor, report):
        raise PermissionDenied(_("Only the cell's secretary can return or accept a report."))
    _check_campaign_open(report)
    if report.status not in (ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED):
        raise ValidationError(
            _("Only a submitted report can be returned or accepted; this one is %(status)s.")
            % {"status": report.get_status_display().lower()}
        )
    return report


def _notify_writer(report: SelfReview, *, kind: str, title: str, body: str, actor: Any) -> None:
    from tusoi.accounts.models import User

    account = User.objects.filter(member=report.member, is_active=True).first()
    if account is not None:
        notify(
            user=account,
            kind=kind,
            title=title,
            body=body,
            url=reverse("reports:report", args=[report.pk]),
            sent_by=actor,
        )


def report_return(*, report: SelfReview, actor: Any, reason: str) -> SelfReview:
    """Submitted → returned, with the reason the writer reads; the writer is notified."""
    reason = clean_multiline(reason)
    if not reason:
        raise ValidationError({"reason": [_("Say why the report is returned.")]})
    if len(reason) > MAX_NOTE_CHARS:
        raise ValidationError({"reason": [_too_long(_("Reason"), len(reason), MAX_NOTE_CHARS)]})
    with transaction.atomic():
        report = _decide(report, actor)
        report.returned_reason = reason
        report.decided_by = actor
        report.decided_at = timezone.now()
        _state(report, ReportStatus.RETURNED, actor, note=reason)
        report.save(
            update_fields=["status", "returned_reason", "decided_by", "decided_at", "updated_at"]
        )
        publish("cells_changed", cell_ids=[report.member.cell_id], campaign_id=report.campaign_id)
        _notify_writer(
            report,
            kind=NotificationKind.REPORT_RETURNED,
            title=_("Your report for “%(campaign)s” was returned")
            % {"campaign": report.campaign.title},
            body=reason,
            actor=actor,
        )
    return report


def report_accept(*, report: SelfReview, actor: Any) -> SelfReview:
    with transaction.atomic():
        report = _decide(report, actor)
        report.decided_by = actor
        report.decided_at = timezone.now()
        _state(report, ReportStatus.ACCEPTED, actor)
        report.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        publish("cells_changed", cell_ids=[report.member.cell_id], campaign_id=report.campaign_id)
        _notify_writer(
            report,
            kind=NotificationKind.REPORT_ACCEPTED,
            title=_("Your report for “%(campaign)s” was accepted")
            % {"campaign": report.campaign.title},
            body="",
            actor=actor,
        )
    return report


def report_confirm(*, report: SelfReview, actor: Any) -> SelfReview:
    """The member confirms a report their secretary entered on their behalf."""
    with transaction.atomic():
        report = _lock(report)
        if not is_writer(actor, report):
            raise PermissionDenied(_("Only the member can confirm their own report."))
        if report.entered_by_id is None:
            raise ValidationError(_("This report was written by you; there is nothing to confirm."))
        if report.confirmed_at is not None:
            return report
        report.confirmed_at = timezone.now()
        report.save(update_fields=["confirmed_at", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=report,
            organization=report.member.cell,
            changes={"confirmed_at": [None, report.confirmed_at]},
        )
    return report


def proxy_notify_member(*, report: SelfReview, actor: Any) -> None:
    """Tell the member a report was entered for them and can be confirmed."""
    _notify_writer(
        report,
        kind=NotificationKind.REPORT_PROXY,
        title=_("Your report for “%(campaign)s” was entered on your behalf")
        % {"campaign": report.campaign.title},
        body=_("Entered by %(who)s: %(reason)s. Read it and confirm it if it is right.")
        % {"who": actor.get_full_name() or actor.username, "reason": report.proxy_reason},
        actor=actor,
    )


# Files ---------------------------------------------------------------------------------------


def _check_size(data: bytes) -> None:
    limit = settings.TUSOI_UPLOAD_MAX_BYTES
    if len(data) > limit:
        raise ValidationError(
            _("The file is %(size)s MB; files up to %(max)s MB are accepted.")
            % {"size": round(len(data) / 1048576, 1), "max": round(limit / 1048576)}
        )
    if not data:
        raise ValidationError(_("The file is empty."))


def docx_to_sections(text: str, sections: list[TemplateSection]) -> dict[str, str]:
    """Split an uploaded report's text into the template's text sections by their headings
    (compared without accents, case or numbering); text before any heading, or a file with no
    recognisable heading, goes to the first text section."""
    text_sections = [s for s in sections if s.kind == TemplateSection.Kind.TEXT]
    if not text_sections:
        return {}
    targets = [(fold(_strip_numbering(s.heading)), s.key) for s in text_sections]
    current = text_sections[0].key
    collected: dict[str, list[str]] = {}
    for line in text.split("\n"):
        folded = fold(_strip_numbering(line))
        matched = next(
            (
                key
                for heading, key in targets
                if heading
                and folded
                and (
                    folded == heading
                    or (folded.startswith(heading) and len(folded) - len(heading) < 4)
                )
            ),
            None,
        )
        if matched:
            current = matched
            continue
        collected.setdefault(current, []).append(line)
    return {
        key: clean_multiline("\n".join(lines))
        for key, lines in collected.items()
        if clean_multiline("\n".join(lines))
    }


def _strip_numbering(line: str) -> str:
    return re.sub(
        r"^\s*(?:[IVXLC]+|\d+|[a-zđ])[.)]\s*", "", line.strip(), flags=re.IGNORECASE
    ).rstrip(" :.")


def report_upload_docx(
    *,
    report: SelfReview,
    actor: Any,
    data: bytes,
    filename: str,
    base_version: int,
    proxy_reason: str = "",
) -> SelfReview:
    """Take the text of an uploaded .docx into the report's sections (so it counts and is
    checked like typed text) and keep the file. Not a .docx: a clear message, nothing saved."""
    _check_size(data)
    try:
        text = docx_to_text(data)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    if not text.strip():
        raise ValidationError(_("The document has no text."))
    sections = template_effective_sections(report.template)
    content = dict(report.content or empty_content())
    content["sections"] = {**content.get("sections", {}), **docx_to_sections(text, sections)}
    report = report_save(
        report=report,
        actor=actor,
        content=content,
        base_version=base_version,
        kind=RevisionKind.UPLOAD,
        proxy_reason=proxy_reason,
    )
    with transaction.atomic():
        report = _lock(report)
        report.source = ReportSource.DOCX
        report.original_name = clean_text(filename)[:200]
        report.original_file.save(f"report-{report.pk}.docx", ContentFile(data), save=False)
        report.save(update_fields=["source", "original_name", "original_file", "updated_at"])
    return report


def scan_kind(data: bytes) -> tuple[str, str] | None:
    for magic, kind in SCAN_TYPES.items():
        if data.startswith(magic):
            return kind
    return None


def report_attach_scan(
    *, report: SelfReview, actor: Any, data: bytes, filename: str, proxy_reason: str = ""
) -> SelfReview:
    """Keep the scan of a handwritten report (PDF, JPEG or PNG); its text is then typed or
    pasted into the report by the secretary or the member."""
    _check_size(data)
    kind = scan_kind(data)
    if kind is None:
        raise ValidationError(_("The scan must be a PDF, JPEG or PNG file."))
    with transaction.atomic():
        report = _lock(report)
        proxy = _check_can_edit(report, actor)
        reason = clean_text(proxy_reason)[:MAX_REASON_CHARS]
        if proxy and not (reason or report.proxy_reason):
            raise ValidationError(
                {"proxy_reason": [_("Say why you are entering this member's report.")]}
            )
        report.source = ReportSource.SCAN
        report.original_name = clean_text(filename)[:200]
        report.original_file.save(f"report-{report.pk}{kind[1]}", ContentFile(data), save=False)
        fields = ["source", "original_name", "original_file", "updated_at"]
        if proxy:
            report.entered_by = actor
            report.proxy_reason = reason or report.proxy_reason
            fields += ["entered_by", "proxy_reason"]
        report.save(update_fields=fields)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=report,
            organization=report.member.cell,
            changes={"original_file": ["", report.original_name]},
            note=report.proxy_reason if proxy else "",
        )
    return report


# Commitments -----------------------------------------------------------------------------------


def commitment_progress_record(
    *,
    commitment: Commitment,
    actor: Any,
    status: str,
    note: str = "",
    on: datetime.date | None = None,
) -> Commitment:
    """The member or the cell's secretary records how a commitment is going."""
    if status not in CommitmentStatus.values:
        raise ValidationError({"status": [_("Choose one of the offered states.")]})
    note = clean_multiline(note)
    if len(note) > MAX_NOTE_CHARS:
        raise ValidationError({"note": [_too_long(_("Note"), len(note), MAX_NOTE_CHARS)]})
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": [_("The date cannot be in the future.")]})
    with transaction.atomic():
        commitment = (
            Commitment.objects.select_for_update(of=("self",))
            .select_related("member", "member__cell", "report")
            .get(pk=commitment.pk)
        )
        own = getattr(actor, "member_id", None) == commitment.member_id
        if not own and not _reviews_cell(actor, commitment.member):
            raise PermissionDenied(_("You may not record progress on this commitment."))
        before = commitment.status
        CommitmentProgress.objects.create(
            commitment=commitment, status=status, note=note, on=on, recorded_by=_user(actor)
        )
        commitment.status, commitment.progress_note, commitment.progress_on = status, note, on
        commitment.save(update_fields=["status", "progress_note", "progress_on", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=commitment,
            organization=commitment.member.cell,
            changes={"status": [before, status]},
            note=note[:500],
        )
    return commitment


# Reminders -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RemindResult:
    sent: int
    already_today: int
    no_account: int


def reports_remind(
    *, actor: Any, campaign: Campaign, cell: Any, member_ids: Iterable[int] | None = None
) -> RemindResult:
    """Remind the cell's members who have no counted report (optionally only some of them);
    at most one reminder a day per person."""
    from tusoi.accounts.models import User
    from tusoi.orgs.permissions import Action, scope_for

    if not scope_for(actor).covers(Action.REVIEW_REPORTS, cell.path):
        raise PermissionDenied(_("Only the cell's secretary can send reminders."))
    if campaign.status != CampaignStatus.OPEN:
        raise ValidationError(_("The campaign is not open."))
    members = members_without_counted_report(campaign, cell)
    if member_ids is not None:
        members = members.filter(pk__in=list(member_ids))
    member_list = list(members.values_list("pk", flat=True))
    accounts = list(
        User.objects.filter(member_id__in=member_list, is_active=True).select_related("member")
    )
    title = _("Reminder: your self-review report for “%(campaign)s”") % {"campaign": campaign.title}
    body = _("Please write and submit your report by %(day)s.") % {
        "day": campaign.due_on.strftime("%d/%m/%Y")
    }
    sent = 0
    with transaction.atomic():
        for account in accounts:
            if notify(
                user=account,
                kind=NotificationKind.REMINDER,
                title=title,
                body=body,
                url=reverse("reports:mine"),
                sent_by=actor,
            ):
                sent += 1
    return RemindResult(
        sent=sent,
        already_today=len(accounts) - sent,
        no_account=len(member_list) - len(accounts),
    )
