from django.urls import path

from tusoi.members import views

app_name = "members"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("<int:pk>/", views.detail, name="detail"),
]
