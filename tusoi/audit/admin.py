from django.contrib import admin

from tusoi.audit.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that only the app's services write (they keep derived data and the audit trail
    consistent): the admin lists and shows them, it never adds, edits or deletes them."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "action", "target_type", "target_repr", "organization", "actor")
    list_filter = ("action", "target_type", "at")
    search_fields = ("target_repr", "note", "actor__username", "organization__name")
    list_select_related = ("organization", "actor")
    date_hierarchy = "at"
    show_full_result_count = False
