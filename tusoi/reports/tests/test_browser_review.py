"""In the browser: the secretary returns a report, the member resubmits it, the secretary
accepts it; the secretary enters a report on a member's behalf and the member confirms it.
Elements are found by their names and classes, so the tests hold whatever the translation."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tusoi.orgs.permissions import Role
from tusoi.reports.models import ReportStatus, SelfReview
from tusoi.reports.services import report_open, report_save, report_submit
from tusoi.testing.factories import PASSWORD

from .conftest import filled_content, make_open_campaign

pytestmark = pytest.mark.browser

LONG_TEXT = (
    "Tôi luôn giữ gìn phẩm chất, đạo đức, lối sống; thực hiện nghiêm Điều lệ Đảng và lời thề "
    "khi đứng dưới cờ Đảng. Tôi sẽ tự soi, tự sửa hằng ngày ở khu phố và nơi làm việc. "
) * 3


def _switch_user(page, browser_login, user):
    page.context.clear_cookies()
    browser_login(page, user.username, PASSWORD)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _state(page) -> str:
    return page.locator(".report-review .report-state .badge").first.get_attribute("data-status")


def _submit_from_the_page(page):
    page.locator(".submit-confirm summary").click()
    page.locator("button[data-submit]").click()
    page.wait_for_load_state()


def test_secretary_returns_the_member_resubmits_and_the_secretary_accepts(
    page, browser_login, tree, make_user
):
    campaign = make_open_campaign(tree.province)
    writer = make_user(member=tree.member_a, username="dangvien_an")
    secretary = make_user(tree.cell_a, Role.SECRETARY, username="bithu_a", first_name="Hà")
    report = report_open(member=tree.member_a, campaign=campaign, actor=writer)
    report = report_save(
        report=report, actor=writer, content=filled_content(report), base_version=0
    )
    report = report_submit(report=report, actor=writer, base_version=report.version)
    report_url = reverse("reports:report", args=[report.pk])

    # The secretary finds the submitted report on the cell's page and returns it.
    _switch_user(page, browser_login, secretary)
    page.goto(reverse("reports:cell_reports", args=[campaign.pk, tree.cell_a.pk]))
    row = page.locator(f"#member-{tree.member_a.pk}")
    assert row.get_attribute("data-status") == ReportStatus.SUBMITTED
    row.get_by_role("link", name="Nguyễn Văn An").click()
    page.wait_for_url(f"**{report_url}")
    assert _state(page) == ReportStatus.SUBMITTED
    page.fill("#return-reason", "Phần hạn chế còn chung chung, nêu cụ thể việc đã làm chưa tốt.")
    page.locator("form.report-return button[type=submit]").click()
    page.wait_for_url(f"**{report_url}")
    assert _state(page) == ReportStatus.RETURNED
    assert page.locator(".messages .msg-success").count() == 1

    # The member reads why, corrects the text and submits again.
    _switch_user(page, browser_login, writer)
    page.goto(report_url)
    assert _state(page) == ReportStatus.RETURNED
    assert "Phần hạn chế còn chung chung" in page.locator(".returned-reason").inner_text()
    first_text = page.locator("textarea[name^='s-']").first
    first_text.fill(LONG_TEXT + " Tôi đã nêu cụ thể hơn theo góp ý của chi bộ.")
    _submit_from_the_page(page)
    page.wait_for_url(f"**{report_url}")
    assert _state(page) == ReportStatus.RESUBMITTED

    # The secretary accepts it.
    _switch_user(page, browser_login, secretary)
    page.goto(reverse("reports:cell_reports", args=[campaign.pk, tree.cell_a.pk]))
    assert row.get_attribute("data-status") == ReportStatus.RESUBMITTED
    row.get_by_role("link", name="Nguyễn Văn An").click()
    page.wait_for_url(f"**{report_url}")
    page.locator("form.report-accept button[type=submit]").click()
    page.wait_for_url(f"**{report_url}")
    assert _state(page) == ReportStatus.ACCEPTED
    assert page.locator("form.report-accept").count() == 0
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    assert "nêu cụ thể hơn" in report.full_text


def test_secretary_enters_a_report_on_a_members_behalf_and_the_member_confirms(
    page, browser_login, tree, make_user
):
    campaign = make_open_campaign(tree.province)
    member = tree.member_a2  # in cell A2
    member_user = make_user(member=member, username="dangvien_binh")
    secretary = make_user(tree.cell_a2, Role.SECRETARY, username="bithu_a2", first_name="Hải")

    _switch_user(page, browser_login, secretary)
    page.goto(reverse("reports:cell_reports", args=[campaign.pk, tree.cell_a2.pk]))
    row = page.locator(f"#member-{member.pk}")
    assert row.get_attribute("data-status") == "none"
    row.locator("form.proxy-open button").click()
    page.wait_for_url("**/reports/r/*/")
    report = SelfReview.objects.get(member=member, campaign=campaign)
    assert page.locator("[data-proxy-banner]").count() == 1

    page.fill("#proxy_reason", "Đảng viên cao tuổi, mắt kém, nhờ bí thư nhập hộ")
    for area in page.locator("textarea[name^='s-']").all():
        area.fill(LONG_TEXT)
    page.evaluate(
        "document.querySelectorAll(\"input[type=radio][value='no']\")"
        ".forEach(function (r) { r.checked = true; })"
    )
    due = timezone.localdate() + datetime.timedelta(days=60)
    page.fill("textarea[name='m-0-what']", "Tham gia đầy đủ sinh hoạt chi bộ")
    page.fill("input[name='m-0-due_on']", due.isoformat())
    page.fill("input[name='m-0-measure']", "Chi bộ theo dõi hằng tháng")
    _submit_from_the_page(page)
    page.wait_for_url(f"**{reverse('reports:report', args=[report.pk])}")
    assert _state(page) == ReportStatus.SUBMITTED
    assert page.locator(".proxy-note .not-confirmed").count() == 1

    page.goto(reverse("reports:cell_reports", args=[campaign.pk, tree.cell_a2.pk]))
    assert row.get_attribute("data-status") == ReportStatus.SUBMITTED
    assert row.locator(".badge.proxy").count() == 1

    # The member reads the banner and confirms.
    _switch_user(page, browser_login, member_user)
    page.goto(reverse("reports:report", args=[report.pk]))
    banner = page.locator(".proxy-note")
    assert "Hải" in banner.inner_text()
    assert "mắt kém" in banner.locator(".proxy-reason").inner_text()
    banner.locator("form.report-confirm button").click()
    page.wait_for_url(f"**{reverse('reports:report', args=[report.pk])}")
    assert page.locator(".proxy-note .confirmed").count() == 1
    assert page.locator("form.report-confirm").count() == 0
    report.refresh_from_db()
    assert report.confirmed_at is not None and report.entered_by == secretary
