"""Reading accounts, role grants and API tokens. Grants are reached through
`role_grants_visible_to(user)`, so a grant outside the user's subtree is simply not found."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet

from tusoi.accounts.models import ApiToken, RoleGrant
from tusoi.accounts.services import account_never_issued
from tusoi.members.models import Member
from tusoi.members.selectors import cell_members
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Action, Role, scope_for

User = get_user_model()

_GRANT_RELATED = (
    "organization",
    "organization__kind",
    "user",
    "user__member",
    "granted_by",
    "granted_by__member",
    "revoked_by",
    "revoked_by__member",
)


def role_grants_visible_to(user: Any) -> QuerySet[RoleGrant]:
    """Grants on organisations where `user` may grant roles."""
    return RoleGrant.objects.filter(
        scope_for(user).q(Action.GRANT_ROLES, "organization__path")
    ).select_related(*_GRANT_RELATED)


@dataclass(frozen=True)
class OrganizationGrants:
    active: list[RoleGrant]
    history: list[RoleGrant]


def organization_grants(org: Organization) -> OrganizationGrants:
    """Who holds which role on `org` now, and who held one before (newest first): one query."""
    grants = list(
        RoleGrant.objects.filter(organization=org)
        .select_related(*_GRANT_RELATED)
        .order_by("-valid_from", "-id")
    )
    return OrganizationGrants(
        active=[g for g in grants if g.valid_to is None],
        history=[g for g in grants if g.valid_to is not None],
    )


def grantable_role_choices(user: Any, org: Organization) -> list[tuple[str, str]]:
    """The roles `user` may grant on `org`, in the order of Role; a secretary only on a cell."""
    allowed = scope_for(user).grantable_roles(org.path)
    return [
        (value, str(label))
        for value, label in Role.choices
        if value in allowed and (value != Role.SECRETARY or org.kind.is_cell)
    ]


@dataclass(frozen=True)
class CellAccounts:
    with_account: list[Member]
    without_account: list[Member]


def cell_accounts(cell: Organization) -> CellAccounts:
    """The cell's present members split by whether they can log in (an account with a
    password issued): one query."""
    members = list(cell_members(cell).select_related("user"))
    ready = [m for m in members if _can_log_in(m)]
    return CellAccounts(
        with_account=ready, without_account=[m for m in members if not _can_log_in(m)]
    )


def _can_log_in(member: Member) -> bool:
    user = _account_of(member)
    return user is not None and not account_never_issued(user)


def _account_of(member: Member) -> Any | None:
    try:
        return member.user
    except User.DoesNotExist:
        return None


def user_find(text: str) -> Any | None:
    """An active account by username or by its member's party card number."""
    text = text.strip()
    if not text:
        return None
    return (
        User.objects.filter(Q(username__iexact=text) | Q(member__card_number=text), is_active=True)
        .select_related("member")
        .order_by("id")
        .first()
    )


def api_tokens_of(user: Any) -> QuerySet[ApiToken]:
    """The user's own tokens, those still valid first."""
    return ApiToken.objects.filter(user=user).order_by(
        F("revoked_at").asc(nulls_first=True), "-created_at"
    )
