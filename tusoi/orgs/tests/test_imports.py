"""Importing the organisation tree: validation row by row, all-or-nothing apply, audit, scope,
round trip."""

import pytest
from django.utils import translation

from tusoi.audit.models import AuditEvent
from tusoi.orgs import imports
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Role
from tusoi.tabular import Row, Table


def make_table(*rows: tuple, columns=("code", "name", "kind", "parent_code")) -> Table:
    return Table(
        columns=[c for c in imports.COLUMNS if c.key in columns],
        column_letters={},
        rows=[Row(i, dict(zip(columns, r, strict=True))) for i, r in enumerate(rows, start=2)],
        source_name="to-chuc.xlsx",
    )


def errors_at(plan, row: int) -> list[str]:
    return [e.column for e in plan.errors if e.row == row]


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def test_new_cells_are_created_under_parents_defined_later_in_the_file(tree):
    table = make_table(
        ("A-C9", "Chi bộ khu phố 9", "chi-bo", "A-DB"),
        ("A-DB", "Đảng bộ khu phố", "Đảng bộ cơ sở", "A"),
    )
    plan = imports.validate(table, root=tree.branch_a, actor=None)
    assert plan.errors == []
    result = imports.apply(plan, actor=None)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    parent = Organization.objects.get(code="A-DB")
    cell = Organization.objects.get(code="A-C9")
    assert cell.parent == parent and parent.parent == tree.branch_a
    assert parent.kind.code == "dang-bo-co-so" and cell.kind.is_cell
    # Paths come from each parent's counter, as organization_create allocates them.
    tree.branch_a.refresh_from_db()
    assert parent.path == tree.branch_a.path + f"{tree.branch_a.child_counter:05d}"
    assert cell.path == parent.path + "00001" and cell.depth == parent.depth + 1
    parent.refresh_from_db()
    assert parent.child_counter == 1
    assert parent.name_key and cell.name_key
    assert (
        AuditEvent.objects.filter(action="create", target_id__in=[parent.pk, cell.pk]).count() == 2
    )


def test_every_problem_is_reported_not_only_the_first(tree):
    table = make_table(
        ("", "Chi bộ 1", "chi-bo", "A"),
        ("X2", "", "chi-bo", "A"),
        ("X3", "Chi bộ 3", "không có loại này", "A"),
        ("X4", "Chi bộ 4", "chi-bo", ""),
        ("X5", "Chi bộ 5", "chi-bo", "KHONG-CO"),
    )
    plan = imports.validate(table, root=tree.branch_a, actor=None)
    assert errors_at(plan, 2) == ["code"]
    assert errors_at(plan, 3) == ["name"]
    assert errors_at(plan, 4) == ["kind"]
    assert errors_at(plan, 5) == ["parent_code"]
    assert errors_at(plan, 6) == ["parent_code"]
    assert "KHONG-CO" in plan.errors[-1].message
    assert plan.creates == []


def test_duplicate_codes_in_the_file_name_both_rows(tree):
    plan = imports.validate(
        make_table(("X1", "Chi bộ 1", "chi-bo", "A"), ("x1", "Chi bộ 2", "chi-bo", "A")),
        root=tree.branch_a,
        actor=None,
    )
    messages = {e.row: e.message for e in plan.errors}
    assert set(messages) == {2, 3}
    assert "3" in messages[2] and "2" in messages[3]


def test_code_of_an_organisation_outside_the_root_is_refused(tree):
    plan = imports.validate(
        make_table(("B1", "Chi bộ lấn", "chi-bo", "A")), root=tree.branch_a, actor=None
    )
    assert errors_at(plan, 2) == ["code"]


def test_parent_outside_the_root_is_refused(tree):
    plan = imports.validate(
        make_table(("X1", "Chi bộ mới", "chi-bo", "B")), root=tree.branch_a, actor=None
    )
    assert errors_at(plan, 2) == ["parent_code"]
    assert "ngoài" in plan.errors[0].message or "B" in plan.errors[0].message


def test_a_loop_in_the_file_is_an_error_on_each_row(tree):
    plan = imports.validate(
        make_table(
            ("P", "Đảng bộ P", "dang-bo-co-so", "Q"), ("Q", "Đảng bộ Q", "dang-bo-co-so", "P")
        ),
        root=tree.branch_a,
        actor=None,
    )
    assert errors_at(plan, 2) == ["parent_code"] and errors_at(plan, 3) == ["parent_code"]
    assert "P → Q → P" in plan.errors[0].message or "Q → P → Q" in plan.errors[0].message


def test_moving_an_organisation_under_its_own_descendant_is_refused(tree):
    plan = imports.validate(
        make_table(("A", "Đảng ủy phường An Bình", "dang-uy-tren-co-so", "A1")),
        root=tree.province,
        actor=None,
    )
    assert errors_at(plan, 2) == ["parent_code"]


def test_moving_an_organisation_warns_and_moves_its_subtree(tree):
    table = make_table(
        ("A2", "Chi bộ khu phố 2", "chi-bo", "B"),
    )
    plan = imports.validate(table, root=tree.province, actor=None)
    assert plan.errors == []
    assert [w.column for w in plan.warnings] == ["parent_code"]
    assert tree.branch_b.name in plan.warnings[0].message
    result = imports.apply(plan, actor=None)
    assert result.updated == 1
    moved = Organization.objects.get(code="A2")
    assert moved.parent == tree.branch_b and moved.path.startswith(tree.branch_b.path)
    assert AuditEvent.objects.filter(action="move", target_id=moved.pk).exists()


def test_mixed_nfd_text_and_stray_spaces_are_stored_clean(tree):
    nfd_name = "Chi bo\u0302\u0300  kho\u031b\u0309\u00a0mới "  # decomposed accents, NBSP
    plan = imports.validate(
        make_table(("X1 ", nfd_name, "chi-bo", "A")), root=tree.branch_a, actor=None
    )
    imports.apply(plan, actor=None)
    assert Organization.objects.get(code="X1").name == "Chi bồ khở mới"


def test_legacy_tcvn3_text_is_an_error(tree):
    plan = imports.validate(
        make_table(("X1", "Chi bé th«n §«ng", "chi-bo", "A")), root=tree.branch_a, actor=None
    )
    assert errors_at(plan, 2) == ["name"]


def test_reimporting_the_same_file_changes_nothing(tree):
    table = make_table(("X1", "Chi bộ mới", "chi-bo", "A"))
    imports.apply(imports.validate(table, root=tree.branch_a, actor=None), actor=None)
    events = AuditEvent.objects.count()
    plan = imports.validate(table, root=tree.branch_a, actor=None)
    assert (len(plan.creates), len(plan.updates), plan.unchanged) == (0, 0, 1)
    result = imports.apply(plan, actor=None)
    assert (result.created, result.updated) == (0, 0)
    assert AuditEvent.objects.count() == events


def test_an_updated_name_is_recorded_in_the_audit_trail(tree):
    plan = imports.validate(
        make_table(("A1", "Chi bộ khu phố Một", "chi-bo", "A")), root=tree.branch_a, actor=None
    )
    assert imports.apply(plan, actor=None).updated == 1
    tree.cell_a.refresh_from_db()
    assert tree.cell_a.name == "Chi bộ khu phố Một"
    event = AuditEvent.objects.get(action="update", target_id=tree.cell_a.pk)
    assert event.changes == {"name": ["Chi bộ khu phố 1", "Chi bộ khu phố Một"]}


def test_a_cell_with_members_cannot_stop_being_a_cell(tree):
    plan = imports.validate(
        make_table(("A1", "Chi bộ khu phố 1", "dang-bo-co-so", "A")), root=tree.branch_a, actor=None
    )
    assert errors_at(plan, 2) == ["kind"]


def test_an_error_anywhere_means_nothing_is_written(tree):
    rows = [(f"N{i}", f"Chi bộ {i}", "chi-bo", "A") for i in range(600)]
    rows[498] = ("N498", "Chi bộ 498", "chi-bo", "KHONG-CO")  # sheet row 500
    plan = imports.validate(make_table(*rows), root=tree.branch_a, actor=None)
    assert [e.row for e in plan.errors] == [500]
    assert plan.creates == []
    with pytest.raises(Exception):  # noqa: B017, PT011 - any refusal will do
        imports.apply(plan, actor=None)
    assert not Organization.objects.filter(code__startswith="N").exists()


def test_committee_of_one_branch_cannot_import_into_the_other(tree, make_user):
    user = make_user(tree.branch_b, Role.COMMITTEE)
    plan = imports.validate(
        make_table(("X1", "Chi bộ mới", "chi-bo", "A")), root=tree.branch_a, actor=user
    )
    assert [e.row for e in plan.errors] == [0]
    assert plan.creates == []
    own = imports.validate(
        make_table(("X2", "Chi bộ mới", "chi-bo", "B")), root=tree.branch_b, actor=user
    )
    assert own.errors == [] and len(own.creates) == 1


def test_export_then_import_changes_nothing(tree):
    rows = list(imports.export_rows(tree.province))
    assert [r["code"] for r in rows] == ["TU", "A", "A1", "A2", "B", "B1"]
    assert rows[0]["parent_code"] == "" and rows[2]["parent_code"] == "A"
    table = make_table(
        *[tuple(r[k] for k in ("code", "name", "kind", "parent_code")) for r in rows]
    )
    plan = imports.validate(table, root=tree.province, actor=None)
    assert plan.errors == []
    assert (len(plan.creates), len(plan.updates), plan.unchanged) == (0, 0, 6)


def test_export_does_not_grow_queries_with_rows(tree, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert len(list(imports.export_rows(tree.province))) == 6
