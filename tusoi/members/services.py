"""Changing the member registry: create, edit (no silent overwrite), status changes as dated
history, merging duplicates. Every write is audited in the same transaction."""

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tusoi.audit.models import AuditEvent
from tusoi.audit.services import audit_record, diff, snapshot
from tusoi.core.events import publish
from tusoi.core.text import clean_text, fold, vn_sort_key
from tusoi.members.models import (
    ChangeKind,
    DuplicateDismissal,
    Gender,
    LifeSituation,
    Member,
    MembershipPeriod,
    MemberStatus,
)
from tusoi.orgs.models import Organization

EDITABLE_FIELDS = (
    "card_number",
    "full_name",
    "birth_date",
    "gender",
    "citizen_id",
    "phone",
    "email",
    "admitted_on",
    "official_on",
    "job",
    "position",
    "is_leader",
    "life_situation",
    "works_away",
    "elderly_frail",
)
_AUDITED = (*EDITABLE_FIELDS, "cell", "status", "home_cell")
_TEXT_FIELDS = ("card_number", "full_name", "citizen_id", "phone", "email", "job", "position")


class StaleEdit(ValidationError):
    """Someone else saved the record after this form was opened."""


def today() -> datetime.date:
    return timezone.localdate()


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def member_validate(data: dict[str, Any], *, exclude_pk: int | None = None) -> dict[str, Any]:
    """Clean and check one member's fields; raise ValidationError naming every bad field."""
    data = dict(data)
    for name in _TEXT_FIELDS:
        if name in data:
            data[name] = clean_text(data.get(name))
    if "card_number" in data:
        data["card_number"] = data["card_number"].replace(" ", "")
    errors: dict[str, str] = {}
    for name in ("card_number", "full_name", "birth_date", "gender", "admitted_on"):
        if name in data and not data[name]:
            errors[name] = _("This field is required.")
    others = Member.objects.exclude(pk=exclude_pk) if exclude_pk else Member.objects.all()
    card = data.get("card_number")
    if card and not re.fullmatch(r"[0-9A-Za-z./-]{4,20}", card):
        errors["card_number"] = _("A party card number has 4 to 20 letters or digits.")
    elif card and others.filter(card_number=card).exists():
        errors["card_number"] = _("Party card number %(card)s belongs to another member.") % {
            "card": card
        }
    cid = data.get("citizen_id")
    if cid and not re.fullmatch(r"\d{9}|\d{12}", cid):
        errors["citizen_id"] = _("A citizen ID number has 12 digits (old cards: 9).")
    elif cid and others.filter(citizen_id=cid).exists():
        errors["citizen_id"] = _("This citizen ID number belongs to another member.")
    phone = data.get("phone")
    if phone and not re.fullmatch(r"\+?[0-9 .-]{8,20}", phone):
        errors["phone"] = _("Enter a phone number of 8 to 15 digits.")
    if data.get("gender") and data["gender"] not in Gender.values:
        errors["gender"] = _("Unknown gender.")
    if data.get("life_situation") and data["life_situation"] not in LifeSituation.values:
        errors["life_situation"] = _("Unknown life situation.")
    now = today()
    birth, admitted = data.get("birth_date"), data.get("admitted_on")
    official = data.get("official_on")
    if birth and birth > now:
        errors["birth_date"] = _("The date of birth is in the future.")
    if admitted and admitted > now:
        errors["admitted_on"] = _("The admission date is in the future.")
    elif birth and admitted and admitted < _add_years(birth, 18):
        errors["admitted_on"] = _("A member is admitted at 18 or older; check both dates.")
    if official and admitted and official < admitted:
        errors["official_on"] = _("The official date cannot be before admission.")
    if official and official > now:
        errors["official_on"] = _("The official date is in the future.")
    if errors:
        raise ValidationError(errors)
    return data


def _derived(member: Member) -> None:
    member.name_key = vn_sort_key(member.full_name)
    member.search_name = fold(member.full_name)


def _require_cell(cell: Organization) -> None:
    if not cell.kind.is_cell:
        raise ValidationError(
            {"cell": _("Members belong to cells; %(org)s is not a cell.") % {"org": cell}}
        )


@transaction.atomic
def member_create(
    *, actor: Any, cell: Organization, registered_on: datetime.date | None = None, **fields: Any
) -> Member:
    _require_cell(cell)
    data = member_validate(fields)
    member = Member(cell=cell, status=MemberStatus.ACTIVE, **data)
    _derived(member)
    start = registered_on or today()
    member.status_since = start
    member.save()
    MembershipPeriod.objects.create(
        member=member,
        cell=cell,
        status=MemberStatus.ACTIVE,
        valid_from=start,
        change=ChangeKind.REGISTERED,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=member,
        organization=cell,
        changes=diff({}, snapshot(member, _AUDITED)),
    )
    publish("cells_changed", cell_ids=[cell.pk])
    return member


@transaction.atomic
def member_update(*, actor: Any, member: Member, expected_version: int, **fields: Any) -> Member:
    """Save an edit made on version `expected_version`; refuse it if the record changed since."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    current = (
        Member.objects.select_for_update(of=("self",)).select_related("cell").get(pk=member.pk)
    )
    # Validate the record as it will be, so a partial edit is checked against stored values.
    merged = {name: getattr(current, name) for name in EDITABLE_FIELDS} | fields
    data = {k: v for k, v in member_validate(merged, exclude_pk=member.pk).items() if k in fields}
    if current.version != expected_version:
        raise StaleEdit(
            _(
                "Someone else changed this record after you opened it. Your changes were not "
                "saved; reload to see the current record, then enter them again."
            )
        )
    before = snapshot(current, _AUDITED)
    for name, value in data.items():
        setattr(current, name, value)
    _derived(current)
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
        organization=current.cell,
        changes=changes,
    )
    publish("cells_changed", cell_ids=[current.cell_id])
    return current


# change -> (statuses it may start from, status it leads to)
_TRANSITIONS: dict[str, tuple[set[str], str]] = {
    ChangeKind.EXEMPTED: ({MemberStatus.ACTIVE}, MemberStatus.EXEMPT),
    ChangeKind.EXEMPTION_ENDED: ({MemberStatus.EXEMPT}, MemberStatus.ACTIVE),
    ChangeKind.TRANSFERRED_OUT: ({MemberStatus.ACTIVE}, MemberStatus.TRANSFERRED_OUT),
    ChangeKind.RETURNED: ({MemberStatus.TRANSFERRED_OUT, MemberStatus.ACTIVE}, MemberStatus.ACTIVE),
    ChangeKind.TRANSFERRED_IN: ({MemberStatus.ACTIVE}, MemberStatus.ACTIVE),
    ChangeKind.MOVED: ({MemberStatus.ACTIVE, MemberStatus.EXEMPT}, ""),
    ChangeKind.LEFT: (
        {MemberStatus.ACTIVE, MemberStatus.EXEMPT, MemberStatus.TRANSFERRED_OUT},
        MemberStatus.LEFT,
    ),
}


@transaction.atomic
def member_change_status(
    *,
    actor: Any,
    member: Member,
    change: str,
    on: datetime.date,
    to_cell: Organization | None = None,
    reason: str = "",
) -> Member:
    """Record a dated change of status or cell. The open period closes on `on` and a new one
    starts, so figures computed for any earlier date stay as they were."""
    if change not in _TRANSITIONS:
        raise ValidationError({"change": _("This change cannot be recorded here.")})
    allowed_from, new_status = _TRANSITIONS[change]
    current = (
        Member.objects.select_for_update(of=("self",))
        .select_related("cell", "home_cell")
        .get(pk=member.pk)
    )
    open_period = current.periods.select_for_update().get(valid_to__isnull=True)
    errors: dict[str, str] = {}
    if current.status not in allowed_from:
        errors["change"] = _("This change does not apply to a member who is %(status)s.") % {
            "status": current.get_status_display().lower()
        }
    away = current.status != MemberStatus.ACTIVE or current.home_cell_id
    if change == ChangeKind.RETURNED and not away:
        errors["change"] = _("This member is not away from their home cell.")
    if on < open_period.valid_from:
        errors["on"] = _("The date is before the member's current status began (%(day)s).") % {
            "day": open_period.valid_from.strftime("%d/%m/%Y")
        }
    if on > today():
        errors["on"] = _("The date is in the future.")
    if change in (ChangeKind.MOVED, ChangeKind.TRANSFERRED_IN):
        if to_cell is None:
            errors["to_cell"] = _("Choose the cell the member goes to.")
        elif not to_cell.kind.is_cell:
            errors["to_cell"] = _("Members belong to cells; %(org)s is not a cell.") % {
                "org": to_cell
            }
        elif to_cell.pk == current.cell_id:
            errors["to_cell"] = _("The member is already in this cell.")
    if errors:
        raise ValidationError(errors)

    before = snapshot(current, _AUDITED)
    home = current.home_cell
    if change == ChangeKind.MOVED and to_cell is not None:
        current.cell = to_cell
        current.home_cell = None
    elif change == ChangeKind.TRANSFERRED_IN and to_cell is not None:
        current.home_cell = home or current.cell
        current.cell = to_cell
    elif change == ChangeKind.RETURNED and home is not None:
        current.cell = home
        current.home_cell = None
    if new_status:
        current.status = new_status
    current.status_since = on
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()

    open_period.valid_to = on
    open_period.save(update_fields=["valid_to"])
    MembershipPeriod.objects.create(
        member=current,
        cell=current.cell,
        status=current.status,
        valid_from=on,
        change=change,
        reason=clean_text(reason),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.STATUS,
        target=current,
        organization=current.cell,
        changes=diff(before, snapshot(current, _AUDITED)),
        note=f"{ChangeKind(change).label} {on:%d/%m/%Y} {clean_text(reason)}",
    )
    publish("cells_changed", cell_ids=[open_period.cell_id, current.cell_id])
    return current


@transaction.atomic
def member_merge(*, actor: Any, keep: Member, drop: Member) -> Member:
    """Fold a duplicate record into the one kept: blank fields filled, account and history kept,
    the duplicate closed and pointing at the survivor."""
    if keep.pk == drop.pk:
        raise ValidationError(_("A record cannot be merged with itself."))
    keep = Member.objects.select_for_update().get(pk=keep.pk)
    drop = Member.objects.select_for_update().get(pk=drop.pk)
    if keep.merged_into_id or drop.merged_into_id:
        raise ValidationError(_("One of these records was already merged."))
    before = snapshot(keep, _AUDITED)
    for name in ("citizen_id", "phone", "email", "job", "position"):
        if not getattr(keep, name) and getattr(drop, name):
            value = getattr(drop, name)
            if name == "citizen_id":
                # The number is unique: free it on the duplicate before the survivor takes it.
                Member.objects.filter(pk=drop.pk).update(citizen_id="")
                drop.citizen_id = ""
            setattr(keep, name, value)
    keep.is_leader = keep.is_leader or drop.is_leader
    keep.version = F("version") + 1
    keep.save()
    keep.refresh_from_db()
    day = today()
    open_period = drop.periods.filter(valid_to__isnull=True).first()
    if open_period:
        open_period.valid_to = max(day, open_period.valid_from)
        open_period.save(update_fields=["valid_to"])
        # The duplicate's history ends with why it ended, like any member who leaves.
        MembershipPeriod.objects.create(
            member=drop,
            cell=drop.cell,
            status=MemberStatus.LEFT,
            valid_from=open_period.valid_to,
            change=ChangeKind.MERGED,
            reason=_("Merged into %(keep)s") % {"keep": str(keep)},
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
    drop.merged_into = keep
    drop.status = MemberStatus.LEFT
    drop.status_since = day
    drop.version = F("version") + 1
    drop.save()
    drop.refresh_from_db()
    user_model_field = getattr(drop, "user", None)
    if user_model_field is not None and getattr(keep, "user", None) is None:
        user_model_field.member = keep
        user_model_field.save(update_fields=["member"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.MERGE,
        target=keep,
        organization=keep.cell,
        changes=diff(before, snapshot(keep, _AUDITED)),
        note=_("Merged duplicate record %(card)s") % {"card": drop.card_number},
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.MERGE,
        target=drop,
        organization=drop.cell,
        changes={"merged_into": [None, str(keep)]},
    )
    publish("cells_changed", cell_ids=[keep.cell_id, drop.cell_id])
    return keep


@transaction.atomic
def member_duplicate_dismiss(*, actor: Any, a: Member, b: Member) -> DuplicateDismissal:
    """Record that two similar records are different people, so the pair is not proposed again."""
    if a.pk == b.pk:
        raise ValidationError(_("Choose two different records."))
    low, high = sorted([a, b], key=lambda m: m.pk)
    dismissal, _created = DuplicateDismissal.objects.get_or_create(
        member_low=low, member_high=high, defaults={"dismissed_by": actor}
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.DISMISS,
        target=low,
        organization=low.cell,
        note=_("Not the same person as %(other)s") % {"other": str(high)},
    )
    return dismissal
