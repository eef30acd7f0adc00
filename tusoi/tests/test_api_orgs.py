"""Organisations over the API: lists and details within scope, children with SQL roll-ups."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tusoi.orgs.permissions import Role
from tusoi.testing.factories import make_member, make_org

ORGS = reverse("api:orgs_list")


def _codes(response):
    assert response.status_code == 200, response.content
    return [o["code"] for o in response.json()["items"]]


@pytest.fixture
def committee_a(client, tree, make_user):
    user = make_user(tree.branch_a, Role.COMMITTEE)
    client.force_login(user)
    return user


def test_list_holds_the_branch_and_its_cells_in_tree_order(client, tree, committee_a):
    response = client.get(ORGS)
    assert _codes(response) == ["A", "A1", "A2"]
    assert response.json()["count"] == 3
    first = response.json()["items"][0]
    assert first["kind"] == {
        "code": "dang-uy-tren-co-so",
        "name": "Đảng ủy cấp trên cơ sở",
        "is_cell": False,
    }
    assert first["parent_id"] == tree.province.pk


def test_sibling_branch_users_list_holds_nothing_of_branch_a(client, tree, make_user):
    client.force_login(make_user(tree.branch_b, Role.ADMIN))
    codes = _codes(client.get(ORGS, {"limit": 500}))
    assert codes == ["B", "B1"]
    assert not {"A", "A1", "A2", "TU"} & set(codes)
    # Filtering by a branch A parent does not reveal it either.
    assert _codes(client.get(ORGS, {"parent": tree.branch_a.pk})) == []


def test_member_sees_only_their_own_cell(client, tree, make_user):
    user = make_user(tree.cell_a, Role.MEMBER, member=tree.member_a)
    client.force_login(user)
    assert _codes(client.get(ORGS)) == ["A1"]


def test_list_filters_by_parent_kind_and_text(client, tree, committee_a):
    assert _codes(client.get(ORGS, {"parent": tree.branch_a.pk})) == ["A1", "A2"]
    assert _codes(client.get(ORGS, {"kind": "chi-bo"})) == ["A1", "A2"]
    assert _codes(client.get(ORGS, {"kind": "dang-uy-tren-co-so"})) == ["A"]
    assert _codes(client.get(ORGS, {"q": "phố 2"})) == ["A2"]
    assert _codes(client.get(ORGS, {"q": "a1"})) == ["A1"]


def test_list_paginates_with_limit_and_offset(client, tree, committee_a):
    response = client.get(ORGS, {"limit": 2, "offset": 1})
    assert _codes(response) == ["A1", "A2"]
    assert response.json()["count"] == 3


@pytest.mark.parametrize(
    ("params", "field", "text"),
    [
        ({"limit": 501}, "limit", "500"),
        ({"limit": 0}, "limit", "1"),
        ({"offset": -1}, "offset", "0"),
        ({"parent": "abc"}, "parent", "số nguyên"),
    ],
)
def test_bad_list_parameters_get_422_naming_the_field(
    client, tree, committee_a, params, field, text
):
    response = client.get(ORGS, params)
    assert response.status_code == 422
    body = response.json()
    assert list(body["errors"]) == [field]
    assert text in body["errors"][field][0]
    assert body["detail"].startswith("Vui lòng sửa:")


def test_detail_of_a_cell(client, tree, committee_a):
    response = client.get(reverse("api:orgs_detail", kwargs={"id": tree.cell_a.pk}))
    assert response.status_code == 200
    assert response.json()["name"] == "Chi bộ khu phố 1"
    assert response.json()["kind"]["is_cell"] is True


def test_detail_outside_scope_looks_exactly_like_missing(client, tree, committee_a):
    outside = client.get(reverse("api:orgs_detail", kwargs={"id": tree.cell_b.pk}))
    missing = client.get(reverse("api:orgs_detail", kwargs={"id": 999_999}))
    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json()
    assert "Không tìm thấy" in outside.json()["detail"]


def test_children_carry_member_and_cell_totals(client, tree, make_user):
    make_member(tree.cell_a, "Hoàng Văn Em")
    client.force_login(make_user(tree.province, Role.SUPERVISOR))
    response = client.get(reverse("api:orgs_children", kwargs={"id": tree.province.pk}))
    assert response.status_code == 200
    rows = {r["code"]: (r["member_count"], r["cell_count"]) for r in response.json()}
    assert rows == {"A": (3, 2), "B": (1, 1)}


def test_children_of_a_cell_seen_only_as_own_cell_are_not_listed(client, tree, make_user):
    # A member's own cell is visible by name; nothing beneath it (even if it had children).
    make_org("Tổ đảng 1", parent=tree.cell_a, kind_code="chi-bo", code="A1T")
    client.force_login(make_user(tree.cell_a, Role.MEMBER, member=tree.member_a))
    response = client.get(reverse("api:orgs_children", kwargs={"id": tree.cell_a.pk}))
    assert response.status_code == 200
    assert response.json() == []


def _grow(tree, n):
    for i in range(n):
        cell = make_org(f"Chi bộ số {i}", parent=tree.branch_a)
        make_member(cell, f"Đảng viên {i}")


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response.json()


def test_orgs_list_query_count_is_the_same_for_3_and_30_rows(client, tree, committee_a):
    few, body = _queries(client, ORGS, {"limit": 500})
    assert body["count"] == 3
    _grow(tree, 27)
    many, body = _queries(client, ORGS, {"limit": 500})
    assert body["count"] == 30
    assert few == many <= 5


def test_orgs_children_query_count_is_the_same_for_3_and_30_rows(client, tree, committee_a):
    _grow(tree, 1)
    url = reverse("api:orgs_children", kwargs={"id": tree.branch_a.pk})
    few, body = _queries(client, url)
    assert len(body) == 3
    _grow(tree, 27)
    many, body = _queries(client, url)
    assert len(body) == 30
    assert few == many <= 7
