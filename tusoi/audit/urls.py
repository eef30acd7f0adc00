from django.urls import path

from tusoi.audit import views

app_name = "audit"
urlpatterns = [
    path("org/<int:pk>/", views.org_events, name="org"),
    path("member/<int:pk>/", views.member_events, name="member"),
]
