import pytest

from tusoi.orgs.permissions import Role
from tusoi.testing.factories import PASSWORD, make_member

pytestmark = pytest.mark.browser


def test_committee_browses_from_home_to_a_cell_roster(page, browser_login, tree, make_user):
    for name in ["Lê Văn Bảo", "Phạm Thị Ân", "Trần Thị Anh"]:
        make_member(tree.cell_a, name)
    user = make_user(tree.province, Role.COMMITTEE)
    browser_login(page, user.username, PASSWORD)

    page.locator("section.card").get_by_role("link", name=tree.province.name).click()
    assert page.locator("h1").inner_text() == tree.province.name
    page.get_by_role("link", name=tree.branch_a.name, exact=True).click()
    assert page.locator("h1").inner_text() == tree.branch_a.name
    page.get_by_role("link", name=tree.cell_a.name, exact=True).click()
    assert page.locator("h1").inner_text() == tree.cell_a.name

    crumbs = page.locator("nav.breadcrumbs")
    assert crumbs.get_by_role("link", name=tree.branch_a.name).is_visible()
    names = page.locator("#roster td:first-child a").all_inner_texts()
    assert names == ["Nguyễn Văn An", "Trần Thị Anh", "Phạm Thị Ân", "Lê Văn Bảo"]
    # The phone layout keeps the roster readable: labelled cells instead of a wide table.
    assert page.locator("#roster thead").is_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_tree_expands_children_inline_with_htmx(page, browser_login, tree, make_user):
    user = make_user(tree.province, Role.COMMITTEE)
    browser_login(page, user.username, PASSWORD)
    page.goto("/orgs/")
    page.get_by_role("link", name="Xem các tổ chức trực thuộc").first.click()
    page.get_by_role("link", name=tree.branch_a.name, exact=True).wait_for()
    assert page.url.endswith("/orgs/")
    page.get_by_role("link", name="Xem các tổ chức trực thuộc").first.click()
    page.get_by_role("link", name=tree.cell_a.name, exact=True).wait_for()
    assert page.url.endswith("/orgs/")
