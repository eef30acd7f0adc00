import pytest

from tusoi.testing.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_member_logs_in_and_sees_own_record(page, browser_login, tree, make_user):
    user = make_user(username="an", member=tree.member_a)
    browser_login(page, user.username, PASSWORD)
    record = page.locator("section.card", has_text=tree.cell_a.name)
    record.get_by_role("link", name=tree.member_a.full_name).click()
    assert page.locator("h1").inner_text() == tree.member_a.full_name
