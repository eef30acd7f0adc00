"""In the browser: committee staff of a branch open the dashboard from the campaign page, drill
down to a cell and see its members' report states (never a report's text), then open the list
of members without a report and download it as .xlsx. Elements are found by classes, ids and
data attributes, so the test holds whatever the translation."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tusoi.orgs.permissions import Role
from tusoi.testing.factories import PASSWORD

from .test_lists import SECRET, build_progress

pytestmark = pytest.mark.browser


def test_committee_drills_down_to_a_cell_and_downloads_a_list(page, browser_login, tree, make_user):
    progress = build_progress(tree)
    committee = make_user(tree.branch_a, Role.COMMITTEE, username="dangu_a")
    browser_login(page, committee.username, PASSWORD)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    page.goto(reverse("campaigns:detail", args=[progress.campaign.pk]))
    page.locator(".campaign-dashboards a").click()
    page.wait_for_selector(f"h1[data-org='{tree.branch_a.pk}']")
    reports = page.locator("[data-target='reports']")
    assert reports.locator(".done").inner_text() == "1"
    assert reports.locator(".total").inner_text() == "3"
    # Both charts load as images (lazily: scrolled to first).
    charts = page.locator("figure.chart img")
    assert charts.count() == 2
    for chart in charts.all():
        chart.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=chart.element_handle()
        )

    page.locator(f"tr[data-org='{tree.cell_a.pk}'] a.drill").click()
    page.wait_for_selector(f"h1[data-org='{tree.cell_a.pk}']")
    row = page.locator(f"tr.member-row[data-member='{tree.member_a.pk}']")
    assert row.get_attribute("data-status") == "submitted"
    assert "Nguyễn Văn An" in row.inner_text()
    leader = page.locator(f"tr.member-row[data-member='{progress.leader.pk}']")
    assert leader.get_attribute("data-status") == "draft"
    assert page.locator(".cell-meeting").get_attribute("data-state") == "held"
    assert SECRET not in page.content()

    page.locator("a.list-link[data-list='members-without-report']").click()
    page.wait_for_selector("table[data-list='members-without-report']")
    assert page.locator("table[data-list] tbody tr").count() == 1
    with page.expect_download() as download_info:
        page.locator("a.export-xlsx").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["Hoàng Văn Lãnh"]
    assert rows[1][2] == tree.cell_a.name
