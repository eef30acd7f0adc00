"""Accounts for a cell's members in one step, printable slips, password resets."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tusoi.accounts.models import RoleGrant, User
from tusoi.accounts.services import account_create_for_member, user_reset_password
from tusoi.members.models import Member, MemberStatus
from tusoi.orgs.permissions import Role
from tusoi.testing.factories import grant, make_member


@pytest.fixture
def secretary(tree, make_user):
    return make_user(tree.cell_a, Role.SECRETARY, username="bithu-a1")


@pytest.fixture
def secretary_client(secretary):
    client = Client()
    client.force_login(secretary)
    return client


def _logs_in(username: str, password: str) -> bool:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


def test_cell_accounts_page_lists_members_with_and_without_account(tree, secretary_client):
    with_account = make_member(tree.cell_a, "Phạm Thị Dung")
    account_create_for_member(actor=None, member=with_account)
    response = secretary_client.get(reverse("accounts:cell_accounts", args=[tree.cell_a.pk]))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows.without_account == [tree.member_a]
    assert rows.with_account == [with_account]
    html = response.content.decode()
    assert with_account.card_number.lower() in html


def test_create_makes_accounts_only_for_members_without_one(tree, secretary, secretary_client):
    had = make_member(tree.cell_a, "Phạm Thị Dung")
    old_slip = account_create_for_member(actor=None, member=had)
    new = make_member(tree.cell_a, "Hoàng Văn Em")
    gone = make_member(tree.cell_a, "Đỗ Văn Giang")
    Member.objects.filter(pk=gone.pk).update(status=MemberStatus.LEFT)
    response = secretary_client.post(
        reverse("accounts:cell_accounts_create", args=[tree.cell_a.pk])
    )
    assert response.status_code == 200
    slips = response.context["slips"]
    assert {s.member for s in slips} == {tree.member_a, new}
    assert not User.objects.filter(member=gone).exists()
    assert _logs_in(had.card_number.lower(), old_slip.password)  # untouched
    html = response.content.decode()
    for slip in slips:
        assert slip.user.username in html
        assert slip.password in html
        assert slip.user.must_change_password
        assert slip.user.created_by == secretary
        assert not slip.user.check_password("") and slip.password not in slip.user.password
        assert RoleGrant.objects.filter(
            user=slip.user, organization=tree.cell_a, role=Role.MEMBER, valid_to=None
        ).exists()
        assert _logs_in(slip.user.username, slip.password)
    assert response["Cache-Control"].startswith("max-age=0")
    assert "no-store" in response["Cache-Control"]


def test_slips_show_member_cell_site_and_instructions(tree, secretary_client):
    response = secretary_client.post(
        reverse("accounts:cell_accounts_create", args=[tree.cell_a.pk])
    )
    html = response.content.decode()
    assert tree.member_a.full_name in html
    assert tree.cell_a.name in html
    assert "http://testserver/" in html
    assert "chọn mật khẩu" in html
    assert "@media print" not in html  # the print layout lives in the stylesheet
    assert "accounts/slips.css" in html


def test_second_create_has_nothing_to_do(tree, secretary_client):
    url = reverse("accounts:cell_accounts_create", args=[tree.cell_a.pk])
    secretary_client.post(url)
    again = secretary_client.post(url)
    assert again.status_code == 302
    assert User.objects.filter(member=tree.member_a).count() == 1


def test_a_taken_username_stops_the_batch_and_names_the_member(tree, secretary_client):
    make_member(tree.cell_a, "Hoàng Văn Em", card_number="77700001")
    User.objects.create_user(username="77700001", password="x")
    response = secretary_client.post(
        reverse("accounts:cell_accounts_create", args=[tree.cell_a.pk]), follow=True
    )
    assert "Hoàng Văn Em" in response.content.decode()
    assert not User.objects.filter(member=tree.member_a).exists()  # nothing half-saved


def test_cell_accounts_refuses_a_branch(tree, make_user):
    client = Client()
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    assert client.get(reverse("accounts:cell_accounts", args=[tree.branch_a.pk])).status_code == 404
    assert client.get(reverse("accounts:cell_accounts", args=[tree.cell_a.pk])).status_code == 200


def test_member_reset_creates_the_account_when_missing(tree, secretary_client):
    response = secretary_client.post(reverse("accounts:member_reset", args=[tree.member_a.pk]))
    assert response.status_code == 200
    [slip] = response.context["slips"]
    assert slip.user.member == tree.member_a
    assert _logs_in(slip.user.username, slip.password)


def test_member_reset_invalidates_the_old_password_and_sessions(tree, secretary_client):
    first = account_create_for_member(actor=None, member=tree.member_a)
    member_client = Client()
    member_client.force_login(first.user)
    response = secretary_client.post(reverse("accounts:member_reset", args=[tree.member_a.pk]))
    [slip] = response.context["slips"]
    assert slip.user == first.user
    assert slip.password != first.password
    assert not _logs_in(first.user.username, first.password)
    assert _logs_in(first.user.username, slip.password)
    assert member_client.get("/").status_code == 302
    assert User.objects.filter(member=tree.member_a).count() == 1


def test_secretary_cannot_reset_a_committee_member_of_the_cell(tree, secretary_client):
    slip = account_create_for_member(actor=None, member=tree.member_a)
    grant(slip.user, tree.branch_a, Role.COMMITTEE)
    response = secretary_client.post(
        reverse("accounts:member_reset", args=[tree.member_a.pk]), follow=True
    )
    assert "slips" not in response.context
    assert _logs_in(slip.user.username, slip.password)


def test_committee_can_reset_a_secretary_of_its_subtree(tree, make_user):
    slip = account_create_for_member(actor=None, member=tree.member_a)
    grant(slip.user, tree.cell_a, Role.SECRETARY)
    committee = make_user(tree.branch_a, Role.COMMITTEE)
    new = user_reset_password(actor=committee, user=slip.user)
    assert _logs_in(slip.user.username, new.password)


def test_sibling_secretary_gets_404_and_nothing_changes(tree, make_user):
    client = Client()
    client.force_login(make_user(tree.cell_b, Role.SECRETARY))
    assert (
        client.post(reverse("accounts:cell_accounts_create", args=[tree.cell_a.pk])).status_code
        == 404
    )
    assert client.post(reverse("accounts:member_reset", args=[tree.member_a.pk])).status_code == 404
    assert not User.objects.filter(member=tree.member_a).exists()


def test_plain_member_cannot_manage_accounts_of_own_cell(tree, make_user):
    client = Client()
    client.force_login(make_user(tree.cell_a, Role.MEMBER, member=tree.member_a))
    assert client.get(reverse("accounts:cell_accounts", args=[tree.cell_a.pk])).status_code == 404
    assert client.post(reverse("accounts:member_reset", args=[tree.member_a.pk])).status_code == 404


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_cell_accounts_page_queries_do_not_grow_with_members(
    tree, secretary_client, django_assert_max_num_queries
):
    url = reverse("accounts:cell_accounts", args=[tree.cell_a.pk])
    account_create_for_member(actor=None, member=make_member(tree.cell_a, "Phạm Thị Dung"))
    few = _count(secretary_client, url)
    for n in range(10):
        member = make_member(tree.cell_a, f"Người Thứ {n}")
        if n % 2:
            account_create_for_member(actor=None, member=member)
    with django_assert_max_num_queries(few):
        secretary_client.get(url)


def test_cell_page_links_to_accounts_for_its_secretary(tree, secretary_client):
    html = secretary_client.get(reverse("orgs:detail", args=[tree.cell_a.pk])).content.decode()
    assert reverse("accounts:cell_accounts", args=[tree.cell_a.pk]) in html
    assert reverse("accounts:org_roles", args=[tree.cell_a.pk]) not in html  # may not grant


def test_member_page_offers_a_slip_to_the_secretary_only(tree, secretary_client, make_user):
    url = reverse("members:detail", args=[tree.member_a.pk])
    reset = reverse("accounts:member_reset", args=[tree.member_a.pk])
    assert reset in secretary_client.get(url).content.decode()
    supervisor = Client()
    supervisor.force_login(make_user(tree.cell_a, Role.SUPERVISOR))
    assert reset not in supervisor.get(url).content.decode()


def test_slips_are_printed_for_accounts_made_without_a_password(tree, secretary, secretary_client):
    """A role import makes accounts without passwords; the cell's slips give them their first."""
    silent = User.objects.create_user(username=tree.member_a.card_number, member=tree.member_a)
    silent.set_unusable_password()
    silent.save()
    page = secretary_client.get(reverse("accounts:cell_accounts", args=[tree.cell_a.pk]))
    assert tree.member_a.full_name in page.content.decode()
    response = secretary_client.post(
        reverse("accounts:cell_accounts_create", args=[tree.cell_a.pk])
    )
    assert response.status_code == 200
    silent.refresh_from_db()
    assert silent.has_usable_password() and silent.must_change_password
    assert User.objects.filter(member=tree.member_a).count() == 1
    again = secretary_client.post(reverse("accounts:cell_accounts_create", args=[tree.cell_a.pk]))
    assert again.status_code == 302  # nobody left without a way to log in


def test_secretary_cannot_issue_a_password_to_a_silent_account_holding_a_stronger_role(
    tree, secretary, secretary_client
):
    silent = User.objects.create_user(username=tree.member_a.card_number, member=tree.member_a)
    silent.set_unusable_password()
    silent.save()
    grant(silent, tree.branch_a, Role.COMMITTEE)
    response = secretary_client.post(
        reverse("accounts:cell_accounts_create", args=[tree.cell_a.pk]), follow=True
    )
    assert "cấp ủy cấp trên" in response.content.decode()
    silent.refresh_from_db()
    assert not silent.has_usable_password()
