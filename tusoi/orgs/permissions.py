"""The one scoping mechanism. Every selector, page and endpoint narrows what it reads through
`scope_for(user)`: a user reaches an organisation, member or record only inside the subtrees
their role grants cover, for the action at hand; anything else is treated as not found."""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tusoi.orgs.tree import minimal_roots, successor


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    SECRETARY = "secretary", _("Cell secretary")
    COMMITTEE = "committee", _("Committee staff")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMIN = "admin", _("Administrator")


class Action(StrEnum):
    VIEW = "view"  # organisations, member names, states and figures
    EDIT_MEMBERS = "edit_members"  # member records and their status history
    EDIT_ORGS = "edit_orgs"  # the tree itself
    MANAGE_ACCOUNTS = "manage_accounts"  # create accounts, print slips, reset passwords
    GRANT_ROLES = "grant_roles"
    VIEW_AUDIT = "view_audit"
    READ_REPORT_TEXT = "read_report_text"  # DOMAIN "Who reads what": the cell, its supervisors
    REVIEW_REPORTS = "review_reports"  # return, accept, enter on a member's behalf, remind
    MANAGE_MEETINGS = "manage_meetings"  # register and record the cell's thematic meeting


ACTION_ROLES: dict[Action, frozenset[str]] = {
    Action.VIEW: frozenset({Role.SECRETARY, Role.COMMITTEE, Role.SUPERVISOR, Role.ADMIN}),
    Action.EDIT_MEMBERS: frozenset({Role.SECRETARY, Role.COMMITTEE, Role.ADMIN}),
    Action.EDIT_ORGS: frozenset({Role.COMMITTEE, Role.ADMIN}),
    Action.MANAGE_ACCOUNTS: frozenset({Role.SECRETARY, Role.COMMITTEE, Role.ADMIN}),
    Action.GRANT_ROLES: frozenset({Role.COMMITTEE, Role.ADMIN}),
    Action.VIEW_AUDIT: frozenset({Role.COMMITTEE, Role.ADMIN}),
    Action.READ_REPORT_TEXT: frozenset({Role.SECRETARY, Role.SUPERVISOR}),
    Action.REVIEW_REPORTS: frozenset({Role.SECRETARY}),
    Action.MANAGE_MEETINGS: frozenset({Role.SECRETARY}),
}

# What stays with the cell even for superusers: its members' report text, their review and the
# record of its meeting.
CELL_ONLY_ACTIONS = frozenset(
    {Action.READ_REPORT_TEXT, Action.REVIEW_REPORTS, Action.MANAGE_MEETINGS}
)

# Which roles a grantor holding a role may hand out inside their subtree.
GRANTABLE_BY: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(Role.values),
    Role.COMMITTEE: frozenset({Role.MEMBER, Role.SECRETARY, Role.COMMITTEE, Role.SUPERVISOR}),
}


@dataclass(frozen=True)
class Scope:
    """What one user may reach: their active grants as (role, organisation path) pairs."""

    user_id: int | None
    is_superuser: bool = False
    member_id: int | None = None
    member_cell_id: int | None = None
    grants: tuple[tuple[str, str, int], ...] = field(default_factory=tuple)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    def paths(self, action: Action) -> list[str]:
        roles = ACTION_ROLES[action]
        return minimal_roots([path for role, path, _org in self.grants if role in roles])

    def is_global(self, action: Action) -> bool:
        # Superusers administer everything except report text and its review, which stay
        # with the cell.
        return self.is_superuser and action not in CELL_ONLY_ACTIONS

    def covers(self, action: Action, path: str) -> bool:
        return self.is_global(action) or any(path.startswith(p) for p in self.paths(action))

    def q(self, action: Action, field_name: str = "path") -> Q:
        """A filter on `field_name` (a tree path) that keeps only what `action` may reach."""
        if self.is_global(action):
            return Q()
        query = Q(pk__in=[])
        for p in self.paths(action):
            query |= Q(**{f"{field_name}__gte": p, f"{field_name}__lt": successor(p)})
        return query

    def grantable_roles(self, path: str) -> set[str]:
        if self.is_superuser:
            return set(Role.values)
        out: set[str] = set()
        for role, grant_path, _org in self.grants:
            if path.startswith(grant_path):
                out |= GRANTABLE_BY.get(role, frozenset())
        return out

    def has_any_role(self) -> bool:
        return self.is_superuser or bool(self.grants)


ANONYMOUS = Scope(user_id=None)


def scope_for(user: Any) -> Scope:
    """The user's scope, read once per request (one query) and kept on the user object."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_tusoi_scope", None)
    if cached is not None:
        return cached
    grants = tuple(
        (role, path, org_id)
        for role, path, org_id in user.role_grants.filter(valid_to__isnull=True).values_list(
            "role", "organization__path", "organization_id"
        )
    )
    member = getattr(user, "member", None) if getattr(user, "member_id", None) else None
    scope = Scope(
        user_id=user.pk,
        is_superuser=user.is_superuser,
        member_id=user.member_id,
        member_cell_id=member.cell_id if member else None,
        grants=grants,
    )
    user._tusoi_scope = scope
    return scope


def forget_scope(user: Any) -> None:
    """Drop the cached scope after the user's grants change within a request."""
    if hasattr(user, "_tusoi_scope"):
        del user._tusoi_scope
