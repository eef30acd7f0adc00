"""In the browser: a member submits a report that copies another, is warned gently, submits
anyway; the cell's secretary opens the report, sees the flag and compares the two texts side by
side with the shared passages highlighted. Elements are found by data attributes and classes,
so the test holds whatever the translation."""

import pytest
from django.urls import reverse

from tusoi.orgs.permissions import Role
from tusoi.reports.models import ReportStatus, SelfReview
from tusoi.reports.services import report_open, report_save
from tusoi.testing.factories import PASSWORD, make_member

from .conftest import make_open_campaign
from .scope_cases_copies import content_of, paragraphs, write_report

pytestmark = pytest.mark.browser


def _switch_user(page, browser_login, user):
    page.context.clear_cookies()
    browser_login(page, user.username, PASSWORD)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_member_is_warned_submits_anyway_and_the_secretary_compares_side_by_side(
    page, browser_login, tree, make_user
):
    campaign = make_open_campaign(tree.province)
    original = paragraphs(300, 10)
    source = write_report(make_member(tree.cell_a, "Hoàng Văn Gốc"), campaign, original)
    writer = make_user(member=tree.member_a, username="dangvien_chep")
    secretary = make_user(tree.cell_a, Role.SECRETARY, username="bithu_chep")
    report = report_open(member=tree.member_a, campaign=campaign, actor=writer)
    report = report_save(
        report=report,
        actor=writer,
        content=content_of(report, original[:8] + paragraphs(301, 2)),
        base_version=0,
    )
    report_url = reverse("reports:report", args=[report.pk])

    # The member opens the draft, changes a few words and submits: a gentle warning comes back.
    _switch_user(page, browser_login, writer)
    page.goto(report_url)
    first = page.locator("textarea[name^='s-']").first
    first.fill(first.input_value() + " Tôi xin bổ sung thêm một câu của riêng mình.")
    page.locator(".submit-confirm summary").click()
    page.locator("button[data-submit]").click()
    warning = page.locator("[data-copy-warning]")
    warning.wait_for()
    assert "%" in warning.inner_text()
    assert "Hoàng Văn Gốc" not in page.content()
    assert SelfReview.objects.get(pk=report.pk).status == ReportStatus.DRAFT

    # The member submits anyway.
    page.locator("button[data-copy-confirm]").click()
    page.wait_for_url(f"**{report_url}")
    assert page.locator("[data-copy-warning]").count() == 0
    assert SelfReview.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED

    # The secretary sees the flag and the counterpart, and compares the two texts.
    _switch_user(page, browser_login, secretary)
    page.goto(reverse("reports:cell_reports", args=[campaign.pk, tree.cell_a.pk]))
    assert page.locator(f"#member-{tree.member_a.pk} [data-copy-flagged]").count() == 1
    page.goto(report_url)
    check = page.locator("[data-copy-check]")
    assert check.locator("[data-copy-flag]").count() == 1
    check.get_by_role("link", name="Hoàng Văn Gốc").click()
    page.wait_for_url(f"**?with={source.pk}")
    left = page.locator("[data-side=left] mark")
    right = page.locator("[data-side=right] mark")
    assert left.count() >= 1 and right.count() >= 1
    assert original[0][:30] in page.locator("[data-side=right] .copy-text").inner_text()
    assert original[0][:30] in " ".join(right.all_inner_texts())
