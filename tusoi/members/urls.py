from django.urls import path

from tusoi.members import views

app_name = "members"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("new/", views.create, name="create"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/merge/", views.merge, name="merge"),
    path("duplicates/dismiss/", views.dismiss, name="dismiss"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/status/", views.status, name="status"),
]
