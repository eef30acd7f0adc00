from django.urls import path

from tusoi.monitoring.views import dashboard, progress

app_name = "monitoring"
urlpatterns = [
    # Dashboards, lists, charts (views/dashboard.py)
    path("campaign/<int:campaign_pk>/org/<int:org_pk>/", dashboard.dashboard, name="dashboard"),
    path(
        "campaign/<int:campaign_pk>/org/<int:org_pk>/list/<slug:which>/",
        dashboard.org_list,
        name="list",
    ),
    path(
        "campaign/<int:campaign_pk>/org/<int:org_pk>/list/<slug:which>/export.<str:fmt>",
        dashboard.org_list_export,
        name="list_export",
    ),
    path(
        "campaign/<int:campaign_pk>/org/<int:org_pk>/chart/<slug:which>.svg",
        dashboard.chart,
        name="chart",
    ),
    # Difficulties and progress reports upward (views/progress.py)
    path(
        "campaign/<int:campaign_pk>/org/<int:org_pk>/difficulties/",
        progress.difficulties,
        name="difficulties",
    ),
    path(
        "campaign/<int:campaign_pk>/org/<int:org_pk>/progress-reports/",
        progress.progress_reports,
        name="progress_reports",
    ),
    path("progress-reports/<int:pk>/", progress.progress_report, name="progress_report"),
    path(
        "progress-reports/<int:pk>/report.<str:fmt>",
        progress.progress_report_file,
        name="progress_report_file",
    ),
]
