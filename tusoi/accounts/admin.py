from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tusoi.accounts.models import ApiToken, LoginFailure, RoleGrant, User
from tusoi.accounts.services import api_token_revoke
from tusoi.audit.admin import ReadOnlyAdmin

admin.site.site_header = _("TuSoi administration")
admin.site.site_title = _("TuSoi administration")
admin.site.index_title = _("Data administration")


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    fields = ("organization", "role", "valid_from", "valid_to", "granted_by", "revoked_by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = (
        "username",
        "member",
        "is_active",
        "must_change_password",
        "is_staff",
        "is_superuser",
        "last_login",
    )
    list_filter = ("is_active", "must_change_password", "is_staff", "is_superuser")
    search_fields = (
        "username",
        "first_name",
        "last_name",
        "email",
        "member__full_name",
        "member__card_number",
    )
    list_select_related = ("member",)
    raw_id_fields = ("member",)
    readonly_fields = ("last_login", "date_joined", "created_by")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("TuSoi"), {"fields": ("member", "must_change_password", "created_by")}),
    )
    inlines = (RoleGrantInline,)


class ActiveGrantFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return (("active", _("active")), ("revoked", _("revoked")))

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.filter(valid_to__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(valid_to__isnull=False)
        return queryset


@admin.register(RoleGrant)
class RoleGrantAdmin(ReadOnlyAdmin):
    """Read-only: grants change on the organisation's roles page, which checks and audits."""

    list_display = (
        "user",
        "role",
        "organization",
        "valid_from",
        "valid_to",
        "granted_by",
        "revoked_by",
    )
    list_filter = (ActiveGrantFilter, "role", "valid_from")
    search_fields = (
        "user__username",
        "user__member__full_name",
        "organization__name",
        "organization__code",
    )
    list_select_related = ("user", "organization", "granted_by", "revoked_by")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are created by their owner (the key is shown once); here they can be revoked."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at", "created_at")
    search_fields = ("name", "user__username", "prefix")
    list_select_related = ("user",)
    actions = ("revoke_tokens",)

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke_tokens(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            api_token_revoke(token=token)
        self.message_user(
            request,
            ngettext("%(n)d token revoked.", "%(n)d tokens revoked.", len(tokens))
            % {"n": len(tokens)},
            messages.SUCCESS,
        )


@admin.register(LoginFailure)
class LoginFailureAdmin(ReadOnlyAdmin):
    """Failed logins in the throttle window; deleting a username's rows unlocks it at once."""

    list_display = ("username", "ip", "at")
    search_fields = ("username", "ip")
    list_filter = ("at",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser
