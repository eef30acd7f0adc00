from django.contrib import admin

from tusoi.activities.models import Activity, ActivityAttachment, Commendation


class ActivityAttachmentInline(admin.TabularInline):
    model = ActivityAttachment
    extra = 0


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("title", "organization", "kind", "on", "participants", "campaign")
    list_filter = ("kind",)
    search_fields = ("title", "organization__name")
    date_hierarchy = "on"
    raw_id_fields = ("organization", "campaign", "created_by")
    inlines = [ActivityAttachmentInline]


@admin.register(Commendation)
class CommendationAdmin(admin.ModelAdmin):
    list_display = ("__str__", "organization", "member", "commended_organization", "level", "on")
    list_filter = ("level",)
    search_fields = ("reason", "member__full_name", "commended_organization__name")
    date_hierarchy = "on"
    raw_id_fields = ("organization", "campaign", "member", "commended_organization", "created_by")
