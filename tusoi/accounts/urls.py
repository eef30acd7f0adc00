from django.urls import path

from tusoi.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/first/", views.first_password, name="first_password"),
    path("me/", views.profile, name="profile"),
    path("me/logout-everywhere/", views.logout_everywhere, name="logout_everywhere"),
    path("me/tokens/", views.tokens, name="tokens"),
    path("me/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("org/<int:pk>/accounts/", views.cell_accounts_page, name="cell_accounts"),
    path("org/<int:pk>/accounts/create/", views.cell_accounts_create, name="cell_accounts_create"),
    path("member/<int:pk>/reset/", views.member_reset, name="member_reset"),
    path("org/<int:pk>/roles/", views.org_roles, name="org_roles"),
    path("org/<int:pk>/roles/grant/", views.role_grant, name="role_grant"),
    path("grant/<int:pk>/revoke/", views.role_revoke, name="role_revoke"),
    path("grant/<int:pk>/hand-over/", views.role_hand_over, name="role_hand_over"),
]
