from django.contrib.auth import get_user_model

from tusoi.accounts.models import RoleGrant
from tusoi.orgs.permissions import Role
from tusoi.testing.scope import ScopeCase

PUBLIC = {
    "accounts:login": "the login page itself",
    "accounts:logout": "ends the caller's own session",
    "accounts:first_password": "the caller's own password",
    "accounts:profile": "the caller's own account",
    "accounts:logout_everywhere": "the caller's own account",
    "accounts:tokens": "the caller's own account",
    "accounts:token_revoke": "the caller's own account (another user's token is 404)",
}


def _person(username: str):
    """An account the grant cases hand roles to (created on first use, shared by the cases)."""
    user, _created = get_user_model().objects.get_or_create(username=username)
    return user


def _grant_on_cell_a(t) -> RoleGrant:
    """An active supervisor grant on cell A1: the object the revoke and hand-over cases act on."""
    grant, _created = RoleGrant.objects.get_or_create(
        user=_person("giam-sat-a1"),
        organization=t.cell_a,
        role=Role.SUPERVISOR,
        valid_to=None,
    )
    return grant


CASES: list[ScopeCase] = [
    ScopeCase(
        "accounts:cell_accounts",
        kwargs=lambda t: {"pk": t.cell_a.pk},
        role=Role.SECRETARY,
        grant_on=lambda t: t.cell_a,
        sibling_on=lambda t: t.cell_b,
    ),
    ScopeCase(
        "accounts:cell_accounts_create",
        kwargs=lambda t: {"pk": t.cell_a.pk},
        role=Role.SECRETARY,
        grant_on=lambda t: t.cell_a,
        sibling_on=lambda t: t.cell_b,
        method="post",
        ok_status=200,  # the printable slips page
    ),
    ScopeCase(
        "accounts:member_reset",
        kwargs=lambda t: {"pk": t.member_a.pk},
        role=Role.SECRETARY,
        grant_on=lambda t: t.cell_a,
        sibling_on=lambda t: t.cell_b,
        method="post",
        ok_status=200,  # one slip
    ),
    ScopeCase("accounts:org_roles", kwargs=lambda t: {"pk": t.cell_a.pk}, role=Role.COMMITTEE),
    ScopeCase(
        "accounts:role_grant",
        kwargs=lambda t: {"pk": t.cell_a.pk},
        role=Role.COMMITTEE,
        method="post",
        data=lambda t: {"person": _person("nguoi-nhan").username, "role": Role.SUPERVISOR},
        ok_status=302,
    ),
    ScopeCase(
        "accounts:role_revoke",
        kwargs=lambda t: {"pk": _grant_on_cell_a(t).pk},
        role=Role.COMMITTEE,
        method="post",
        ok_status=302,
    ),
    ScopeCase(
        "accounts:role_hand_over",
        kwargs=lambda t: {"pk": _grant_on_cell_a(t).pk},
        role=Role.COMMITTEE,
    ),
    ScopeCase(
        "accounts:role_hand_over",
        kwargs=lambda t: {"pk": _grant_on_cell_a(t).pk},
        role=Role.COMMITTEE,
        method="post",
        data=lambda t: {"person": _person("nguoi-nhan").username},
        ok_status=302,
        label="hand-over",
    ),
]
