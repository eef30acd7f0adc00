"""Changing the organisation tree. Each write keeps every path consistent and is audited."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from tusoi.audit.models import AuditEvent
from tusoi.audit.services import audit_record, diff, snapshot
from tusoi.core.events import publish
from tusoi.core.text import clean_text, vn_sort_key
from tusoi.orgs.models import Organization, OrgKind
from tusoi.orgs.tree import MAX_SEGMENT, depth_of, segment, successor

_AUDITED = ("code", "name", "kind", "parent")


def _next_child_path(parent: Organization | None) -> str:
    """Allocate the next segment under `parent` (row-locked so two writers never collide)."""
    if parent is None:
        last = (
            Organization.objects.filter(parent__isnull=True)
            .order_by("-path")
            .values_list("path", flat=True)
            .first()
        )
        return segment(int(last) + 1 if last else 1)
    locked = Organization.objects.select_for_update().get(pk=parent.pk)
    if locked.child_counter >= MAX_SEGMENT:
        raise ValidationError(_("This organisation cannot take more sub-organisations."))
    locked.child_counter += 1
    Organization.objects.filter(pk=locked.pk).update(child_counter=locked.child_counter)
    parent.child_counter = locked.child_counter
    return locked.path + segment(locked.child_counter)


def _validate_code(code: str, *, exclude_pk: int | None = None) -> str:
    code = clean_text(code)
    if not code:
        raise ValidationError({"code": _("The code is required.")})
    clash = Organization.objects.filter(code__iexact=code)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"code": _("Code %(code)s is already used.") % {"code": code}})
    return code


@transaction.atomic
def organization_create(
    *, actor: Any, code: str, name: str, kind: OrgKind, parent: Organization | None
) -> Organization:
    name = clean_text(name)
    if not name:
        raise ValidationError({"name": _("The name is required.")})
    code = _validate_code(code)
    path = _next_child_path(parent)
    org = Organization.objects.create(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        path=path,
        depth=depth_of(path),
        name_key=vn_sort_key(name),
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=org,
        organization=org,
        changes=diff({}, snapshot(org, _AUDITED)),
    )
    publish("cells_changed", cell_ids=[org.pk])
    return org


@transaction.atomic
def organization_update(
    *, actor: Any, org: Organization, name: str, code: str, kind: OrgKind
) -> Organization:
    before = snapshot(org, _AUDITED)
    org.name = clean_text(name)
    if not org.name:
        raise ValidationError({"name": _("The name is required.")})
    org.code = _validate_code(code, exclude_pk=org.pk)
    if kind.pk != org.kind_id and not kind.is_cell and org.kind.is_cell and org.members.exists():
        raise ValidationError(
            {"kind": _("This cell still has members; move them before changing its kind.")}
        )
    org.kind = kind
    org.name_key = vn_sort_key(org.name)
    org.save(update_fields=["name", "code", "kind", "name_key", "updated_at"])
    changes = diff(before, snapshot(org, _AUDITED))
    if changes:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=org,
            organization=org,
            changes=changes,
        )
    publish("cells_changed", cell_ids=[org.pk])
    return org


@transaction.atomic
def organization_move(*, actor: Any, org: Organization, new_parent: Organization) -> Organization:
    """Move `org` and its whole subtree under `new_parent` in two UPDATE statements."""
    org.refresh_from_db()
    new_parent.refresh_from_db()
    if new_parent.path.startswith(org.path):
        raise ValidationError(
            {"parent": _("An organisation cannot be moved under itself or its own descendants.")}
        )
    if org.parent_id == new_parent.pk:
        return org
    old_path, old_parent = org.path, org.parent
    new_path = _next_child_path(new_parent)
    shift = depth_of(new_path) - org.depth
    Organization.objects.filter(path__gte=old_path, path__lt=successor(old_path)).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + shift,
    )
    Organization.objects.filter(pk=org.pk).update(parent=new_parent)
    org.refresh_from_db()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.MOVE,
        target=org,
        organization=org,
        changes={"parent": [str(old_parent) if old_parent else None, str(new_parent)]},
    )
    publish("subtree_changed", path=org.path)
    return org


def org_kind_get_or_create(*, code: str, name: str, is_cell: bool, sort_order: int = 0) -> OrgKind:
    kind, _created = OrgKind.objects.get_or_create(
        code=code, defaults={"name": name, "is_cell": is_cell, "sort_order": sort_order}
    )
    return kind
