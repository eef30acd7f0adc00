"""Fixtures shared across apps: a small province with two sibling branches, so every scope test
can show that a user granted one branch gets 404 in the other."""

import os
from dataclasses import dataclass

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@dataclass
class Tree:
    province: object
    branch_a: object  # an upper-grassroots committee
    branch_b: object  # its sibling
    cell_a: object  # a cell under branch_a
    cell_a2: object
    cell_b: object  # a cell under branch_b
    member_a: object
    member_a2: object
    member_b: object


@pytest.fixture
def tree(db):
    from tusoi.testing.factories import make_member, make_org

    province = make_org("Tỉnh ủy Thử nghiệm", kind_code="tinh-uy", code="TU")
    branch_a = make_org(
        "Đảng ủy phường An Bình", parent=province, kind_code="dang-uy-tren-co-so", code="A"
    )
    branch_b = make_org(
        "Đảng ủy xã Bình Minh", parent=province, kind_code="dang-uy-tren-co-so", code="B"
    )
    cell_a = make_org("Chi bộ khu phố 1", parent=branch_a, code="A1")
    cell_a2 = make_org("Chi bộ khu phố 2", parent=branch_a, code="A2")
    cell_b = make_org("Chi bộ thôn Đông", parent=branch_b, code="B1")
    return Tree(
        province=province,
        branch_a=branch_a,
        branch_b=branch_b,
        cell_a=cell_a,
        cell_a2=cell_a2,
        cell_b=cell_b,
        member_a=make_member(cell_a, "Nguyễn Văn An"),
        member_a2=make_member(cell_a2, "Trần Thị Bình"),
        member_b=make_member(cell_b, "Lê Văn Cường"),
    )


@pytest.fixture
def user_factory(db):
    from tusoi.testing.factories import UserFactory

    return UserFactory


@pytest.fixture
def make_user(db):
    """make_user(org, role) -> a logged-in-able user holding one grant."""
    from tusoi.testing.factories import UserFactory, grant

    def _make(org=None, role=None, **kwargs):
        user = UserFactory(**kwargs)
        if org is not None and role is not None:
            grant(user, org, role)
        return user

    return _make


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def chromium():
    """Debian's chromium, headless, driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=os.environ.get("TUSOI_CHROMIUM", "/usr/bin/chromium"),
            headless=True,
            args=CHROMIUM_ARGS,
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server, django_db_serialized_rollback):
    """A fresh browser tab (own cookies) on a phone-sized screen, pointed at the live server.
    Serialized rollback: the live server's flush would otherwise drop the rows data migrations
    create (organisation kinds), and the next browser test could not build its tree."""
    context = chromium.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def browser_login():
    """browser_login(page, username, password): log in through the real form."""

    def _login(tab, username, password):
        tab.goto("/accounts/login/")
        tab.fill("input[name=username]", username)
        tab.fill("input[name=password]", password)
        tab.click("button[type=submit]")

    return _login
