from django.contrib import admin
from django.urls import include, path

from tusoi.api import api

urlpatterns = [
    path("", include("tusoi.core.urls")),
    path("accounts/", include("tusoi.accounts.urls")),
    path("orgs/", include("tusoi.orgs.urls")),
    path("members/", include("tusoi.members.urls")),
    path("audit/", include("tusoi.audit.urls")),
    path("imports/", include("tusoi.imports.urls")),
    path("campaigns/", include("tusoi.campaigns.urls")),
    path("reports/", include("tusoi.reports.urls")),
    path("jobs/", include("tusoi.jobs.urls")),
    path("notifications/", include("tusoi.notifications.urls")),
    path("meetings/", include("tusoi.meetings.urls")),
    path("activities/", include("tusoi.activities.urls")),
    path("monitoring/", include("tusoi.monitoring.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
