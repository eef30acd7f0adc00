from django.urls import path

from tusoi.activities import views

app_name = "activities"
urlpatterns = [
    path("org/<int:org_pk>/", views.activity_list, name="list"),
    path("org/<int:org_pk>/new/", views.activity_create, name="create"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("org/<int:org_pk>/commendations/", views.commendation_list, name="commendations"),
    path(
        "org/<int:org_pk>/commendations/new/", views.commendation_create, name="commendation_create"
    ),
]
