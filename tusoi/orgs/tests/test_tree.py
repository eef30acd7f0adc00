import pytest
from django.core.exceptions import ValidationError

from tusoi.orgs.selectors import organization_ancestors, organization_subtree
from tusoi.orgs.services import organization_move
from tusoi.orgs.tree import successor
from tusoi.testing.factories import make_org


def test_successor_bounds_every_descendant_path():
    assert successor("0000100002") == "0000100003"
    assert successor("0000100002") > "000010000200007"


def test_subtree_and_ancestors_are_single_queries(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        codes = set(organization_subtree(tree.branch_a).values_list("code", flat=True))
    assert codes == {"A", "A1", "A2"}
    with django_assert_num_queries(1):
        assert [o.code for o in organization_ancestors(tree.cell_a)] == ["TU", "A"]


def test_move_subtree_keeps_descendants_consistent(tree):
    deep = make_org("Chi bộ con", parent=tree.cell_a, kind_code="chi-bo", code="A1X")
    organization_move(actor=None, org=tree.cell_a, new_parent=tree.branch_b)
    tree.cell_a.refresh_from_db()
    deep.refresh_from_db()
    assert tree.cell_a.parent_id == tree.branch_b.pk
    assert tree.cell_a.path.startswith(tree.branch_b.path)
    assert deep.path.startswith(tree.cell_a.path)
    assert deep.depth == tree.cell_a.depth + 1
    assert set(organization_subtree(tree.branch_b).values_list("code", flat=True)) == {
        "B",
        "B1",
        "A1",
        "A1X",
    }
    assert set(organization_subtree(tree.branch_a).values_list("code", flat=True)) == {"A", "A2"}


def test_move_under_own_descendant_is_refused(tree):
    with pytest.raises(ValidationError):
        organization_move(actor=None, org=tree.branch_a, new_parent=tree.cell_a)
