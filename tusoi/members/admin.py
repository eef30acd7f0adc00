from django.contrib import admin

from tusoi.audit.admin import ReadOnlyAdmin
from tusoi.members.models import DuplicateDismissal, Member, MembershipPeriod


class MembershipPeriodInline(admin.TabularInline):
    model = MembershipPeriod
    fk_name = "member"
    fields = ("valid_from", "valid_to", "cell", "status", "change", "reason", "recorded_by")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("valid_from", "id")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    """Read-only: records change through the member pages, which keep history and audit."""

    list_display = ("full_name", "card_number", "cell", "status", "is_leader", "birth_date")
    list_filter = ("status", "is_leader", "life_situation", "gender", "works_away")
    search_fields = ("full_name", "search_name", "card_number", "citizen_id", "cell__name")
    list_select_related = ("cell",)
    inlines = (MembershipPeriodInline,)
    show_full_result_count = False


@admin.register(MembershipPeriod)
class MembershipPeriodAdmin(ReadOnlyAdmin):
    list_display = ("member", "cell", "status", "change", "valid_from", "valid_to")
    list_filter = ("status", "change", "valid_from")
    search_fields = ("member__full_name", "member__card_number", "cell__name")
    list_select_related = ("member", "cell")
    show_full_result_count = False


@admin.register(DuplicateDismissal)
class DuplicateDismissalAdmin(ReadOnlyAdmin):
    list_display = ("member_low", "member_high", "dismissed_by", "dismissed_at")
    search_fields = ("member_low__full_name", "member_high__full_name")
    list_select_related = ("member_low", "member_high", "dismissed_by")
