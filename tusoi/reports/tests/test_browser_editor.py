"""The report editor in a real browser: a member writes, loses the connection, recovers and
submits; two tabs on one report produce a conflict message, never a silent overwrite.

The status line is asserted twice: by its `data-state` (language-independent) and by the
Vietnamese text people read ("Đã lưu lúc …", "Chưa lưu — mất kết nối"); the latter needs the vi
catalogue entries for "Saved at %(time)s" and "Not saved — connection lost"."""

import re

import pytest
from playwright.sync_api import expect

from tusoi.reports.models import ReportRevision, ReportStatus, RevisionKind, SelfReview
from tusoi.reports.services import report_save
from tusoi.testing.factories import PASSWORD

from .conftest import filled_content, make_open_campaign

pytestmark = pytest.mark.browser

# Autosave waits 2 s after typing; offline retries every 15 s (the `online` event is quicker).
SAVE_WAIT = 20_000

FIRST = (
    "Tôi luôn giữ lời thề khi đứng trước cờ Đảng, đi sinh hoạt đều đặn và đóng đảng phí đúng hạn. "
)
MORE = "Khi mất mạng tôi vẫn viết tiếp, chữ không mất."


def _status(tab):
    return tab.locator("#save-status")


def _expect_saved(tab):
    expect(_status(tab)).to_have_attribute("data-state", "saved", timeout=SAVE_WAIT)
    expect(_status(tab)).to_have_text(re.compile(r"^Đã lưu lúc \d\d:\d\d$"))


def test_member_writes_loses_the_connection_recovers_and_submits(
    page, browser_login, tree, make_user
):
    campaign = make_open_campaign(tree.province)
    writer = make_user(username="an", member=tree.member_a)
    browser_login(page, writer.username, PASSWORD)

    page.goto("/reports/my/")
    page.locator(f"form[action='/reports/my/{campaign.pk}/'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/reports/r/\d+/$"))
    report = SelfReview.objects.get(member=tree.member_a, campaign=campaign)

    oath = page.locator("textarea[name=s-loi-the]")
    oath.fill(FIRST)
    oath.press_sequentially("Tôi ")
    _expect_saved(page)

    page.context.set_offline(True)
    oath.press_sequentially(MORE)
    expect(_status(page)).to_have_attribute("data-state", "offline", timeout=SAVE_WAIT)
    expect(_status(page)).to_have_text("Chưa lưu — mất kết nối")
    report.refresh_from_db()
    assert MORE not in report.content["sections"]["loi-the"]

    page.context.set_offline(False)
    _expect_saved(page)
    report.refresh_from_db()
    assert report.content["sections"]["loi-the"].endswith(MORE)

    page.reload()
    expect(page.locator("textarea[name=s-loi-the]")).to_have_value(re.compile(re.escape(MORE)))
    assert page.evaluate(f"localStorage.getItem('tusoi-report-{report.pk}')") is None

    # The rest of the report, filled through the service for speed.
    content = filled_content(report)
    content["sections"]["loi-the"] = (
        report.content["sections"]["loi-the"] + "\n" + content["sections"]["loi-the"]
    )
    report_save(report=report, actor=writer, content=content, base_version=report.version)
    page.reload()
    page.locator("details.submit-confirm > summary").click()
    page.locator("button[data-submit]").click()

    expect(page.locator("[data-status]").first).to_have_attribute("data-status", "submitted")
    expect(page.locator("textarea")).to_have_count(0)
    expect(page.locator(".report-text")).to_contain_text(MORE)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    # Phone-sized screen: nothing wider than the viewport.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_two_tabs_on_one_report_get_a_conflict_message(page, browser_login, tree, make_user):
    campaign = make_open_campaign(tree.province)
    writer = make_user(username="an", member=tree.member_a)
    browser_login(page, writer.username, PASSWORD)
    page.goto("/reports/my/")
    page.locator(f"form[action='/reports/my/{campaign.pk}/'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/reports/r/\d+/$"))
    report = SelfReview.objects.get(member=tree.member_a, campaign=campaign)

    tab_b = page.context.new_page()
    tab_b.goto(page.url)
    expect(tab_b.locator("#report-editor input[name=version]")).to_have_value("0")

    page.locator("textarea[name=s-uu-diem]").press_sequentially("Viết ở thẻ thứ nhất.")
    _expect_saved(page)

    tab_b.locator("textarea[name=s-uu-diem]").press_sequentially("Viết ở thẻ thứ hai.")
    expect(_status(tab_b)).to_have_attribute("data-state", "conflict", timeout=SAVE_WAIT)
    conflict = tab_b.locator("#conflict-box")
    expect(conflict).to_be_visible()
    expect(conflict.locator(".conflict-detail")).not_to_be_empty()
    expect(conflict.locator(f"a[href='/reports/r/{report.pk}/revisions/']")).to_be_visible()
    expect(conflict.locator("button[data-reload]")).to_be_visible()

    kept = ReportRevision.objects.get(report=report, kind=RevisionKind.CONFLICT)
    assert kept.content["sections"]["uu-diem"] == "Viết ở thẻ thứ hai."
    report.refresh_from_db()
    assert report.content["sections"]["uu-diem"] == "Viết ở thẻ thứ nhất."
    # Tab B's text stays in the form, and it stops saving over the other tab's.
    expect(tab_b.locator("textarea[name=s-uu-diem]")).to_have_value("Viết ở thẻ thứ hai.")
    tab_b.locator("textarea[name=s-uu-diem]").press_sequentially(" Thêm.")
    local = tab_b.evaluate(f"localStorage.getItem('tusoi-report-{report.pk}')")
    assert "Viết ở thẻ thứ hai. Thêm." in local  # kept in the browser
    # Longer than the autosave delay: an autosave would have been sent by now.
    tab_b.wait_for_timeout(3000)
    expect(_status(tab_b)).to_have_attribute("data-state", "conflict")
    assert ReportRevision.objects.filter(report=report, kind=RevisionKind.CONFLICT).count() == 1
    report.refresh_from_db()
    assert report.version == 1


def test_text_typed_offline_is_put_back_and_sent_on_the_next_visit(
    page, browser_login, tree, make_user
):
    campaign = make_open_campaign(tree.province)
    writer = make_user(username="an", member=tree.member_a)
    browser_login(page, writer.username, PASSWORD)
    page.goto("/reports/my/")
    page.locator(f"form[action='/reports/my/{campaign.pk}/'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/reports/r/\d+/$"))
    url = page.url
    report = SelfReview.objects.get(member=tree.member_a, campaign=campaign)

    context = page.context
    context.set_offline(True)
    page.locator("textarea[name=s-han-che]").press_sequentially(MORE)
    expect(_status(page)).to_have_attribute("data-state", "offline")
    page.close()  # the tab is gone before the connection came back

    context.set_offline(False)
    tab = context.new_page()
    tab.goto(url)
    expect(tab.locator("textarea[name=s-han-che]")).to_have_value(MORE)
    expect(tab.locator("#local-notice")).to_be_visible(timeout=SAVE_WAIT)
    expect(_status(tab)).to_have_attribute("data-state", "saved", timeout=SAVE_WAIT)
    report.refresh_from_db()
    assert report.content["sections"]["han-che"] == MORE
    assert tab.evaluate(f"localStorage.getItem('tusoi-report-{report.pk}')") is None
