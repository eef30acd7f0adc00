"""Writing the audit trail. Every service that changes people's or organisations' records calls
`audit_record` inside its own transaction, so a change and its audit row commit together."""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import models

from tusoi.audit.models import AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Field values of `instance` as JSON-ready data (foreign keys as their text)."""
    return {name: _plain(getattr(instance, name)) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for every field whose value changed."""
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    organization: Any = None,
    changes: Mapping[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=target.pk,
        target_repr=str(target)[:300],
        organization=organization,
        changes={k: [_plain(v) for v in pair] for k, pair in (changes or {}).items()},
        note=note[:500],
    )


def audit_record_many(events: list[AuditEvent]) -> None:
    """Bulk form for imports and merges that change many rows in one transaction."""
    AuditEvent.objects.bulk_create(events, batch_size=2000)
