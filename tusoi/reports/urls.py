from django.urls import path

from tusoi.reports import views

app_name = "reports"
urlpatterns = [
    path("reference/", views.reference_lists, name="reference_lists"),
    path("reference/<int:pk>/", views.reference_list, name="reference_list"),
    path("campaign/<int:campaign_pk>/templates/", views.templates, name="templates"),
    path(
        "campaign/<int:campaign_pk>/templates/defaults/",
        views.templates_create_defaults,
        name="templates_defaults",
    ),
    path("templates/<int:pk>/", views.template, name="template"),
    path("templates/<int:pk>/derive/", views.template_derive_view, name="template_derive"),
    path("templates/<int:pk>/print/", views.template_print, name="template_print"),
    path("templates/<int:pk>/sections/<slug:key>/", views.section_edit, name="section_edit"),
]
