from django.urls import path

from tusoi.imports import views

app_name = "imports"
urlpatterns = [
    path("<slug:kind>/org/<int:org_pk>/", views.start, name="start"),
    path("<slug:kind>/org/<int:org_pk>/export/", views.export, name="export"),
    path("<slug:kind>/template/", views.template, name="template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/status/", views.status, name="status"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/errors/", views.error_file, name="errors"),
]
