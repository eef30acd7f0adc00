from django.contrib import admin

from tusoi.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only: jobs are written by the worker; `tusoi jobs-check` enqueues a self-check."""

    list_display = ["id", "label", "kind", "owner", "state", "progress_done", "created_at"]
    list_filter = ["state", "kind"]
    search_fields = ["label", "owner__username"]
    list_select_related = ["owner"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
