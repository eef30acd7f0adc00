"""Accounts and role grants: one-step accounts for a cell, one-time passwords, throttled login,
grants with history. Every change is audited."""

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tusoi.accounts.models import ApiToken, LoginFailure, RoleGrant
from tusoi.audit.models import AuditEvent
from tusoi.audit.services import audit_record
from tusoi.members.models import Member, MemberStatus
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Action, Role, forget_scope, scope_for

User = get_user_model()

# No 0/O, 1/l/I: slips are read off paper by people who may not see well.
_OTP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def one_time_password(length: int = 8) -> str:
    return "".join(secrets.choice(_OTP_ALPHABET) for _ in range(length))


@dataclass(frozen=True)
class Slip:
    """What a first-login slip prints: shown once, never stored in clear."""

    user: Any
    member: Member | None
    password: str


def username_for(member: Member) -> str:
    """Members log in with their party card number: unique, printed on their card."""
    return member.card_number.lower()


@transaction.atomic
def account_create_for_member(*, actor: Any, member: Member) -> Slip:
    """An account named by the member's card number, with a one-time password for the slip."""
    if getattr(member, "user", None) is not None:
        raise ValidationError(_("%(name)s already has an account.") % {"name": member.full_name})
    if member.merged_into_id or member.status == MemberStatus.LEFT:
        raise ValidationError(
            _("%(name)s is no longer a member here and gets no account.")
            % {"name": member.full_name}
        )
    username = username_for(member)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            _("Username %(u)s (for %(name)s) is already taken by another account.")
            % {"u": username, "name": member.full_name}
        )
    password = one_time_password()
    user = User.objects.create_user(
        username=username,
        password=password,
        member=member,
        email=member.email,
        must_change_password=True,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    RoleGrant.objects.create(
        user=user, organization=member.cell, role=Role.MEMBER, granted_by=actor
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.ACCOUNT,
        target=member,
        organization=member.cell,
        note=_("Account %(u)s created") % {"u": username},
    )
    return Slip(user=user, member=member, password=password)


def account_never_issued(user: Any) -> bool:
    """An account made without a password (e.g. by a role import) that nobody has used yet."""
    return not user.has_usable_password() and user.last_login is None


@transaction.atomic
def cell_accounts_create(*, actor: Any, cell: Organization) -> list[Slip]:
    """Slips for every present member of `cell` who cannot log in yet, in one step: a new
    account where there is none, a first one-time password where an account was made without
    one (a role import)."""
    members = (
        Member.objects.filter(cell=cell, merged_into__isnull=True)
        .filter(Q(user__isnull=True) | Q(user__password__startswith=UNUSABLE_PASSWORD_PREFIX))
        .exclude(status=MemberStatus.LEFT)
        .select_related("user")
        .order_by("name_key", "card_number")
    )
    slips = []
    for member in members:
        user = getattr(member, "user", None)
        if user is None:
            slips.append(account_create_for_member(actor=actor, member=member))
        elif account_never_issued(user):
            try:
                slips.append(user_reset_password(actor=actor, user=user))
            except PermissionDenied:
                raise ValidationError(
                    _(
                        "You may not give %(name)s a password: the account holds a role you "
                        "cannot grant. Ask the committee above."
                    )
                    % {"name": member.full_name}
                ) from None
    return slips


def _check_may_reset(actor: Any, user: Any) -> None:
    """Resetting a password hands the account over, so the actor must be able to give every
    role the account holds: a secretary resets plain members of the cell, not a committee
    member who happens to attend it (no taking over a stronger account)."""
    if actor is None:  # the system itself (management commands)
        return
    scope = scope_for(actor)
    if scope.is_superuser:
        return
    if user.is_superuser or user.is_staff or user.pk == actor.pk:
        raise PermissionDenied(_("You may not reset the password of this account."))
    grants = user.role_grants.filter(valid_to__isnull=True).values_list(
        "role", "organization__path"
    )
    for role, path in grants:
        allowed = (
            scope.covers(Action.MANAGE_ACCOUNTS, path)
            if role == Role.MEMBER
            else role in scope.grantable_roles(path)
        )
        if not allowed:
            raise PermissionDenied(
                _("This account holds a role you cannot grant; ask the committee above.")
            )


@transaction.atomic
def user_reset_password(*, actor: Any, user: Any) -> Slip:
    """A new one-time password, no e-mail needed; the user must change it at next login and
    every open session of the account ends."""
    _check_may_reset(actor, user)
    password = one_time_password()
    user.set_password(password)
    user.must_change_password = True
    user.session_epoch = F("session_epoch") + 1
    user.save(update_fields=["password", "must_change_password", "session_epoch"])
    user.refresh_from_db()
    LoginFailure.objects.filter(username=user.username.lower()).delete()
    member = user.member if user.member_id else None
    audit_record(
        actor=actor,
        action=AuditEvent.Action.ACCOUNT,
        target=member or user,
        organization=member.cell if member else None,
        note=_("Password reset for %(u)s") % {"u": user.username},
    )
    return Slip(user=user, member=member, password=password)


@transaction.atomic
def member_account_reset(*, actor: Any, member: Member) -> Slip:
    """The slip for one member: a new account if the member has none, else a new password."""
    user = User.objects.filter(member=member).first()
    if user is None:
        return account_create_for_member(actor=actor, member=member)
    return user_reset_password(actor=actor, user=user)


@transaction.atomic
def user_change_password(*, user: Any, new_password: str) -> Any:
    """The user's own new password; every other session of the user ends with the old hash."""
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    member = user.member if user.member_id else None
    audit_record(
        actor=user,
        action=AuditEvent.Action.ACCOUNT,
        target=member or user,
        organization=member.cell if member else None,
        note=_("Password changed by %(u)s") % {"u": user.username},
    )
    return user


def user_logout_everywhere(*, user: Any) -> Any:
    """Invalidate every session of `user` (the current one included) and every API token."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    user.refresh_from_db()
    return user


# Login throttle ---------------------------------------------------------------------------------


def login_is_locked(*, username: str, ip: str | None) -> bool:
    since = timezone.now() - datetime.timedelta(seconds=settings.TUSOI_LOGIN_WINDOW_SECONDS)
    limit = settings.TUSOI_LOGIN_MAX_FAILURES
    recent = LoginFailure.objects.filter(at__gte=since)
    if recent.filter(username=username.lower()).count() >= limit:
        return True
    # An address may try a few more, shared offices use one address for everyone.
    return bool(ip) and recent.filter(ip=ip).count() >= limit * 4


def login_failure_record(*, username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=username.lower()[:150], ip=ip or None)
    old = timezone.now() - datetime.timedelta(days=1)
    LoginFailure.objects.filter(at__lt=old).delete()


def login_success_record(*, username: str) -> None:
    LoginFailure.objects.filter(username=username.lower()).delete()


# Role grants ------------------------------------------------------------------------------------


def _check_may_grant(actor: Any, organization: Organization, role: str) -> None:
    if role not in scope_for(actor).grantable_roles(organization.path):
        raise PermissionDenied(_("You may not grant this role in this organisation."))


@transaction.atomic
def role_grant(
    *, actor: Any, user: Any, organization: Organization, role: str, note: str = ""
) -> RoleGrant:
    _check_may_grant(actor, organization, role)
    if not user.is_active:
        raise ValidationError({"person": _("This account is disabled.")})
    if role == Role.SECRETARY and not organization.kind.is_cell:
        raise ValidationError(_("A cell secretary is granted on a cell."))
    if RoleGrant.objects.filter(
        user=user, organization=organization, role=role, valid_to__isnull=True
    ).exists():
        raise ValidationError({"person": _("This person already holds this role here.")})
    grant = RoleGrant.objects.create(
        user=user, organization=organization, role=role, granted_by=actor, note=note
    )
    forget_scope(user)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.GRANT,
        target=grant,
        organization=organization,
        changes={"role": [None, f"{user.username}: {grant.get_role_display()}"]},
    )
    return grant


@transaction.atomic
def role_revoke(*, actor: Any, grant: RoleGrant, note: str = "") -> RoleGrant:
    _check_may_grant(actor, grant.organization, grant.role)
    if grant.valid_to is not None:
        return grant
    grant.valid_to = timezone.now()
    grant.revoked_by = actor
    if note:
        grant.note = note[:300]
    grant.save(update_fields=["valid_to", "revoked_by", "note"])
    forget_scope(grant.user)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.REVOKE,
        target=grant,
        organization=grant.organization,
        changes={"role": [f"{grant.user.username}: {grant.get_role_display()}", None]},
    )
    return grant


@transaction.atomic
def role_hand_over(*, actor: Any, grant: RoleGrant, to_user: Any, note: str = "") -> RoleGrant:
    """Pass a role (e.g. cell secretary) to someone else; the old grant stays as history."""
    if to_user.pk == grant.user_id:
        raise ValidationError({"person": _("Choose a different person to hand the role to.")})
    if grant.valid_to is not None:
        raise ValidationError(_("This role was already revoked."))
    handed = _("Handed over to %(u)s") % {"u": to_user.username}
    role_revoke(actor=actor, grant=grant, note=f"{handed}. {note}" if note else handed)
    return role_grant(
        actor=actor, user=to_user, organization=grant.organization, role=grant.role, note=note
    )


# API tokens -------------------------------------------------------------------------------------


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, user: Any, name: str) -> tuple[ApiToken, str]:
    """A new token; the key is returned once and only its hash is kept."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:100] or "API", prefix=key[:8], key_hash=_hash_key(key)
    )
    return token, key


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(key: str) -> Any | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash_key(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
