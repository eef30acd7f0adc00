"""Importing role grants: people by username or card number, scope of what each may grant,
no duplicate grant, audit, round trip."""

import pytest
from django.utils import translation

from tusoi.accounts import imports
from tusoi.accounts.models import RoleGrant
from tusoi.audit.models import AuditEvent
from tusoi.orgs.permissions import Role
from tusoi.tabular import Row, Table


def make_table(*rows: tuple) -> Table:
    keys = ("person", "org_code", "role")
    return Table(
        columns=list(imports.COLUMNS),
        column_letters={},
        rows=[Row(i, dict(zip(keys, r, strict=True))) for i, r in enumerate(rows, start=2)],
        source_name="vai-tro.xlsx",
    )


def errors(plan) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in plan.errors]


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def people(tree, make_user):
    lan = make_user(username="lan")
    an = make_user(username=tree.member_a.card_number.lower(), member=tree.member_a)
    return lan, an


def test_grants_by_username_or_card_number_with_vietnamese_role_names(tree, people):
    lan, an = people
    plan = imports.validate(
        make_table(
            ("LAN", "A1", "Bí thư chi bộ"),
            (tree.member_a.card_number, "A1", "đảng viên"),
            ("lan", "A", "committee"),
        ),
        root=tree.branch_a,
        actor=None,
    )
    assert plan.errors == []
    result = imports.apply(plan, actor=None)
    assert result.created == 3
    assert RoleGrant.objects.filter(
        user=lan, organization=tree.cell_a, role=Role.SECRETARY
    ).exists()
    assert RoleGrant.objects.filter(user=an, organization=tree.cell_a, role=Role.MEMBER).exists()
    assert AuditEvent.objects.filter(action="grant").count() == 3


def test_unknown_people_organisations_roles_and_misplaced_secretaries(tree, people):
    lan, _an = people
    lan.is_active = False
    lan.save()
    plan = imports.validate(
        make_table(
            ("khong-ai", "A1", "Đảng viên"),
            ("lan", "A1", "Đảng viên"),
            (tree.member_a.card_number, "KHONG-CO", "Đảng viên"),
            (tree.member_a.card_number, "A1", "trưởng thôn"),
            (tree.member_a.card_number, "A", "Bí thư chi bộ"),
            (tree.member_a.card_number, "B1", "Đảng viên"),
            ("", "", ""),
        ),
        root=tree.branch_a,
        actor=None,
    )
    assert errors(plan) == [
        (2, "person"),
        (3, "person"),
        (4, "org_code"),
        (5, "role"),
        (6, "role"),
        (7, "org_code"),
        (8, "person"),
        (8, "org_code"),
        (8, "role"),
    ]


def test_duplicate_rows_name_both_rows(tree, people):
    plan = imports.validate(
        make_table(("lan", "A1", "Đảng viên"), ("LAN", "a1", "member")),
        root=tree.branch_a,
        actor=None,
    )
    assert sorted(errors(plan)) == [(2, "person"), (3, "person")]


def test_only_roles_the_actor_may_grant_and_only_in_their_subtree(tree, people, make_user):
    committee_b = make_user(tree.branch_b, Role.COMMITTEE)
    plan = imports.validate(
        make_table(("lan", "A1", "Đảng viên")), root=tree.branch_a, actor=committee_b
    )
    assert errors(plan) == [(0, "")]
    committee_a = make_user(tree.branch_a, Role.COMMITTEE)
    plan = imports.validate(
        make_table(("lan", "A1", "Quản trị viên"), ("lan", "A2", "Đảng viên")),
        root=tree.branch_a,
        actor=committee_a,
    )
    assert errors(plan) == [(2, "role")]
    assert not RoleGrant.objects.filter(user__username="lan").exists()


def test_reimport_changes_nothing_and_export_round_trips(tree, people):
    table = make_table(("lan", "A1", "Bí thư chi bộ"), ("lan", "B1", "Đảng viên"))
    imports.apply(imports.validate(table, root=tree.province, actor=None), actor=None)
    events = AuditEvent.objects.count()
    again = imports.validate(table, root=tree.province, actor=None)
    assert (len(again.creates), again.unchanged) == (0, 2)
    imports.apply(again, actor=None)
    assert AuditEvent.objects.count() == events
    rows = list(imports.export_rows(tree.branch_a))
    assert rows == [{"person": "lan", "org_code": "A1", "role": "Bí thư chi bộ"}]
    plan = imports.validate(
        make_table(*[tuple(r.values()) for r in rows]), root=tree.branch_a, actor=None
    )
    assert plan.errors == [] and plan.unchanged == 1 and plan.creates == []


def test_export_does_not_grow_queries_with_rows(tree, people, django_assert_max_num_queries):
    lan, an = people
    for org in (tree.cell_a, tree.cell_a2, tree.cell_b):
        RoleGrant.objects.create(user=lan, organization=org, role=Role.MEMBER)
    with django_assert_max_num_queries(2):
        assert len(list(imports.export_rows(tree.province))) == 3


def test_member_without_account_gets_one_without_a_password(tree, people):
    newcomer = tree.member_a2  # a member of cell A2 with no account
    plan = imports.validate(
        make_table(
            (newcomer.card_number, "A2", "Bí thư chi bộ"),
            (newcomer.card_number, "A2", "Đảng viên"),
        ),
        root=tree.branch_a,
        actor=None,
    )
    assert plan.errors == []
    assert [w.row for w in plan.warnings] == [2]
    imports.apply(plan, actor=None)
    user = type(people[0]).objects.get(member=newcomer)
    assert user.username == newcomer.card_number.lower()
    assert not user.has_usable_password() and user.must_change_password
    assert set(
        RoleGrant.objects.filter(user=user, valid_to__isnull=True).values_list("role", flat=True)
    ) == {Role.SECRETARY, Role.MEMBER}
    assert AuditEvent.objects.filter(
        action="account", target_type="members.member", target_id=newcomer.pk
    ).exists()

    again = imports.validate(
        make_table((newcomer.card_number, "A2", "Bí thư chi bộ")), root=tree.branch_a, actor=None
    )
    assert (again.errors, len(again.creates), again.unchanged) == ([], 0, 1)


def test_member_outside_the_root_gets_no_account(tree, people):
    plan = imports.validate(
        make_table((tree.member_b.card_number, "A1", "Đảng viên")), root=tree.branch_a, actor=None
    )
    assert errors(plan) == [(2, "person")]


def test_new_secretary_from_a_roles_workbook_logs_in_with_a_printed_slip(tree, people, client):
    from django.urls import reverse

    from tusoi.accounts.models import User
    from tusoi.accounts.services import cell_accounts_create

    newcomer = tree.member_a2
    plan = imports.validate(
        make_table((newcomer.card_number, "A2", "Bí thư chi bộ")), root=tree.branch_a, actor=None
    )
    imports.apply(plan, actor=None)
    committee = User.objects.create_user(username="tochuc")
    RoleGrant.objects.create(user=committee, organization=tree.branch_a, role=Role.COMMITTEE)
    slips = cell_accounts_create(actor=committee, cell=tree.cell_a2)
    slip = next(s for s in slips if s.member == newcomer)
    response = client.post(
        reverse("accounts:login"), {"username": slip.user.username, "password": slip.password}
    )
    assert response.status_code == 302
    assert client.get("/").url == reverse("accounts:first_password")
