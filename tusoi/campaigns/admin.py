from django.contrib import admin

from tusoi.campaigns.models import Campaign, GuidingDocument


class GuidingDocumentInline(admin.TabularInline):
    model = GuidingDocument
    extra = 0
    raw_id_fields = ("organization", "uploaded_by")


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("title", "organization", "status", "starts_on", "ends_on")
    list_filter = ("status",)
    search_fields = ("title", "theme")
    raw_id_fields = ("organization", "created_by")
    inlines = [GuidingDocumentInline]
