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
