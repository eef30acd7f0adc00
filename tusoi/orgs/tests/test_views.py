import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tusoi.audit.models import AuditEvent
from tusoi.members.models import ChangeKind
from tusoi.members.services import member_change_status
from tusoi.orgs.models import Organization, OrgKind
from tusoi.orgs.permissions import Role
from tusoi.testing.factories import make_member, make_org


def section(html: str, section_id: str) -> str:
    return html.split(f'id="{section_id}"', 1)[1].split("</section>", 1)[0]


def roster_names(html: str, section_id: str = "roster") -> list[str]:
    """Member names of one roster table, in page order."""
    return re.findall(r'<a href="/members/\d+/">([^<]+)</a>', section(html, section_id))


def cell_kind() -> OrgKind:
    return OrgKind.objects.get(code="chi-bo")


@pytest.fixture
def committee(tree, make_user, client):
    user = make_user(tree.branch_a, Role.COMMITTEE)
    client.force_login(user)
    return user


# --- the organisation page ---------------------------------------------------------------------


def test_roster_is_in_vietnamese_name_order(tree, committee, client):
    for name in ["Lê Văn Bảo", "Phạm Thị Ân", "Trần Thị Anh", "Đỗ Văn Đức", "Hoàng Văn Dũng"]:
        make_member(tree.cell_a, name)
    response = client.get(reverse("orgs:detail", args=[tree.cell_a.pk]))
    assert response.status_code == 200
    # Given name first, then a < ă < â and d < đ: neither full-name nor code-point order.
    assert roster_names(response.content.decode()) == [
        "Nguyễn Văn An",
        "Trần Thị Anh",
        "Phạm Thị Ân",
        "Lê Văn Bảo",
        "Hoàng Văn Dũng",
        "Đỗ Văn Đức",
    ]


def test_exempt_and_transferred_out_members_are_listed_apart(tree, committee, client):
    away = make_member(tree.cell_a, "Vũ Thị Hoa")
    exempt = make_member(tree.cell_a, "Đinh Văn Khoa")
    on = datetime.date(2024, 3, 1)
    member_change_status(actor=None, member=away, change=ChangeKind.TRANSFERRED_OUT, on=on)
    member_change_status(actor=None, member=exempt, change=ChangeKind.EXEMPTED, on=on)
    html = client.get(reverse("orgs:detail", args=[tree.cell_a.pk])).content.decode()
    assert roster_names(html) == ["Nguyễn Văn An"]
    assert roster_names(html, "apart") == ["Vũ Thị Hoa", "Đinh Văn Khoa"]


def test_roster_shows_birth_year_card_position_and_leader_badge(tree, committee, client):
    make_member(
        tree.cell_a,
        "Trần Thị Anh",
        birth_date=datetime.date(1975, 2, 3),
        position="Bí thư chi bộ",
        is_leader=True,
    )
    html = section(
        client.get(reverse("orgs:detail", args=[tree.cell_a.pk])).content.decode(), "roster"
    )
    assert "1975" in html
    assert tree.member_a.card_number in html
    assert "Bí thư chi bộ" in html
    assert html.count('class="badge info"') == 1


def test_plain_member_sees_own_cell_name_but_not_its_roster(tree, make_user, client):
    make_member(tree.cell_a, "Trần Thị Anh")
    client.force_login(make_user(member=tree.member_a))
    response = client.get(reverse("orgs:detail", args=[tree.cell_a.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert tree.cell_a.name in html
    assert 'id="roster"' not in html
    assert "Trần Thị Anh" not in html
    assert tree.member_a.card_number not in html


def test_plain_member_gets_404_on_another_cell(tree, make_user, client):
    client.force_login(make_user(member=tree.member_a))
    assert client.get(reverse("orgs:detail", args=[tree.cell_a2.pk])).status_code == 404


def test_committee_of_branch_b_gets_404_on_a_cell_of_branch_a(tree, make_user, client):
    client.force_login(make_user(tree.branch_b, Role.COMMITTEE))
    assert client.get(reverse("orgs:detail", args=[tree.cell_a.pk])).status_code == 404
    assert client.get(reverse("orgs:children", args=[tree.branch_a.pk])).status_code == 404


def test_branch_page_lists_children_with_subtree_counts(tree, committee, client):
    make_member(tree.cell_a, "Trần Thị Anh")
    html = client.get(reverse("orgs:detail", args=[tree.branch_a.pk])).content.decode()
    rows = re.findall(
        r'<a href="/orgs/(\d+)/">[^<]+</a></td>.*?class="num">(\d+)</td>.*?class="num">(\d+)</td>',
        html,
        re.S,
    )
    assert rows == [(str(tree.cell_a.pk), "2", "1"), (str(tree.cell_a2.pk), "1", "1")]


def test_breadcrumbs_link_only_ancestors_the_user_can_see(tree, committee, client):
    html = client.get(reverse("orgs:detail", args=[tree.cell_a.pk])).content.decode()
    crumbs = html.split('class="breadcrumbs"', 1)[1].split("</nav>", 1)[0]
    assert tree.province.name in crumbs
    assert f'href="/orgs/{tree.province.pk}/"' not in crumbs
    assert f'<a href="/orgs/{tree.branch_a.pk}/">{tree.branch_a.name}</a>' in crumbs
    assert f'<span aria-current="page">{tree.cell_a.name}</span>' in crumbs


def test_action_links_follow_the_users_scope(tree, make_user, client):
    client.force_login(make_user(tree.cell_a, Role.SECRETARY))
    html = client.get(reverse("orgs:detail", args=[tree.cell_a.pk])).content.decode()
    assert f'href="{reverse("members:create")}?cell={tree.cell_a.pk}"' in html
    assert reverse("orgs:edit", args=[tree.cell_a.pk]) not in html
    assert reverse("audit:org", args=[tree.cell_a.pk]) not in html


def test_committee_sees_edit_and_audit_links(tree, committee, client):
    html = client.get(reverse("orgs:detail", args=[tree.cell_a.pk])).content.decode()
    assert reverse("orgs:edit", args=[tree.cell_a.pk]) in html
    assert reverse("orgs:move", args=[tree.cell_a.pk]) in html
    assert reverse("audit:org", args=[tree.cell_a.pk]) in html


# --- tree browser ------------------------------------------------------------------------------


def test_tree_lists_the_users_roots_with_counts(tree, committee, client):
    html = client.get(reverse("orgs:tree")).content.decode()
    assert tree.branch_a.name in html
    assert tree.province.name not in html
    assert tree.branch_b.name not in html
    assert "2 đảng viên" in html
    assert reverse("orgs:children", args=[tree.branch_a.pk]) in html


def test_children_partial_for_htmx_and_full_page_without(tree, committee, client):
    url = reverse("orgs:children", args=[tree.branch_a.pk])
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial
    assert tree.cell_a.name in partial and tree.cell_a2.name in partial
    full = client.get(url).content.decode()
    assert "<html" in full and tree.cell_a.name in full


# --- forms -------------------------------------------------------------------------------------


def test_committee_creates_a_child_organisation(tree, committee, client):
    response = client.post(
        reverse("orgs:create_child", args=[tree.branch_a.pk]),
        {"code": "A3", "name": "Chi bộ  khu phố 3", "kind": cell_kind().pk},
        follow=True,
    )
    child = Organization.objects.get(code="A3")
    assert child.parent_id == tree.branch_a.pk
    assert child.path.startswith(tree.branch_a.path)
    assert child.name == "Chi bộ khu phố 3"
    assert response.redirect_chain[-1][0] == reverse("orgs:detail", args=[child.pk])
    assert "Đã tạo Chi bộ khu phố 3." in response.content.decode()
    assert AuditEvent.objects.filter(target_type="orgs.organization", target_id=child.pk).exists()


def test_duplicate_code_is_refused_with_a_vietnamese_message_on_the_field(tree, committee, client):
    response = client.post(
        reverse("orgs:create_child", args=[tree.branch_a.pk]),
        {"code": "a2", "name": "Chi bộ trùng mã", "kind": cell_kind().pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == ["Mã a2 đã được dùng."]
    assert not Organization.objects.filter(name="Chi bộ trùng mã").exists()


def test_empty_fields_get_vietnamese_messages(tree, committee, client):
    response = client.post(
        reverse("orgs:create_child", args=[tree.branch_a.pk]), {"code": "", "name": "  "}
    )
    errors = response.context["form"].errors
    assert errors["code"] == ["Hãy nhập mã."]
    assert errors["name"] == ["Hãy nhập tên."]
    assert "Hãy nhập mã." in response.content.decode()


def test_committee_edits_an_organisation(tree, committee, client):
    response = client.post(
        reverse("orgs:edit", args=[tree.cell_a.pk]),
        {"code": "A1", "name": "Chi bộ khu phố Một", "kind": cell_kind().pk},
    )
    assert response.status_code == 302
    tree.cell_a.refresh_from_db()
    assert tree.cell_a.name == "Chi bộ khu phố Một"


def test_committee_moves_an_organisation_via_the_form(tree, committee, client):
    extra = make_org("Chi bộ khu phố 5", parent=tree.branch_a, code="A5")
    response = client.post(reverse("orgs:move", args=[extra.pk]), {"parent": "a2"}, follow=True)
    extra.refresh_from_db()
    assert extra.parent_id == tree.cell_a2.pk
    assert extra.path.startswith(tree.cell_a2.path)
    assert "Chi bộ khu phố 5 nay trực thuộc Chi bộ khu phố 2." in response.content.decode()


def test_move_to_a_parent_outside_the_scope_is_refused_on_the_field(tree, committee, client):
    response = client.post(reverse("orgs:move", args=[tree.cell_a.pk]), {"parent": "B"})
    assert response.status_code == 200
    assert response.context["form"].errors["parent"] == [
        "Không có tổ chức nào mang mã B trong phạm vi của bạn."
    ]
    tree.cell_a.refresh_from_db()
    assert tree.cell_a.parent_id == tree.branch_a.pk


def test_move_under_own_descendant_shows_the_service_error_on_the_field(tree, make_user, client):
    client.force_login(make_user(tree.province, Role.COMMITTEE))
    response = client.post(reverse("orgs:move", args=[tree.branch_a.pk]), {"parent": "A1"})
    assert response.status_code == 200
    assert response.context["form"].errors["parent"] == [
        "Không thể chuyển một tổ chức vào chính nó hoặc vào tổ chức cấp dưới của nó."
    ]


def test_secretary_cannot_open_the_edit_form(tree, make_user, client):
    client.force_login(make_user(tree.cell_a, Role.SECRETARY))
    assert client.get(reverse("orgs:edit", args=[tree.cell_a.pk])).status_code == 404
    move_url = reverse("orgs:move", args=[tree.cell_a.pk])
    assert client.post(move_url, {"parent": "A2"}).status_code == 404


# --- query counts ------------------------------------------------------------------------------


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_org_page_query_count_does_not_grow_with_children(tree, make_user, client):
    client.force_login(make_user(tree.province, Role.COMMITTEE))
    small = make_org("Đảng ủy nhỏ", parent=tree.province, kind_code="dang-uy-tren-co-so")
    big = make_org("Đảng ủy lớn", parent=tree.province, kind_code="dang-uy-tren-co-so")
    for i in range(3):
        make_member(make_org(f"Chi bộ nhỏ {i}", parent=small), f"Nguyễn Văn Nhỏ {i}")
    for i in range(30):
        make_member(make_org(f"Chi bộ lớn {i}", parent=big), f"Nguyễn Văn Lớn {i}")
    assert count_queries(client, reverse("orgs:detail", args=[small.pk])) == count_queries(
        client, reverse("orgs:detail", args=[big.pk])
    )


def test_cell_page_query_count_does_not_grow_with_members(tree, make_user, client):
    client.force_login(make_user(tree.province, Role.COMMITTEE))
    small = make_org("Chi bộ nhỏ", parent=tree.branch_a)
    big = make_org("Chi bộ lớn", parent=tree.branch_a)
    for i in range(5):
        make_member(small, f"Nguyễn Văn Nhỏ {i}", is_leader=i % 2 == 0)
    for i in range(50):
        make_member(big, f"Nguyễn Văn Lớn {i}", is_leader=i % 2 == 0)
    assert count_queries(client, reverse("orgs:detail", args=[small.pk])) == count_queries(
        client, reverse("orgs:detail", args=[big.pk])
    )


def test_tree_and_children_query_counts_do_not_grow_with_rows(tree, make_user, client):
    client.force_login(make_user(tree.province, Role.COMMITTEE))
    before_tree = count_queries(client, reverse("orgs:tree"))
    before = count_queries(client, reverse("orgs:children", args=[tree.branch_a.pk]))
    for i in range(20):
        make_member(make_org(f"Chi bộ thêm {i}", parent=tree.branch_a), f"Lê Văn Thêm {i}")
    assert count_queries(client, reverse("orgs:children", args=[tree.branch_a.pk])) == before
    assert count_queries(client, reverse("orgs:tree")) == before_tree


def test_new_child_form_suggests_the_level_below_the_parent(tree, committee, client):
    response = client.get(reverse("orgs:create_child", args=[tree.branch_a.pk]))
    assert response.context["form"]["kind"].value() == OrgKind.objects.get(code="dang-bo-co-so").pk
