from django.urls import path

from tusoi.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/first/", views.first_password, name="first_password"),
    path("me/", views.profile, name="profile"),
]
