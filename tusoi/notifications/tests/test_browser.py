"""On a phone: the menu shows the unread count, the inbox opens a notification's link and marks
it read, and "mark as read" clears the count."""

import pytest
from playwright.sync_api import expect

from tusoi.notifications.models import Notification
from tusoi.notifications.tests.conftest import make_notification
from tusoi.testing.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_member_opens_a_notification_and_clears_the_unread_count(
    page, browser_login, tree, make_user
):
    user = make_user(member=tree.member_a)
    opened = make_notification(user, title="Báo cáo bị trả lại", url="/orgs/")
    make_notification(user, title="Nhắc nộp báo cáo", url="")
    browser_login(page, user.username, PASSWORD)
    page.goto("/")
    expect(page.locator(".mainnav .nav-count")).to_have_text("(2)")

    page.locator(".mainnav .nav-notifications").click()
    expect(page.locator(".notification.unread")).to_have_count(2)
    page.locator(f"#notification-{opened.pk} a.button").click()
    page.wait_for_url("**/orgs/")
    expect(page.locator(".mainnav .nav-count")).to_have_text("(1)")

    page.goto("/notifications/")
    expect(page.locator(".notification.unread")).to_have_count(1)
    page.locator(".notification.unread button.link").click()
    expect(page.locator(".notification.unread")).to_have_count(0)
    expect(page.locator(".mainnav .nav-count")).to_have_count(0)
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
