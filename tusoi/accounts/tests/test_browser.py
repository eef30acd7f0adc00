"""Accounts in a real browser: logging in, printing a cell's slips, first login with a slip."""

import re

import pytest
from playwright.sync_api import expect

from tusoi.accounts.services import account_create_for_member
from tusoi.orgs.permissions import Role
from tusoi.testing.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_wrong_then_right_password(page, browser_login, tree, make_user):
    user = make_user(username="an", member=tree.member_a)
    browser_login(page, user.username, "không-phải-mật-khẩu")
    expect(page.locator("form")).to_contain_text("Sai tên đăng nhập hoặc mật khẩu")
    assert page.url.endswith("/accounts/login/")
    browser_login(page, user.username, PASSWORD)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("link", name=tree.member_a.full_name).first).to_be_visible()


def test_secretary_creates_accounts_and_sees_printable_slips(page, browser_login, tree, make_user):
    secretary = make_user(tree.cell_a, Role.SECRETARY, username="bithu-a1")
    browser_login(page, secretary.username, PASSWORD)
    page.goto(f"/accounts/org/{tree.cell_a.pk}/accounts/")
    page.get_by_role("button", name="Tạo tài khoản và in phiếu đăng nhập cho họ").click()
    slip = page.locator("article.slip")
    expect(slip).to_have_count(1)
    expect(slip).to_contain_text(tree.member_a.full_name)
    expect(slip.locator(".slip-username")).to_have_text(tree.member_a.card_number.lower())
    expect(slip.locator(".slip-password")).to_have_text(re.compile(r"^[a-z2-9]{8}$"))
    page.emulate_media(media="print")
    expect(page.locator(".slips-toolbar")).to_be_hidden()
    expect(slip.locator(".slip-password")).to_be_visible()


def test_member_first_login_with_slip_then_own_password(page, browser_login, tree):
    slip = account_create_for_member(actor=None, member=tree.member_a)
    browser_login(page, slip.user.username, slip.password)
    expect(page).to_have_url(re.compile(r"/accounts/password/first/$"))
    page.goto("/")  # every page leads back to choosing a password
    expect(page).to_have_url(re.compile(r"/accounts/password/first/$"))
    page.fill("input[name=new_password1]", "Cây-đa-đầu-làng-75")
    page.fill("input[name=new_password2]", "Cây-đa-đầu-làng-75")
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("link", name=tree.member_a.full_name).first).to_be_visible()
    page.locator("form[action='/accounts/logout/'] button").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    browser_login(page, slip.user.username, "Cây-đa-đầu-làng-75")
    expect(page).to_have_url(re.compile(r"/$"))
