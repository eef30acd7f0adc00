"""List pages run the same number of queries whatever the number of rows (no N+1)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tusoi.members.models import ChangeKind
from tusoi.members.services import member_change_status
from tusoi.orgs.permissions import Role
from tusoi.testing.factories import make_member


def _queries(client, url: str, data: dict | None = None) -> int:
    client.get(url, data)  # warm-up: session, content types and the like
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, data)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def committee(client, tree, make_user):
    user = make_user(tree.branch_a, Role.COMMITTEE, member=tree.member_a2)
    client.force_login(user)
    return user


def test_search_query_count_does_not_grow_with_matches(client, tree, committee):
    def add(n: int) -> None:
        for i in range(n):
            cell = tree.cell_a if i % 2 else tree.cell_a2
            make_member(cell, f"Phạm Văn Hùng {chr(65 + i % 26)}{i}")

    add(3)
    few = _queries(client, reverse("members:search"), {"q": "pham van hung"})
    add(27)
    many = _queries(client, reverse("members:search"), {"q": "pham van hung"})
    html = client.get(reverse("members:search"), {"q": "pham van hung"}).content.decode()
    assert html.count("Phạm Văn Hùng") == 30
    assert few == many


def test_duplicates_query_count_does_not_grow_with_pairs(client, tree, committee):
    def add_pairs(start: int, n: int) -> None:
        for i in range(start, start + n):
            name = f"Đinh Công Tráng {i}"
            birth = datetime.date(1970, 1, 1) + datetime.timedelta(days=i)
            make_member(tree.cell_a, name, birth_date=birth)
            make_member(tree.cell_a2, name, birth_date=birth)

    add_pairs(0, 2)
    few = _queries(client, reverse("members:duplicates"))
    add_pairs(2, 8)
    many = _queries(client, reverse("members:duplicates"))
    html = client.get(reverse("members:duplicates")).content.decode()
    assert html.count('name="keep"') == 20  # two merge choices per pair, ten pairs
    assert few == many


def test_member_page_query_count_does_not_grow_with_history(client, tree, committee):
    member = tree.member_a
    changes = [ChangeKind.EXEMPTED, ChangeKind.EXEMPTION_ENDED]

    def add_changes(start: int, n: int) -> None:
        nonlocal member
        for i in range(start, start + n):
            member = member_change_status(
                actor=committee,
                member=member,
                change=changes[i % 2],
                on=datetime.date(2021, 1, 1) + datetime.timedelta(days=30 * i),
            )

    add_changes(0, 1)  # 2 history rows
    url = reverse("members:detail", args=[member.pk])
    few = _queries(client, url)
    add_changes(1, 8)  # 10 history rows
    many = _queries(client, url)
    html = client.get(url).content.decode()
    assert html.count(tree.member_a2.full_name) >= 9  # "recorded by", through the account's member
    assert member.periods.count() == 10
    assert few == many
