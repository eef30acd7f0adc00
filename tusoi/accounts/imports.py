"""Importing and exporting role grants as a workbook: who holds which role where.

A row names a person (username, or a member's party card number), an organisation inside the
import's root and a role the importing person may grant there. A member in scope who has no
account gets one, without a password until the cell's login slips are printed. A grant that is
already active is left as it is; the import never revokes anything.
"""

from collections.abc import Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tusoi.accounts.models import RoleGrant
from tusoi.audit.models import AuditEvent
from tusoi.audit.services import audit_record_many
from tusoi.core.text import fold
from tusoi.members.models import Member, MemberStatus
from tusoi.orgs.imports import (
    BATCH,
    ImportPlan,
    ImportResult,
    RowReader,
    _ensure_valid,
    _stale,
    check_scope,
    chunks,
    orgs_by_code,
    report,
)
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Action, Role, scope_for
from tusoi.orgs.tree import successor
from tusoi.tabular import Column, Table

COLUMNS = [
    Column(
        "person",
        "Tên đăng nhập hoặc số thẻ",
        required=True,
        kind="code",
        note=gettext_lazy("The person's username, or the party card number of a member."),
        aliases=("Tên đăng nhập", "Số thẻ đảng viên", "person", "username"),
    ),
    Column(
        "org_code",
        "Mã tổ chức",
        required=True,
        kind="code",
        note=gettext_lazy("Code of the organisation where the role is held."),
        aliases=("org_code", "organisation"),
    ),
    Column(
        "role",
        "Vai trò",
        required=True,
        kind="choice",
        note=gettext_lazy(
            "Đảng viên, Bí thư chi bộ, Cán bộ cấp ủy, Người được phân công theo dõi or "
            "Quản trị viên."
        ),
        aliases=("role",),
    ),
]


def role_words() -> dict[str, str]:
    """Folded role names (Vietnamese and English) and codes -> role code."""
    out = {role.value: role.value for role in Role}
    for language in ("en", "vi"):
        with translation.override(language):
            out |= {fold(str(role.label)): role.value for role in Role}
    out |= {"bi thu": Role.SECRETARY.value, "can bo uy ban": Role.COMMITTEE.value}
    return out


def _role_name(role: str) -> str:
    with translation.override("vi"):
        return str(Role(role).label)


def _users_for(people: set[str]) -> dict[str, tuple[int, str, bool]]:
    """Folded-case person text -> (user id, username, is_active): usernames first, then the
    card numbers of members with an account."""
    User = get_user_model()
    out: dict[str, tuple[int, str, bool]] = {}
    lowered = sorted({p.lower() for p in people if p})
    for batch in chunks(lowered):
        qs = User.objects.annotate(u=Lower("username")).filter(u__in=batch)
        for pk, username, active in qs.values_list("pk", "username", "is_active"):
            out[username.lower()] = (pk, username, active)
    rest = sorted({p for p in people if p and p.lower() not in out})
    for batch in chunks(rest):
        qs = User.objects.filter(member__card_number__in=batch).values_list(
            "pk", "username", "is_active", "member__card_number"
        )
        for pk, username, active, card in qs:
            out[card.lower()] = (pk, username, active)
    return out


def validate(table: Table, *, root: Organization, actor: Any) -> ImportPlan:  # noqa: C901
    """Check every row (nothing written): person known, organisation inside `root`, role one the
    importing person may grant there, secretaries on cells, no row twice."""
    plan = ImportPlan(
        kind="roles",
        root=root,
        columns=COLUMNS,
        source_name=table.source_name,
        rows=len(table.rows),
    )
    if not check_scope(plan, actor, Action.GRANT_ROLES):
        return plan.done()
    scope = scope_for(actor) if actor is not None else None
    words = role_words()
    parsed = []
    for row in table.rows:
        read = RowReader(plan, row)
        person = read.text("person", required=True, max_length=150)
        org_code = read.text("org_code", required=True, max_length=40)
        role_text = read.text("role", required=True)
        role = words.get(fold(role_text)) if role_text else None
        if role_text and role is None:
            read.error("role", _("Unknown role."))
        if not read.bad:
            parsed.append((row.number, person, org_code, role))
    users = _users_for({p for _n, p, _o, _r in parsed})
    newcomers = _members_without_account(
        {p for _n, p, _o, _r in parsed if p.lower() not in users}, root
    )
    orgs = orgs_by_code({o for _n, _p, o, _r in parsed}, ("id", "path", "name", "kind__is_cell"))
    seen: dict[tuple[int, int, str], int] = {}
    planned = []
    for number, person, org_code, role in parsed:
        user = users.get(person.lower())
        org = orgs.get(org_code.lower())
        newcomer = newcomers.get(person.lower()) if user is None else None
        ok = True
        if newcomer is not None:
            if not newcomer["cell__path"].startswith(root.path):
                plan.error(
                    number,
                    "person",
                    person,
                    _("This member belongs outside the organisation you import into."),
                )
                ok = False
            else:
                user = (None, newcomer["card_number"].lower(), True)
        elif user is None:
            plan.error(
                number,
                "person",
                person,
                _("No account or member has this username or card number."),
            )
            ok = False
        elif not user[2]:
            plan.error(number, "person", person, _("This account is disabled."))
            ok = False
        if org is None:
            plan.error(number, "org_code", org_code, _("No organisation has this code."))
            ok = False
        elif not org["path"].startswith(root.path):
            plan.error(
                number,
                "org_code",
                org_code,
                _("%(code)s is outside the organisation you import into.") % {"code": org_code},
            )
            ok = False
        else:
            if scope is not None and role not in scope.grantable_roles(org["path"]):
                plan.error(
                    number, "role", role, _("You may not grant this role in this organisation.")
                )
                ok = False
            if role == Role.SECRETARY and not org["kind__is_cell"]:
                plan.error(number, "role", role, _("A cell secretary is granted on a cell."))
                ok = False
        if not ok:
            continue
        key = (user[0] or f"member:{newcomer['id']}", org["id"], role)
        if key in seen:
            message = _("This grant appears more than once in the file (also row %(row)s).")
            plan.error(number, "person", person, message % {"row": seen[key]})
            plan.error(seen[key], "person", person, message % {"row": number})
            continue
        seen[key] = number
        if user[0] is None and newcomer["id"] not in plan.extra.setdefault("new_accounts", {}):
            plan.extra["new_accounts"][newcomer["id"]] = newcomer
            plan.warn(
                number,
                "person",
                person,
                _(
                    "%(name)s has no account yet: one will be made; print the login slips on the "
                    "cell's Accounts page."
                )
                % {"name": newcomer["full_name"]},
            )
        planned.append(
            {
                "row": number,
                "user_id": user[0],
                "member_id": newcomer["id"] if user[0] is None else None,
                "username": user[1],
                "org": org,
                "role": role,
            }
        )
    if plan.errors:
        return plan.done()
    active: set[tuple[int, int, str]] = set()
    for batch in chunks(sorted({p["user_id"] for p in planned if p["user_id"] is not None})):
        active |= set(
            RoleGrant.objects.filter(user_id__in=batch, valid_to__isnull=True).values_list(
                "user_id", "organization_id", "role"
            )
        )
    for item in planned:
        if (item["user_id"], item["org"]["id"], item["role"]) in active:
            plan.unchanged += 1
        else:
            plan.creates.append(item)
    return plan.done()


@transaction.atomic
def apply(plan: ImportPlan, *, actor: Any, progress: Any = None) -> ImportResult:
    """Grant every planned role in one transaction, with an audit row each."""
    _ensure_valid(plan)
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    note = _("Imported from %(file)s") % {"file": plan.source_name or "?"}
    report(progress, "total", len(plan.creates))
    _accounts_create(plan, actor_id, note)
    for batch in chunks(plan.creates, BATCH):
        taken = set(
            RoleGrant.objects.filter(
                user_id__in=[i["user_id"] for i in batch], valid_to__isnull=True
            ).values_list("user_id", "organization_id", "role")
        )
        if any((i["user_id"], i["org"]["id"], i["role"]) in taken for i in batch):
            raise _stale()
        grants = [
            RoleGrant(
                user_id=i["user_id"],
                organization_id=i["org"]["id"],
                role=i["role"],
                granted_by_id=actor_id,
                note=note[:300],
            )
            for i in batch
        ]
        RoleGrant.objects.bulk_create(grants, batch_size=BATCH)
        events = [
            AuditEvent(
                actor_id=actor_id,
                action=AuditEvent.Action.GRANT,
                target_type="accounts.rolegrant",
                target_id=g.pk,
                target_repr=f"{i['username']} – {_role_name(i['role'])} – {i['org']['name']}"[:300],
                organization_id=i["org"]["id"],
                changes={"role": [None, f"{i['username']}: {_role_name(i['role'])}"]},
                note=note,
            )
            for g, i in zip(grants, batch, strict=True)
        ]
        audit_record_many(events)
        report(progress, "advance", len(batch))
    return ImportResult(created=len(plan.creates), updated=0, unchanged=plan.unchanged)


def _members_without_account(people: set[str], root: Organization) -> dict[str, dict[str, Any]]:
    """Card number (lower case) -> the present member of that card who has no account."""
    out: dict[str, dict[str, Any]] = {}
    for batch in chunks(sorted(people)):
        qs = (
            Member.objects.filter(
                card_number__in=batch, merged_into__isnull=True, user__isnull=True
            )
            .exclude(status=MemberStatus.LEFT)
            .values("id", "card_number", "full_name", "email", "cell_id", "cell__path")
        )
        for row in qs:
            out[row["card_number"].lower()] = row
    return out


def _accounts_create(plan: ImportPlan, actor_id: int | None, note: str) -> None:
    """Accounts for the members the plan names who had none: no usable password (the cell's
    slips page issues the first one-time password), a member grant on their cell, audited."""
    newcomers: dict[int, dict[str, Any]] = plan.extra.get("new_accounts", {})
    if not newcomers:
        return
    User = get_user_model()
    usernames = [m["card_number"].lower() for m in newcomers.values()]
    taken_names = set()
    for batch in chunks(usernames):
        taken_names |= set(
            User.objects.annotate(u=Lower("username"))
            .filter(u__in=batch)
            .values_list("u", flat=True)
        )
    if taken_names or Member.objects.filter(pk__in=list(newcomers), user__isnull=False).exists():
        raise _stale()
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [
            User(
                username=m["card_number"].lower(),
                password=unusable,
                member_id=member_id,
                email=m["email"] or "",
                must_change_password=True,
                created_by_id=actor_id,
            )
            for member_id, m in newcomers.items()
        ],
        batch_size=BATCH,
    )
    if not all(u.pk for u in users):  # backends without RETURNING: read the ids back
        ids = dict(
            User.objects.filter(member_id__in=list(newcomers)).values_list("member_id", "pk")
        )
        for u in users:
            u.pk = ids[u.member_id]
    user_of = {u.member_id: u.pk for u in users}
    in_file = {
        (i["member_id"], i["org"]["id"])
        for i in plan.creates
        if i.get("member_id") and i["role"] == Role.MEMBER
    }
    RoleGrant.objects.bulk_create(
        [
            RoleGrant(
                user_id=user_of[member_id],
                organization_id=m["cell_id"],
                role=Role.MEMBER,
                granted_by_id=actor_id,
                note=note[:300],
            )
            for member_id, m in newcomers.items()
            if (member_id, m["cell_id"]) not in in_file  # the file grants it itself
        ],
        batch_size=BATCH,
    )
    audit_record_many(
        [
            AuditEvent(
                actor_id=actor_id,
                action=AuditEvent.Action.ACCOUNT,
                target_type="members.member",
                target_id=member_id,
                target_repr=f"{m['full_name']} ({m['card_number']})"[:300],
                organization_id=m["cell_id"],
                note=_("Account %(u)s created, no password yet") % {"u": m["card_number"].lower()},
            )
            for member_id, m in newcomers.items()
        ]
    )
    for item in plan.creates:
        if item.get("member_id"):
            item["user_id"] = user_of[item["member_id"]]


def export_rows(root: Organization) -> Iterator[dict[str, Any]]:
    """Active grants inside the subtree, in import format."""
    names = {role.value: _role_name(role.value) for role in Role}
    qs = (
        RoleGrant.objects.filter(
            valid_to__isnull=True,
            organization__path__gte=root.path,
            organization__path__lt=successor(root.path),
        )
        .order_by("organization__path", "user__username", "role")
        .values_list("user__username", "organization__code", "role")
    )
    for username, code, role in qs.iterator(chunk_size=2000):
        yield {"person": username, "org_code": code, "role": names.get(role, role)}
