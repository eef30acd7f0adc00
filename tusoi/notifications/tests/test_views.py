"""The inbox, marking read and opening a notification, in pages and over the API: only ever the
caller's own (another user's notification is 404, however wide the caller's grants), and the
unread count in the menu."""

import json

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from tusoi.notifications.context_processors import notifications as notifications_context
from tusoi.notifications.models import Notification
from tusoi.notifications.tests.conftest import make_notification
from tusoi.notifications.tests.scope_cases import PUBLIC
from tusoi.notifications.views import PAGE_SIZE
from tusoi.orgs.permissions import Role

INBOX = reverse("notifications:inbox")
MARK_READ = reverse("notifications:mark_read")
API_LIST = reverse("api:notifications_list")
API_READ = reverse("api:notifications_read")


def _nav(html: str) -> str:
    return html.split('class="mainnav"', 1)[1].split("</nav>", 1)[0]


def _post_json(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_every_notification_url_is_covered_here():
    assert set(PUBLIC) == {
        "notifications:inbox",
        "notifications:mark_read",
        "notifications:open",
        "api:notifications_list",
        "api:notifications_read",
    }


# The inbox -------------------------------------------------------------------------------------


def test_inbox_lists_own_notifications_newest_first_with_time_sender_and_link(
    client, writer, stranger, make_user, tree
):
    secretary = make_user(tree.cell_a, Role.SECRETARY, first_name="Bình", last_name="Lê")
    older = make_notification(writer, title="Nhắc nộp báo cáo tự rà soát")
    newer = make_notification(
        writer, title="Báo cáo bị trả lại", body="Bổ sung phần nguyên nhân.", sent_by=secretary
    )
    make_notification(stranger, title="Thư của người khác")
    client.force_login(writer)
    html = client.get(INBOX).content.decode()
    assert html.index("Báo cáo bị trả lại") < html.index("Nhắc nộp báo cáo tự rà soát")
    assert "Thư của người khác" not in html
    assert "Bổ sung phần nguyên nhân." in html
    assert secretary.get_full_name() in html
    local = timezone.localtime(newer.created_at)
    assert local.strftime("%d/%m/%Y %H:%M") in html
    assert reverse("notifications:open", args=[older.pk]) in html


def test_inbox_highlights_unread_notifications(client, writer):
    unread = make_notification(writer, title="Chưa đọc")
    read = make_notification(writer, title="Đã đọc", read_at=timezone.now())
    client.force_login(writer)
    html = client.get(INBOX).content.decode()
    assert f'class="notification unread" id="notification-{unread.pk}"' in html
    assert f'class="notification" id="notification-{read.pk}"' in html


def test_inbox_shows_pasted_html_as_text(client, writer):
    make_notification(writer, title="<b>Tiêu đề</b>", body='<script>alert("x")</script>\nDòng hai')
    client.force_login(writer)
    html = client.get(INBOX).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    assert "&lt;b&gt;Tiêu đề&lt;/b&gt;" in html
    assert "<br>Dòng hai" in html


def test_inbox_is_paginated_and_its_queries_do_not_grow_with_rows(
    client, writer, django_assert_max_num_queries
):
    Notification.objects.bulk_create(
        Notification(user=writer, kind="report_accepted", title=f"Thông báo {n}")
        for n in range(PAGE_SIZE + 5)
    )
    client.force_login(writer)
    client.get(INBOX)  # warm the session
    with django_assert_max_num_queries(8):
        first = client.get(INBOX).content.decode()
    second = client.get(INBOX + "?page=2").content.decode()
    assert first.count('class="notification unread"') == PAGE_SIZE
    assert second.count('class="notification unread"') == 5
    assert "?page=2" in first


def test_inbox_tells_a_user_without_notifications(client, writer):
    client.force_login(writer)
    response = client.get(INBOX)
    assert response.status_code == 200
    assert 'class="list notifications"' not in response.content.decode()


# Marking read and opening ------------------------------------------------------------------------


def test_mark_read_marks_all_own_notifications_when_no_ids_are_posted(client, writer, stranger):
    mine = [make_notification(writer), make_notification(writer)]
    theirs = make_notification(stranger)
    client.force_login(writer)
    response = client.post(MARK_READ)
    assert response.status_code == 302 and response["Location"] == INBOX
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_marks_only_the_posted_ids_and_never_another_users(client, writer, stranger):
    first, second = make_notification(writer), make_notification(writer)
    theirs = make_notification(stranger)
    client.force_login(writer)
    client.post(MARK_READ, {"ids": [first.pk, theirs.pk, "x"], "next": "https://evil.example/"})
    first.refresh_from_db()
    second.refresh_from_db()
    theirs.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None
    assert theirs.read_at is None


def test_mark_read_needs_a_post(client, writer):
    client.force_login(writer)
    assert client.get(MARK_READ).status_code == 405


@pytest.mark.parametrize("method", ["get", "post"])
def test_opening_marks_read_and_goes_to_the_notifications_link(client, writer, method):
    notification = make_notification(writer, url="/reports/r/42/")
    client.force_login(writer)
    response = getattr(client, method)(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/reports/r/42/"
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.parametrize(
    "url", ["https://evil.example/phish", "//evil.example/x", "/\\evil.example", "javascript:x", ""]
)
def test_opening_never_leaves_the_site(client, writer, url):
    notification = make_notification(writer, url=url)
    client.force_login(writer)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == INBOX


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", [Role.COMMITTEE, Role.ADMIN])
def test_another_users_notification_is_not_found_even_for_a_province_grant(
    client, tree, make_user, stranger, method, role
):
    theirs = make_notification(stranger, url="/reports/my/")
    client.force_login(make_user(tree.province, role))
    response = getattr(client, method)(reverse("notifications:open", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_province_committee_inbox_holds_none_of_anyone_elses(client, tree, make_user, stranger):
    make_notification(stranger, title="Thư của người khác")
    client.force_login(make_user(tree.province, Role.ADMIN))
    assert "Thư của người khác" not in client.get(INBOX).content.decode()


@pytest.mark.parametrize(
    ("name", "method", "kwargs"),
    [
        ("notifications:inbox", "get", {}),
        ("notifications:mark_read", "post", {}),
        ("notifications:open", "get", {"pk": 1}),
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(client, db, name, method, kwargs):
    response = getattr(client, method)(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# The menu ----------------------------------------------------------------------------------------


def test_menu_shows_the_unread_count_and_my_reports_for_a_member(client, writer):
    make_notification(writer)
    make_notification(writer)
    make_notification(writer, read_at=timezone.now())
    client.force_login(writer)
    nav = _nav(client.get(reverse("core:home")).content.decode())
    assert f'href="{INBOX}"' in nav
    assert '<span class="nav-count">(2)</span>' in nav
    assert f'href="{reverse("reports:mine")}"' in nav
    client.post(MARK_READ)
    nav = _nav(client.get(reverse("core:home")).content.decode())
    assert "nav-count" not in nav and f'href="{INBOX}"' in nav


def test_menu_offers_no_my_reports_to_a_user_without_a_member_record(client, tree, make_user):
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    nav = _nav(client.get(reverse("core:home")).content.decode())
    assert f'href="{reverse("reports:mine")}"' not in nav
    assert f'href="{INBOX}"' in nav


def test_unread_count_is_one_count_query_and_none_for_anonymous(writer, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    make_notification(writer)
    request = RequestFactory().get("/")
    request.user = writer
    context = notifications_context(request)
    with django_assert_num_queries(1):
        assert int(str(context["unread_notifications"])) == 1
        assert bool(context["unread_notifications"])
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert notifications_context(request)["unread_notifications"] == 0


# The API -----------------------------------------------------------------------------------------


def test_api_lists_only_the_callers_notifications_newest_first(client, writer, stranger):
    older = make_notification(writer, title="Cũ")
    newer = make_notification(writer, title="Mới", read_at=timezone.now())
    make_notification(stranger, title="Của người khác")
    client.force_login(writer)
    body = client.get(API_LIST).json()
    assert body["count"] == 2
    assert [n["id"] for n in body["items"]] == [newer.pk, older.pk]
    assert body["items"][1]["read_at"] is None and body["items"][1]["kind"] == "report_accepted"
    unread = client.get(API_LIST + "?unread=true").json()
    assert [n["id"] for n in unread["items"]] == [older.pk]
    page = client.get(API_LIST + "?limit=1&offset=1").json()
    assert [n["id"] for n in page["items"]] == [older.pk]


def test_api_marks_the_given_ids_read_or_all(client, writer):
    first, second, third = (make_notification(writer) for _ in range(3))
    client.force_login(writer)
    response = _post_json(client, API_READ, {"ids": [first.pk]})
    assert response.status_code == 200
    assert response.json() == {"marked": 1, "unread": 2}
    response = _post_json(client, API_READ, {})
    assert response.json() == {"marked": 2, "unread": 0}
    assert not Notification.objects.filter(user=writer, read_at__isnull=True).exists()


def test_api_answers_404_for_another_users_notification_and_marks_nothing(
    client, writer, stranger, tree, make_user
):
    mine = make_notification(writer)
    theirs = make_notification(stranger)
    client.force_login(writer)
    response = _post_json(client, API_READ, {"ids": [mine.pk, theirs.pk]})
    assert response.status_code == 404
    client.force_login(make_user(tree.province, Role.ADMIN))
    assert _post_json(client, API_READ, {"ids": [theirs.pk]}).status_code == 404
    assert client.get(API_LIST).json()["count"] == 0
    assert not Notification.objects.filter(read_at__isnull=False).exists()


def test_api_refuses_anonymous_callers(client, db):
    assert client.get(API_LIST).status_code == 401
    assert _post_json(client, API_READ, {}).status_code == 401


def test_api_refuses_ids_that_are_not_numbers(client, writer):
    client.force_login(writer)
    response = _post_json(client, API_READ, {"ids": ["abc"]})
    assert response.status_code == 422
    assert "ids.0" in response.json()["errors"]
