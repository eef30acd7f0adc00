"""The Django admin: every model of orgs, members, accounts and audit is registered and its
pages open for a superuser; the audit trail cannot be added to, changed or deleted there."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tusoi.accounts.models import ApiToken
from tusoi.accounts.services import (
    account_create_for_member,
    api_token_authenticate,
    api_token_create,
)
from tusoi.audit.models import AuditEvent

APPS = ("orgs", "members", "accounts", "audit")


def _models():
    return [m for label in APPS for m in apps.get_app_config(label).get_models()]


@pytest.fixture
def superuser_client(db, user_factory):
    user = user_factory(username="quantri", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", _models(), ids=lambda m: m._meta.label)
def test_every_model_is_registered(model):
    assert admin.site.is_registered(model)


def test_every_changelist_and_object_page_opens(tree, superuser_client):
    slip = account_create_for_member(actor=None, member=tree.member_a)
    api_token_create(user=slip.user, name="x")
    for model in _models():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = superuser_client.get(changelist)
        assert response.status_code == 200, changelist
        obj = model._default_manager.first()
        if obj is not None:
            page = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            assert superuser_client.get(page).status_code == 200, page


def test_changelist_search_works(tree, superuser_client):
    response = superuser_client.get(
        reverse("admin:members_member_changelist"), {"q": tree.member_a.card_number}
    )
    assert tree.member_a.full_name in response.content.decode()


def test_audit_events_are_read_only_in_admin(tree, superuser_client):
    account_create_for_member(actor=None, member=tree.member_a)
    event = AuditEvent.objects.first()
    model_admin = admin.site._registry[AuditEvent]
    request = type("R", (), {"user": None})()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert superuser_client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:audit_auditevent_change", args=[event.pk])
    superuser_client.post(change, {"note": "sửa lén"})
    event.refresh_from_db()
    assert event.note != "sửa lén"
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_admin_titles_are_vietnamese(superuser_client):
    html = superuser_client.get(reverse("admin:index")).content.decode()
    assert "Quản trị TuSoi" in html


def test_admin_action_revokes_tokens(superuser_client, user_factory):
    owner = user_factory(username="chu")
    token, key = api_token_create(user=owner, name="x")
    response = superuser_client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke_tokens", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    assert api_token_authenticate(key) is None
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_staff_without_superuser_cannot_open_member_admin(tree, user_factory):
    client = Client()
    client.force_login(user_factory(username="nhanvien", is_staff=True))
    assert client.get(reverse("admin:members_member_changelist")).status_code == 403
