"""API authentication: bearer tokens, the browser session with CSRF, one-time passwords."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from tusoi.accounts.services import api_token_create, api_token_revoke, user_logout_everywhere
from tusoi.members.models import Member
from tusoi.orgs.permissions import Role
from tusoi.testing.factories import PASSWORD

ORGS = reverse("api:orgs_list")


def _bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def secretary_a(tree, make_user):
    return make_user(tree.cell_a, Role.SECRETARY)


def _new_member_body(tree, card="55500001"):
    return json.dumps(
        {
            "cell": tree.cell_a.pk,
            "card_number": card,
            "full_name": "Đỗ Minh Châu",
            "birth_date": "1992-01-15",
            "gender": "female",
            "admitted_on": "2016-05-19",
        }
    )


def test_anonymous_caller_gets_401_json_in_vietnamese(client, tree):
    response = client.get(ORGS)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "đăng nhập" in response.json()["detail"]


def test_bearer_token_authenticates(client, tree, secretary_a):
    _token, key = api_token_create(user=secretary_a, name="máy tính bảng")
    response = client.get(ORGS, **_bearer(key))
    assert response.status_code == 200
    assert [o["code"] for o in response.json()["items"]] == ["A1"]


def test_revoked_token_is_refused(client, tree, secretary_a):
    token, key = api_token_create(user=secretary_a, name="cũ")
    api_token_revoke(token=token)
    assert client.get(ORGS, **_bearer(key)).status_code == 401


def test_logout_everywhere_revokes_tokens(client, tree, secretary_a):
    _token, key = api_token_create(user=secretary_a, name="điện thoại")
    user_logout_everywhere(user=secretary_a)
    assert client.get(ORGS, **_bearer(key)).status_code == 401


def test_unknown_token_is_refused(client, tree):
    assert client.get(ORGS, **_bearer("not-a-real-key")).status_code == 401


def test_token_of_disabled_user_is_refused(client, tree, secretary_a):
    _token, key = api_token_create(user=secretary_a, name="x")
    secretary_a.is_active = False
    secretary_a.save()
    assert client.get(ORGS, **_bearer(key)).status_code == 401


def test_user_with_one_time_password_gets_403_telling_to_set_password(client, tree, make_user):
    user = make_user(tree.branch_a, Role.COMMITTEE, must_change_password=True)
    _token, key = api_token_create(user=user, name="x")
    response = client.get(ORGS, **_bearer(key))
    assert response.status_code == 403
    assert "mật khẩu" in response.json()["detail"]
    client.force_login(user)
    response = client.get(ORGS)
    assert response.status_code == 403
    assert "mật khẩu" in response.json()["detail"]


def test_me_answers_a_user_who_must_still_change_password(client, tree, make_user):
    user = make_user(tree.branch_a, Role.COMMITTEE, must_change_password=True)
    client.force_login(user)
    response = client.get(reverse("api:me"))
    assert response.status_code == 200
    assert response.json()["must_change_password"] is True


def test_session_post_without_csrf_token_is_refused_and_saves_nothing(tree, secretary_a):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(secretary_a)
    response = browser.post(
        reverse("api:members_create"), data=_new_member_body(tree), content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Member.objects.filter(card_number="55500001").exists()


def test_session_patch_without_csrf_token_is_refused(tree, secretary_a):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(secretary_a)
    response = browser.patch(
        reverse("api:members_update", kwargs={"id": tree.member_a.pk}),
        data=json.dumps({"version": tree.member_a.version, "job": "Kỹ sư"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    tree.member_a.refresh_from_db()
    assert tree.member_a.job == ""


def test_session_post_with_csrf_token_from_a_logged_in_page_succeeds(tree, secretary_a):
    browser = Client(enforce_csrf_checks=True)
    login = browser.get(reverse("accounts:login"))
    token = login.cookies["csrftoken"].value
    response = browser.post(
        reverse("accounts:login"),
        data={"username": secretary_a.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    token = browser.cookies["csrftoken"].value  # rotated at login
    response = browser.post(
        reverse("api:members_create"),
        data=_new_member_body(tree),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201, response.content
    assert Member.objects.filter(card_number="55500001").exists()


def test_session_get_needs_no_csrf_token(tree, secretary_a):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(secretary_a)
    assert browser.get(ORGS).status_code == 200


def test_token_post_needs_no_csrf_token(tree, secretary_a):
    _token, key = api_token_create(user=secretary_a, name="x")
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        reverse("api:members_create"),
        data=_new_member_body(tree),
        content_type="application/json",
        **_bearer(key),
    )
    assert response.status_code == 201, response.content


def test_anonymous_post_gets_401_not_a_csrf_error(tree):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        reverse("api:members_create"), data=_new_member_body(tree), content_type="application/json"
    )
    assert response.status_code == 401
