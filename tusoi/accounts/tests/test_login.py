"""Logging in: the throttle, forced password change after a one-time password, the hasher."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tusoi.accounts.models import LoginFailure
from tusoi.accounts.services import account_create_for_member
from tusoi.testing.factories import PASSWORD

LOGIN = "/accounts/login/"


def _login(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def test_right_password_logs_in_and_goes_home(client, make_user):
    user = make_user(username="an")
    response = _login(client, "an", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("accounts:profile")).context["user"] == user


def test_username_is_not_case_sensitive_at_login(client, make_user):
    make_user(username="ab12345678")
    assert _login(client, "AB12345678", PASSWORD).status_code == 302


def test_wrong_password_says_so_in_vietnamese(client, make_user):
    make_user(username="an")
    response = _login(client, "an", "sai-mat-khau")
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(TUSOI_LOGIN_MAX_FAILURES=3)
def test_throttle_locks_after_n_failures_even_for_the_right_password(client, make_user):
    make_user(username="an")
    for _ in range(2):
        assert "Sai tên đăng nhập" in _login(client, "an", "sai").content.decode()
    third = _login(client, "an", "sai").content.decode()
    assert "tạm khóa" in third  # the failure that reaches the limit already says it is locked
    locked = _login(client, "an", PASSWORD)
    assert locked.status_code == 200
    assert "tạm khóa" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(TUSOI_LOGIN_MAX_FAILURES=3)
def test_throttle_counts_per_username(client, make_user):
    make_user(username="an")
    make_user(username="binh")
    for _ in range(3):
        _login(client, "an", "sai")
    assert _login(client, "binh", PASSWORD).status_code == 302


@override_settings(TUSOI_LOGIN_MAX_FAILURES=3)
def test_successful_login_resets_the_failure_count(client, make_user):
    make_user(username="an")
    for _ in range(2):
        _login(client, "an", "sai")
    assert _login(client, "an", PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(username="an").exists()
    client.logout()
    for _ in range(2):
        _login(client, "an", "sai")
    assert _login(client, "an", PASSWORD).status_code == 302


def test_login_ignores_next_pointing_to_another_site(client, make_user):
    make_user(username="an")
    response = client.post(
        LOGIN + "?next=https://evil.example/", {"username": "an", "password": PASSWORD}
    )
    assert response["Location"] == reverse("core:home")


@pytest.fixture
def slip(tree):
    return account_create_for_member(actor=None, member=tree.member_a)


def test_one_time_password_login_is_sent_to_choose_a_password(client, slip):
    response = _login(client, slip.user.username, slip.password)
    assert response.status_code == 302
    first = reverse("accounts:first_password")
    for url in ("/", reverse("accounts:profile"), reverse("members:search"), "/admin/"):
        got = client.get(url)
        assert got.status_code == 302, url
        assert got["Location"] == first, url
    assert client.get(first).status_code == 200


def test_choosing_a_password_frees_every_page(client, slip):
    _login(client, slip.user.username, slip.password)
    response = client.post(
        reverse("accounts:first_password"),
        {"new_password1": "Hoa-sen-no-2025", "new_password2": "Hoa-sen-no-2025"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.get("/").status_code == 200  # still logged in, no more redirect
    slip.user.refresh_from_db()
    assert not slip.user.must_change_password
    fresh = Client()
    assert _login(fresh, slip.user.username, slip.password).status_code == 200  # old one dead
    assert _login(fresh, slip.user.username, "Hoa-sen-no-2025").status_code == 302


def test_first_password_refuses_a_weak_password_naming_the_field(client, slip):
    _login(client, slip.user.username, slip.password)
    response = client.post(
        reverse("accounts:first_password"), {"new_password1": "123", "new_password2": "123"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    slip.user.refresh_from_db()
    assert slip.user.must_change_password


def test_production_settings_hash_passwords_with_argon2_first():
    import tusoi.settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_hasher_is_usable():
    from django.contrib.auth.hashers import Argon2PasswordHasher

    hasher = Argon2PasswordHasher()
    encoded = hasher.encode("mật khẩu", hasher.salt())
    assert encoded.startswith("argon2$")
    assert hasher.verify("mật khẩu", encoded)
