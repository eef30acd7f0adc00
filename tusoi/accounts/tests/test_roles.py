"""Roles of an organisation: granting, revoking, handing over, with history kept."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tusoi.accounts.models import RoleGrant
from tusoi.accounts.selectors import role_grants_visible_to
from tusoi.accounts.services import account_create_for_member, role_grant
from tusoi.audit.models import AuditEvent
from tusoi.orgs.permissions import Action, Role
from tusoi.orgs.selectors import organizations_visible_to
from tusoi.testing.factories import grant, make_member


@pytest.fixture
def committee(tree, make_user):
    return make_user(tree.branch_a, Role.COMMITTEE, username="ban-to-chuc-a")


@pytest.fixture
def committee_client(committee):
    client = Client()
    client.force_login(committee)
    return client


def test_roles_page_shows_active_grants_and_history(tree, committee, committee_client, make_user):
    old = make_user(tree.cell_a, Role.SECRETARY, username="bithu-cu")
    now = make_user(username="bithu-moi")
    grant_old = RoleGrant.objects.get(user=old)
    client_url = reverse("accounts:role_hand_over", args=[grant_old.pk])
    committee_client.post(client_url, {"person": "bithu-moi"})
    response = committee_client.get(reverse("accounts:org_roles", args=[tree.cell_a.pk]))
    grants = response.context["grants"]
    assert [g.user for g in grants.active] == [now]
    assert [g.user for g in grants.history] == [old]
    assert grants.history[0].revoked_by == committee
    html = response.content.decode()
    assert "bithu-cu" in html and "bithu-moi" in html


def test_grant_by_party_card_number(tree, committee_client):
    slip = account_create_for_member(actor=None, member=tree.member_a)
    response = committee_client.post(
        reverse("accounts:role_grant", args=[tree.cell_a.pk]),
        {"person": tree.member_a.card_number, "role": Role.SECRETARY},
    )
    assert response.status_code == 302
    assert RoleGrant.objects.filter(
        user=slip.user, organization=tree.cell_a, role=Role.SECRETARY, valid_to=None
    ).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.GRANT).exists()


def test_grant_to_unknown_person_names_the_field(tree, committee_client):
    response = committee_client.post(
        reverse("accounts:role_grant", args=[tree.cell_a.pk]),
        {"person": "khong-ai", "role": Role.SUPERVISOR},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["person"]
    assert not RoleGrant.objects.filter(organization=tree.cell_a).exists()


def test_grant_twice_is_refused_on_the_person_field(tree, committee_client, make_user):
    make_user(tree.cell_a, Role.SUPERVISOR, username="giam-sat")
    response = committee_client.post(
        reverse("accounts:role_grant", args=[tree.cell_a.pk]),
        {"person": "giam-sat", "role": Role.SUPERVISOR},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["person"]
    assert RoleGrant.objects.filter(organization=tree.cell_a).count() == 1


def test_secretary_role_is_not_offered_on_a_branch(tree, committee_client):
    response = committee_client.get(reverse("accounts:org_roles", args=[tree.branch_a.pk]))
    offered = {value for value, _label in response.context["form"].fields["role"].choices}
    assert Role.SECRETARY not in offered
    assert Role.SUPERVISOR in offered


def test_committee_cannot_grant_admin(tree, committee, committee_client, make_user):
    make_user(username="tham-vong")
    response = committee_client.get(reverse("accounts:org_roles", args=[tree.cell_a.pk]))
    offered = {value for value, _label in response.context["form"].fields["role"].choices}
    assert Role.ADMIN not in offered
    assert offered == {Role.MEMBER, Role.SECRETARY, Role.COMMITTEE, Role.SUPERVISOR}
    posted = committee_client.post(
        reverse("accounts:role_grant", args=[tree.cell_a.pk]),
        {"person": "tham-vong", "role": Role.ADMIN},
    )
    assert posted.status_code == 400
    assert posted.context["form"].errors["role"]
    assert not RoleGrant.objects.filter(role=Role.ADMIN).exists()


def test_committee_cannot_revoke_an_admin_grant(tree, committee_client, make_user):
    admin_user = make_user(tree.branch_a, Role.ADMIN)
    admin_grant = RoleGrant.objects.get(user=admin_user)
    response = committee_client.post(reverse("accounts:role_revoke", args=[admin_grant.pk]))
    assert response.status_code == 302
    admin_grant.refresh_from_db()
    assert admin_grant.valid_to is None


def test_admin_may_grant_admin_in_subtree(tree, make_user):
    admin_user = make_user(tree.branch_a, Role.ADMIN)
    other = make_user(username="pho-ban")
    client = Client()
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:role_grant", args=[tree.cell_a.pk]),
        {"person": "pho-ban", "role": Role.ADMIN},
    )
    assert response.status_code == 302
    assert RoleGrant.objects.filter(user=other, role=Role.ADMIN, valid_to=None).exists()


def test_revoke_keeps_the_grant_as_history(tree, committee, committee_client, make_user):
    supervisor = make_user(tree.cell_a, Role.SUPERVISOR)
    g = RoleGrant.objects.get(user=supervisor)
    assert committee_client.post(reverse("accounts:role_revoke", args=[g.pk])).status_code == 302
    g.refresh_from_db()
    assert g.valid_to is not None and g.revoked_by == committee
    assert not organizations_visible_to(supervisor, Action.VIEW).filter(pk=tree.cell_a.pk).exists()


def test_hand_over_keeps_history_and_gives_the_new_secretary_the_cell(
    tree, committee, committee_client, make_user
):
    old = make_user(tree.cell_a, Role.SECRETARY, username="bithu-cu")
    old_grant = RoleGrant.objects.get(user=old)
    new_member = make_member(tree.cell_a, "Vũ Thị Hạnh")
    new_user = account_create_for_member(actor=None, member=new_member).user
    new_user.must_change_password = False  # has already chosen a password
    new_user.save()
    form = committee_client.get(reverse("accounts:role_hand_over", args=[old_grant.pk]))
    assert form.status_code == 200
    response = committee_client.post(
        reverse("accounts:role_hand_over", args=[old_grant.pk]),
        {"person": new_member.card_number, "note": "Đại hội chi bộ nhiệm kỳ mới"},
    )
    assert response.status_code == 302
    old_grant.refresh_from_db()
    assert old_grant.valid_to is not None
    assert old_grant.revoked_by == committee
    assert new_user.username in old_grant.note
    new_grant = RoleGrant.objects.get(user=new_user, role=Role.SECRETARY)
    assert new_grant.valid_to is None and new_grant.granted_by == committee
    assert RoleGrant.objects.filter(organization=tree.cell_a, role=Role.SECRETARY).count() == 2

    new_client, old_client = Client(), Client()
    new_client.force_login(new_user)
    old_client.force_login(old)
    cell_accounts = reverse("accounts:cell_accounts", args=[tree.cell_a.pk])
    assert new_client.get(cell_accounts).status_code == 200
    assert old_client.get(cell_accounts).status_code == 404
    assert (
        new_client.get(reverse("accounts:cell_accounts", args=[tree.cell_a2.pk])).status_code == 404
    )


def test_hand_over_to_the_same_person_is_refused(tree, committee_client, make_user):
    old = make_user(tree.cell_a, Role.SECRETARY, username="bithu-cu")
    g = RoleGrant.objects.get(user=old)
    response = committee_client.post(
        reverse("accounts:role_hand_over", args=[g.pk]), {"person": "bithu-cu"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["person"]
    g.refresh_from_db()
    assert g.valid_to is None


def test_hand_over_of_a_revoked_grant_is_404(tree, committee, committee_client, make_user):
    old = make_user(tree.cell_a, Role.SECRETARY)
    g = RoleGrant.objects.get(user=old)
    committee_client.post(reverse("accounts:role_revoke", args=[g.pk]))
    assert committee_client.get(reverse("accounts:role_hand_over", args=[g.pk])).status_code == 404


def test_grants_selector_hides_sibling_branch(tree, committee, make_user):
    in_a = RoleGrant.objects.get(user=make_user(tree.cell_a, Role.SECRETARY))
    in_b = RoleGrant.objects.get(user=make_user(tree.cell_b, Role.SECRETARY))
    visible = set(role_grants_visible_to(committee))
    assert in_a in visible and in_b not in visible


def test_sibling_branch_user_gets_404_on_every_accounts_page(tree, make_user):
    """Committee staff of branch B reach nothing of branch A through the accounts pages."""
    sibling = make_user(tree.branch_b, Role.ADMIN)
    target = make_user(tree.cell_a, Role.SECRETARY, username="bithu-a1")
    make_user(username="nguoi-khac")
    g = RoleGrant.objects.get(user=target)
    client = Client()
    client.force_login(sibling)
    requests = [
        ("get", reverse("accounts:cell_accounts", args=[tree.cell_a.pk]), None),
        ("post", reverse("accounts:cell_accounts_create", args=[tree.cell_a.pk]), None),
        ("post", reverse("accounts:member_reset", args=[tree.member_a.pk]), None),
        ("get", reverse("accounts:org_roles", args=[tree.cell_a.pk]), None),
        ("get", reverse("accounts:org_roles", args=[tree.branch_a.pk]), None),
        (
            "post",
            reverse("accounts:role_grant", args=[tree.cell_a.pk]),
            {"person": "nguoi-khac", "role": Role.SUPERVISOR},
        ),
        ("post", reverse("accounts:role_revoke", args=[g.pk]), None),
        ("get", reverse("accounts:role_hand_over", args=[g.pk]), None),
        ("post", reverse("accounts:role_hand_over", args=[g.pk]), {"person": "nguoi-khac"}),
    ]
    for method, url, data in requests:
        response = getattr(client, method)(url, data or {})
        assert response.status_code == 404, (method, url)
    g.refresh_from_db()
    assert g.valid_to is None
    assert RoleGrant.objects.filter(organization=tree.cell_a).count() == 1


def test_roles_page_queries_do_not_grow_with_grants(
    tree, committee, committee_client, make_user, django_assert_max_num_queries
):
    url = reverse("accounts:org_roles", args=[tree.cell_a.pk])
    first = make_user(tree.cell_a, Role.SUPERVISOR)
    with CaptureQueriesContext(connection) as few:
        committee_client.get(url)
    for n in range(6):
        member = make_member(tree.cell_a, f"Người Thứ {n}")
        user = account_create_for_member(actor=None, member=member).user
        g = role_grant(actor=committee, user=user, organization=tree.cell_a, role=Role.SUPERVISOR)
        if n % 2:
            from tusoi.accounts.services import role_revoke

            role_revoke(actor=committee, grant=g)
    grant(first, tree.cell_a, Role.COMMITTEE)
    with django_assert_max_num_queries(len(few.captured_queries)):
        committee_client.get(url)


def test_branch_page_links_to_its_roles_for_committee(tree, committee_client):
    html = committee_client.get(reverse("orgs:detail", args=[tree.branch_a.pk])).content.decode()
    assert reverse("accounts:org_roles", args=[tree.branch_a.pk]) in html
    assert reverse("accounts:cell_accounts", args=[tree.branch_a.pk]) not in html  # not a cell
