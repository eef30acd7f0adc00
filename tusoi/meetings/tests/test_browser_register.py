"""In the browser: the cell's secretary registers a meeting in two phases through the page
(without relying on JavaScript: the number of phases re-renders the form), then committee staff
of the branch see the cell as registered in the overview and find the meeting in the calendar.
Elements are found by names, ids and data attributes, so the test holds whatever the
translation."""

import pytest
from django.urls import reverse

from tusoi.meetings.models import Meeting
from tusoi.orgs.permissions import Role
from tusoi.testing.factories import PASSWORD, make_member

from .conftest import day, make_open_campaign

pytestmark = pytest.mark.browser


def _switch_user(page, browser_login, user):
    page.context.clear_cookies()
    browser_login(page, user.username, PASSWORD)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_secretary_registers_two_phases_and_the_committee_sees_them(
    page, browser_login, tree, make_user
):
    campaign = make_open_campaign(tree.province)
    second = make_member(tree.cell_a, "Phạm Thị Dung")
    secretary = make_user(tree.cell_a, Role.SECRETARY, username="bithu_a")
    committee = make_user(tree.branch_a, Role.COMMITTEE, username="dangu_a")

    _switch_user(page, browser_login, secretary)
    page.goto(reverse("meetings:register", args=[campaign.pk, tree.cell_a.pk]))
    page.fill("input[name=phase-1-on]", day(0).strftime("%d/%m/%Y"))
    page.fill("input[name=phase-1-place]", "Nhà văn hóa khu phố 1")
    page.select_option("select[name=phase_count]", "2")
    page.click("button[name=relayout]")
    page.wait_for_selector("input[name=phase-2-on]")
    # What was typed before splitting is still there.
    assert page.input_value("input[name=phase-1-place]") == "Nhà văn hóa khu phố 1"
    page.fill("input[name=phase-1-at]", "08:00")
    page.check(f"input[name=phase-1-members][value='{tree.member_a.pk}']")
    page.fill("input[name=phase-2-on]", day(1).strftime("%d/%m/%Y"))
    page.fill("input[name=phase-2-at]", "14:00")
    page.fill("input[name=phase-2-online_link]", "https://meet.example.vn/chi-bo-khu-pho-1")
    page.check(f"input[name=phase-2-members][value='{second.pk}']")
    page.click("button.save")
    page.wait_for_url("**/meetings/*/")
    meeting = Meeting.objects.get()
    assert meeting.is_phased
    assert page.locator(".meeting-state").get_attribute("data-state") == "registered"
    assert page.locator(".meeting-phases .phase").count() == 2

    _switch_user(page, browser_login, committee)
    page.goto(reverse("meetings:overview", args=[campaign.pk]))
    row = page.locator(f"#cell-{tree.cell_a.pk}")
    assert row.get_attribute("data-state") == "registered"
    assert page.locator(f"#cell-{tree.cell_a2.pk}").get_attribute("data-state") == (
        "not_registered"
    )
    assert page.locator(".count-registered").inner_text() == "1"

    page.locator(".org-nav a.button").click()  # the calendar of the same organisation
    page.wait_for_url("**/calendar/**")
    entry = page.locator(f".calendar-phase[data-cell='{tree.cell_a.pk}']").first
    assert "Nhà văn hóa khu phố 1" in entry.inner_text()
    entry.locator("a.cell-name").click()
    page.wait_for_url(f"**{reverse('meetings:detail', args=[meeting.pk])}")
