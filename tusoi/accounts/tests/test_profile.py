"""The caller's own account: password change, logging out everywhere, API tokens."""

from django.test import Client
from django.urls import reverse

from tusoi.accounts.models import ApiToken
from tusoi.accounts.services import api_token_authenticate, api_token_create
from tusoi.testing.factories import PASSWORD

PROFILE = "/accounts/me/"


def _logged_in(username: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_change_password_keeps_this_session_and_ends_the_others(make_user):
    make_user(username="an")
    here, elsewhere = _logged_in("an"), _logged_in("an")
    response = here.post(
        PROFILE,
        {
            "old_password": PASSWORD,
            "new_password1": "Song-Hong-2025",
            "new_password2": "Song-Hong-2025",
        },
    )
    assert response.status_code == 302
    assert here.get(PROFILE).status_code == 200
    assert elsewhere.get(PROFILE).status_code == 302
    assert Client().login(username="an", password="Song-Hong-2025")


def test_change_password_refuses_a_wrong_current_password(make_user):
    user = make_user(username="an")
    client = _logged_in("an")
    response = client.post(
        PROFILE,
        {
            "old_password": "sai",
            "new_password1": "Song-Hong-2025",
            "new_password2": "Song-Hong-2025",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_logout_everywhere_ends_every_session_and_token(make_user):
    user = make_user(username="an")
    here, elsewhere = _logged_in("an"), _logged_in("an")
    _token, key = api_token_create(user=user, name="bảng tính")
    response = here.post(reverse("accounts:logout_everywhere"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    for client in (here, elsewhere):
        gone = client.get(PROFILE)
        assert gone.status_code == 302
        assert gone["Location"].startswith(reverse("accounts:login"))
    assert api_token_authenticate(key) is None
    assert Client().login(username="an", password=PASSWORD)  # the password itself still works


def test_logout_everywhere_refuses_get(make_user):
    make_user(username="an")
    client = _logged_in("an")
    assert client.get(reverse("accounts:logout_everywhere")).status_code == 405
    assert client.get(PROFILE).status_code == 200


def test_token_key_is_shown_once_and_only_its_hash_is_kept(make_user):
    user = make_user(username="an")
    client = _logged_in("an")
    response = client.post(reverse("accounts:tokens"), {"name": "Bảng tính chi bộ"})
    assert response.status_code == 200
    key = response.context["new_key"]
    assert key in response.content.decode()
    token = ApiToken.objects.get(user=user)
    assert token.name == "Bảng tính chi bộ"
    assert key not in (token.key_hash, token.prefix)
    assert api_token_authenticate(key) == user
    again = client.get(reverse("accounts:tokens")).content.decode()
    assert key not in again
    assert "Bảng tính chi bộ" in again


def test_token_revoke_stops_the_key(make_user):
    user = make_user(username="an")
    token, key = api_token_create(user=user, name="x")
    client = _logged_in("an")
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert api_token_authenticate(key) is None


def test_another_users_token_cannot_be_revoked(make_user):
    make_user(username="an")
    other = make_user(username="binh")
    token, key = api_token_create(user=other, name="x")
    client = _logged_in("an")
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    assert api_token_authenticate(key) == other


def test_tokens_page_queries_do_not_grow_with_tokens(make_user, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = make_user(username="an")
    client = _logged_in("an")
    api_token_create(user=user, name="một")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("accounts:tokens"))
    for n in range(8):
        api_token_create(user=user, name=f"token {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("accounts:tokens"))
