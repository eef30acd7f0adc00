"""Reading the audit trail. Everything starts from `audit_events_visible_to(user)`: the events of
records whose organisation lies inside the user's VIEW_AUDIT scope (superusers: all)."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tusoi.audit.models import AuditEvent
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Action, scope_for
from tusoi.orgs.tree import successor

MEMBER_TARGET = "members.member"


def audit_events_visible_to(user: Any) -> QuerySet[AuditEvent]:
    scope = scope_for(user)
    return AuditEvent.objects.filter(
        scope.q(Action.VIEW_AUDIT, "organization__path")
    ).select_related("actor__member", "organization")


def audit_events_of_subtree(user: Any, org: Organization) -> QuerySet[AuditEvent]:
    """Events of `org` and everything below it, newest first."""
    return (
        audit_events_visible_to(user)
        .filter(organization__path__gte=org.path, organization__path__lt=successor(org.path))
        .order_by("-at", "-id")
    )


def audit_events_of_member(user: Any, member_id: int) -> QuerySet[AuditEvent]:
    return (
        audit_events_visible_to(user)
        .filter(target_type=MEMBER_TARGET, target_id=member_id)
        .order_by("-at", "-id")
    )


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


def _field(target_type: str, name: str) -> models.Field | None:
    try:
        model = apps.get_model(target_type)
    except (LookupError, ValueError):
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _show(field: models.Field | None, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field is not None and field.choices:
        labels = {str(k): str(v) for k, v in field.flatchoices}
        if str(value) in labels:
            return labels[str(value)]
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        try:
            return date_format(datetime.date.fromisoformat(str(value)), "d/m/Y")
        except ValueError:
            return str(value)
    return str(value)


def event_changes(event: AuditEvent) -> list[FieldChange]:
    """The event's changes as (field label, before, after), field names and choice values in
    the reader's language; reads no database rows."""
    out = []
    for name, pair in (event.changes or {}).items():
        before, after = (list(pair) + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        field = _field(event.target_type, name)
        label = str(field.verbose_name) if field is not None else name
        shown = FieldChange(label=label, before=_show(field, before), after=_show(field, after))
        if shown.before != shown.after:  # e.g. None -> "" on creation: nothing a reader sees
            out.append(shown)
    return out
