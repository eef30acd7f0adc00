from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tusoi.accounts import services
from tusoi.accounts.forms import (
    ApiTokenForm,
    ChangePasswordForm,
    FirstPasswordForm,
    HandOverForm,
    LoginForm,
    RoleGrantForm,
)
from tusoi.accounts.selectors import (
    api_tokens_of,
    cell_accounts,
    grantable_role_choices,
    organization_grants,
    role_grants_visible_to,
)
from tusoi.core.forms import apply_service_errors
from tusoi.members.selectors import members_visible_to
from tusoi.orgs.permissions import Action
from tusoi.orgs.selectors import cells, organizations_visible_to


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _locked_message() -> str:
    minutes = max(1, settings.TUSOI_LOGIN_WINDOW_SECONDS // 60)
    return _(
        "Too many failed attempts: this account is locked for %(minutes)s minutes. Wait, or ask "
        "your cell secretary to give you a new password."
    ) % {"minutes": minutes}


def login_view(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip().lower()
        ip = _client_ip(request)
        if services.login_is_locked(username=username, ip=ip):
            form.add_error(None, _locked_message())
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                services.login_failure_record(username=username, ip=ip)
                if services.login_is_locked(username=username, ip=ip):
                    form.add_error(None, _locked_message())
                else:
                    form.add_error(None, _("Wrong username or password."))
            else:
                services.login_success_record(username=username)
                login(request, user)
                next_url = request.POST.get("next") or request.GET.get("next")
                if next_url and url_has_allowed_host_and_scheme(
                    next_url, {request.get_host()}, require_https=request.is_secure()
                ):
                    return redirect(next_url)
                return redirect("core:home")
    next_url = request.POST.get("next") or request.GET.get("next", "")
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")


@login_required
def first_password(request):
    form = FirstPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_change_password(
            user=request.user, new_password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password is set. Keep it to yourself."))
        return redirect("core:home")
    return render(request, "accounts/first_password.html", {"form": form})


# The caller's own account -----------------------------------------------------------------------


@login_required
def profile(request):
    form = ChangePasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_change_password(
            user=request.user, new_password=form.cleaned_data["new_password1"]
        )
        # Keeps this browser signed in; sessions elsewhere carry the old hash and end.
        update_session_auth_hash(request, request.user)
        messages.success(
            request,
            _("Your password is changed. Other browsers using your account are logged out."),
        )
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_POST
def logout_everywhere(request):
    services.user_logout_everywhere(user=request.user)
    logout(request)
    messages.success(
        request, _("You are logged out on every device, and your API tokens are revoked.")
    )
    return redirect("accounts:login")


@login_required
@never_cache
def tokens(request):
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = services.api_token_create(
            user=request.user, name=form.cleaned_data["name"]
        )
        form = ApiTokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": api_tokens_of(request.user), "new_key": new_key},
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(api_tokens_of(request.user), pk=pk)
    services.api_token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("accounts:tokens")


# Accounts of a cell's members -------------------------------------------------------------------


def _managed_cell(request, pk: int):
    return get_object_or_404(
        cells(organizations_visible_to(request.user, Action.MANAGE_ACCOUNTS)), pk=pk
    )


def _slips(request, slips, *, back_url: str):
    """The printable first-login slips: the only place the one-time passwords ever appear."""
    context = {"slips": slips, "site_url": request.build_absolute_uri("/"), "back_url": back_url}
    return render(request, "accounts/slips.html", context)


@login_required
def cell_accounts_page(request, pk: int):
    cell = _managed_cell(request, pk)
    return render(
        request, "accounts/cell_accounts.html", {"cell": cell, "rows": cell_accounts(cell)}
    )


@login_required
@require_POST
@never_cache
def cell_accounts_create(request, pk: int):
    cell = _managed_cell(request, pk)
    try:
        slips = services.cell_accounts_create(actor=request.user, cell=cell)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("accounts:cell_accounts", pk=cell.pk)
    if not slips:
        messages.info(request, _("Every member of this cell already has an account."))
        return redirect("accounts:cell_accounts", pk=cell.pk)
    return _slips(request, slips, back_url=reverse("accounts:cell_accounts", args=[cell.pk]))


@login_required
@require_POST
@never_cache
def member_reset(request, pk: int):
    member = get_object_or_404(members_visible_to(request.user, Action.MANAGE_ACCOUNTS), pk=pk)
    try:
        slip = services.member_account_reset(actor=request.user, member=member)
    except (ValidationError, PermissionDenied) as error:
        for message in getattr(error, "messages", None) or [str(error)]:
            messages.error(request, message)
        return redirect("members:detail", pk=member.pk)
    return _slips(request, [slip], back_url=reverse("members:detail", args=[member.pk]))


# Roles of an organisation -----------------------------------------------------------------------


def _grant_org(request, pk: int):
    return get_object_or_404(organizations_visible_to(request.user, Action.GRANT_ROLES), pk=pk)


def _roles_page(request, org, form, status=200):
    return render(
        request,
        "accounts/org_roles.html",
        {"org": org, "grants": organization_grants(org), "form": form},
        status=status,
    )


@login_required
def org_roles(request, pk: int):
    org = _grant_org(request, pk)
    form = RoleGrantForm(role_choices=grantable_role_choices(request.user, org))
    return _roles_page(request, org, form)


@login_required
@require_POST
def role_grant(request, pk: int):
    org = _grant_org(request, pk)
    form = RoleGrantForm(request.POST, role_choices=grantable_role_choices(request.user, org))
    if form.is_valid():
        try:
            grant = services.role_grant(
                actor=request.user,
                user=form.cleaned_data["person"],
                organization=org,
                role=form.cleaned_data["role"],
                note=form.cleaned_data["note"],
            )
        except PermissionDenied as error:
            form.add_error("role", str(error))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(person)s is now %(role)s.")
                % {"person": grant.user.get_full_name(), "role": grant.get_role_display()},
            )
            return redirect("accounts:org_roles", pk=org.pk)
    return _roles_page(request, org, form, status=400)


@login_required
@require_POST
def role_revoke(request, pk: int):
    grant = get_object_or_404(role_grants_visible_to(request.user), pk=pk)
    try:
        services.role_revoke(actor=request.user, grant=grant)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(person)s no longer holds the role %(role)s.")
            % {"person": grant.user.get_full_name(), "role": grant.get_role_display()},
        )
    return redirect("accounts:org_roles", pk=grant.organization_id)


@login_required
def role_hand_over(request, pk: int):
    grant = get_object_or_404(role_grants_visible_to(request.user), pk=pk, valid_to__isnull=True)
    form = HandOverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new_grant = services.role_hand_over(
                actor=request.user,
                grant=grant,
                to_user=form.cleaned_data["person"],
                note=form.cleaned_data["note"],
            )
        except PermissionDenied as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The role %(role)s passed from %(old)s to %(new)s.")
                % {
                    "role": new_grant.get_role_display(),
                    "old": grant.user.get_full_name(),
                    "new": new_grant.user.get_full_name(),
                },
            )
            return redirect("accounts:org_roles", pk=grant.organization_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/hand_over.html", {"grant": grant, "form": form}, status=status)
