from django.contrib import admin

from tusoi.audit.admin import ReadOnlyAdmin
from tusoi.orgs.models import Organization, OrgKind


@admin.register(OrgKind)
class OrgKindAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "is_cell", "sort_order")
    list_filter = ("is_cell",)
    search_fields = ("name", "code")
    ordering = ("sort_order", "name")


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    """Read-only: the tree (paths, moves) changes only through the organisation pages."""

    list_display = ("name", "code", "kind", "parent", "depth", "path")
    list_filter = ("kind", "depth")
    search_fields = ("name", "code", "path")
    list_select_related = ("kind", "parent")
    ordering = ("path",)
    show_full_result_count = False
