import pytest

from tusoi.orgs.permissions import Role
from tusoi.testing.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_secretary_finds_member_without_accents_and_edits_phone(
    page, browser_login, tree, make_user
):
    secretary = make_user(tree.cell_a, Role.SECRETARY, username="bithu")
    browser_login(page, secretary.username, PASSWORD)

    page.goto("/members/search/")
    page.fill("input[name=q]", "nguyen van an")
    # htmx replaces the results while typing; the link appears without submitting.
    page.locator("#results").get_by_role("link", name="Nguyễn Văn An").click()
    assert page.locator("h1").inner_text() == "Nguyễn Văn An"

    page.get_by_role("link", name="Sửa hồ sơ").click()
    page.fill("input[name=phone]", "0987 654 321")
    page.get_by_role("button", name="Lưu").click()

    assert page.locator("h1").inner_text() == "Nguyễn Văn An"
    assert page.locator("td.phone").inner_text() == "0987 654 321"
    assert "Đã lưu thay đổi" in page.locator(".messages").inner_text()
    tree.member_a.refresh_from_db()
    assert tree.member_a.phone == "0987 654 321"
