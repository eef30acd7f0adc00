"""Activities in a real browser on a phone-sized screen: the cell's secretary records one with
two files from the organisation page, the refused form keeps what was typed, and the files can be
downloaded."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tusoi.orgs.permissions import Role
from tusoi.testing.factories import PASSWORD

from .conftest import PDF, PNG

pytestmark = pytest.mark.browser


def test_secretary_records_an_activity_with_files(page, browser_login, tree, make_user):
    secretary = make_user(tree.cell_a, Role.SECRETARY, username="bithu-hd")
    browser_login(page, secretary.username, PASSWORD)
    page.goto(f"/orgs/{tree.cell_a.pk}/")
    page.locator("#activities-links a").first.click()
    expect(page).to_have_url(re.compile(rf"/activities/org/{tree.cell_a.pk}/$"))
    page.locator(f"a[href='/activities/org/{tree.cell_a.pk}/new/']").click()

    page.select_option("select[name=kind]", "veteran_exchange")
    page.fill("input[name=title]", "Gặp mặt đảng viên 50 năm tuổi Đảng")
    page.fill("input[name=on]", "01/01/2999")  # not yet happened: refused
    page.fill("input[name=participants]", "18")
    page.fill("textarea[name=summary]", "Các đồng chí lão thành kể chuyện ngày vào Đảng.")
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("#field-on .errorlist")).to_be_visible()
    expect(page.locator("input[name=title]")).to_have_value("Gặp mặt đảng viên 50 năm tuổi Đảng")

    page.fill("input[name=on]", timezone.localdate().strftime("%d/%m/%Y"))
    page.set_input_files(
        "input[name=files]",
        [
            {"name": "ke-hoach.pdf", "mimeType": "application/pdf", "buffer": PDF},
            {"name": "anh.png", "mimeType": "image/png", "buffer": PNG},
        ],
    )
    page.locator("form.card button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/activities/\d+/$"))
    expect(page.locator("h1")).to_have_text("Gặp mặt đảng viên 50 năm tuổi Đảng")
    links = page.locator("#attachments a[download]")
    expect(links).to_have_count(2)
    with page.expect_download() as info:
        links.first.click()
    assert info.value.suggested_filename == "ke-hoach.pdf"
