"""The cell's pages: states of every member, review, proxy entry, confirmation, reminders and the
follow-up of commitments (both engines)."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tusoi.members.models import Member, MemberStatus
from tusoi.notifications.models import Notification, NotificationKind
from tusoi.orgs.permissions import Role
from tusoi.reports.models import (
    Commitment,
    CommitmentProgress,
    CommitmentStatus,
    ReportStatus,
    SelfReview,
)
from tusoi.reports.services import (
    report_accept,
    report_open,
    report_return,
    report_save,
    report_submit,
)
from tusoi.testing.factories import grant, make_member

from .conftest import filled_content, make_open_campaign

pytestmark = pytest.mark.django_db

TEXT_MARK = "Tôi đã tự soi, tự sửa"  # in every section filled_content() writes


def _write(member, campaign, actor, *, submit=True, proxy_reason=""):
    report = report_open(member=member, campaign=campaign, actor=actor)
    report = report_save(
        report=report,
        actor=actor,
        content=filled_content(report),
        base_version=report.version,
        proxy_reason=proxy_reason,
    )
    if submit:
        report = report_submit(report=report, actor=actor, base_version=report.version)
    return report


@pytest.fixture
def cell(tree, make_user):
    """Cell A with one member in each state, and one exempt member listed apart."""

    class C:
        campaign = make_open_campaign(tree.province)
        secretary = make_user(tree.cell_a, Role.SECRETARY, first_name="Bí thư", last_name="Hà")
        committee = make_user(tree.branch_a, Role.COMMITTEE)
        sibling = make_user(tree.cell_b, Role.SECRETARY)

    C.submitted_member = tree.member_a
    C.draft_member = make_member(tree.cell_a, "Phạm Thị Cúc")
    C.returned_member = make_member(tree.cell_a, "Hoàng Văn Dũng")
    C.accepted_member = make_member(tree.cell_a, "Vũ Thị Em")
    C.idle_member = make_member(tree.cell_a, "Đỗ Văn Giang")
    C.exempt_member = make_member(tree.cell_a, "Bùi Thị Hoa")
    Member.objects.filter(pk=C.exempt_member.pk).update(status=MemberStatus.EXEMPT)
    C.writer = make_user(member=tree.member_a)
    C.submitted = _write(tree.member_a, C.campaign, C.writer)
    C.draft = _write(C.draft_member, C.campaign, make_user(member=C.draft_member), submit=False)
    C.returned = report_return(
        report=_write(C.returned_member, C.campaign, make_user(member=C.returned_member)),
        actor=C.secretary,
        reason="Thiếu phần nguyên nhân",
    )
    C.accepted = report_accept(
        report=_write(C.accepted_member, C.campaign, make_user(member=C.accepted_member)),
        actor=C.secretary,
    )
    return C


def _cell_url(cell, tree):
    return reverse("reports:cell_reports", args=[cell.campaign.pk, tree.cell_a.pk])


def _shown(response):
    """The messages the next page would show (then gone, as in a browser)."""
    shown = list(get_messages(response.wsgi_request))
    response.client.cookies.pop("messages", None)
    return shown


def _messages(response):
    return [str(m) for m in _shown(response)]


def _levels(response):
    return [m.level_tag for m in _shown(response)]


# The cell's page ----------------------------------------------------------------------------


def test_cell_page_shows_every_members_state_and_lists_exempt_members_apart(client, cell, tree):
    client.force_login(cell.secretary)
    response = client.get(_cell_url(cell, tree))
    assert response.status_code == 200
    html = response.content.decode()
    states = dict(re.findall(r'id="member-(\d+)" data-status="(\w+)"', html))
    assert states == {
        str(cell.submitted_member.pk): ReportStatus.SUBMITTED,
        str(cell.draft_member.pk): ReportStatus.DRAFT,
        str(cell.returned_member.pk): ReportStatus.RETURNED,
        str(cell.accepted_member.pk): ReportStatus.ACCEPTED,
        str(cell.idle_member.pk): "none",
    }
    counts = response.context["counts"]
    assert (counts.in_scope, counts.counted, counts.returned, counts.not_started) == (5, 2, 1, 1)
    assert [r.member.pk for r in response.context["apart"]] == [cell.exempt_member.pk]
    assert "Bùi Thị Hoa" in html.split('class="card cell-apart"')[1]
    # The secretary reads the text: every started report's name links to it.
    for report in (cell.submitted, cell.draft, cell.returned, cell.accepted):
        assert reverse("reports:report", args=[report.pk]) in html
    assert 'id="remind-form"' in html


def test_late_and_proxy_marks_are_shown(client, cell, tree):
    SelfReview.objects.filter(pk=cell.submitted.pk).update(submitted_late=True)
    mate = make_member(tree.cell_a, "Lý Văn Khoa")
    _write(mate, cell.campaign, cell.secretary, proxy_reason="Đảng viên cao tuổi, mắt kém")
    client.force_login(cell.secretary)
    html = client.get(_cell_url(cell, tree)).content.decode()
    row = lambda member: html.split(f'id="member-{member.pk}"')[1].split("</tr>")[0]  # noqa: E731
    assert 'class="badge warn late"' in row(cell.submitted_member)
    assert 'class="badge proxy"' in row(mate)
    assert "confirmed" not in row(mate)


def test_committee_above_sees_names_and_states_but_no_text_nor_link_to_it(client, cell, tree):
    Commitment.objects.filter(member=tree.member_a).update(
        due_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    client.force_login(cell.committee)
    response = client.get(_cell_url(cell, tree))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nguyễn Văn An" in html and "Hoàng Văn Dũng" in html
    assert f'data-status="{ReportStatus.RETURNED}"' in html
    assert "/r/" not in html  # no link to any report
    assert TEXT_MARK not in html and "Đọc và làm theo Điều lệ Đảng" not in html
    assert "Thiếu phần nguyên nhân" not in html
    assert 'id="remind-form"' not in html and "proxy-open" not in html
    assert "overdue-commitments" not in html


def test_sibling_branch_secretary_gets_404_on_every_url(client, cell, tree):
    commitment = cell.submitted.commitments.get()
    client.force_login(cell.sibling)
    campaign_pk, cell_pk = cell.campaign.pk, tree.cell_a.pk
    gets = [
        reverse("reports:cell_reports", args=[campaign_pk, cell_pk]),
        reverse("reports:cell_commitments", args=[cell_pk]),
    ]
    posts = [
        (reverse("reports:report_return", args=[cell.submitted.pk]), {"reason": "Không rõ"}),
        (reverse("reports:report_accept", args=[cell.submitted.pk]), {}),
        (reverse("reports:report_confirm", args=[cell.submitted.pk]), {}),
        (reverse("reports:cell_remind", args=[campaign_pk, cell_pk]), {"send_to": "all"}),
        (reverse("reports:proxy_open", args=[campaign_pk, cell.idle_member.pk]), {}),
        (
            reverse("reports:commitment_progress", args=[commitment.pk]),
            {"status": CommitmentStatus.DONE, "note": "", "on": ""},
        ),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    cell.submitted.refresh_from_db()
    assert cell.submitted.status == ReportStatus.SUBMITTED
    assert not SelfReview.objects.filter(member=cell.idle_member).exists()
    assert not CommitmentProgress.objects.exists()
    # The sibling's own page for their cell shows none of cell A's members.
    html = client.get(reverse("reports:cell_reports", args=[campaign_pk, tree.cell_b.pk]))
    assert html.status_code == 200 and "Nguyễn Văn An" not in html.content.decode()


def test_cell_outside_the_campaign_is_not_found(client, tree, make_user):
    campaign_of_b = make_open_campaign(tree.branch_b, title="Đợt của xã Bình Minh")
    client.force_login(make_user(tree.province, Role.COMMITTEE))
    url = reverse("reports:cell_reports", args=[campaign_of_b.pk, tree.cell_a.pk])
    assert client.get(url).status_code == 404


def test_cell_page_queries_do_not_grow_with_members(client, cell, tree, make_user):
    client.force_login(cell.secretary)
    url = _cell_url(cell, tree)
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(8):
        member = make_member(tree.cell_a, f"Thành viên Số {n}")
        if n % 2:
            _write(member, cell.campaign, make_user(member=member))
    Commitment.objects.update(due_on=timezone.localdate() - datetime.timedelta(days=1))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["rows"]) == 13
    assert len(many) <= len(few) + 1  # the overdue list appears: one query, whatever its length


def test_cell_page_query_count_is_bounded(
    client, cell, tree, make_user, django_assert_max_num_queries
):
    for n in range(12):
        member = make_member(tree.cell_a, f"Người Thứ {n}")
        _write(member, cell.campaign, make_user(member=member), submit=bool(n % 2))
    client.force_login(cell.secretary)
    client.get(_cell_url(cell, tree))
    with django_assert_max_num_queries(12):
        client.get(_cell_url(cell, tree))


def test_overdue_commitments_are_listed_on_the_cell_page(client, cell, tree):
    Commitment.objects.filter(member=tree.member_a).update(
        due_on=timezone.localdate() - datetime.timedelta(days=5)
    )
    client.force_login(cell.secretary)
    html = client.get(_cell_url(cell, tree)).content.decode()
    overdue = html.split('class="card overdue-commitments"')[1]
    assert "Đọc và làm theo Điều lệ Đảng" in overdue and "Nguyễn Văn An" in overdue
    assert reverse("reports:cell_commitments", args=[tree.cell_a.pk]) in overdue


# Review -------------------------------------------------------------------------------------


def test_return_needs_a_reason_and_leaves_the_state_unchanged(client, cell):
    client.force_login(cell.secretary)
    response = client.post(
        reverse("reports:report_return", args=[cell.submitted.pk]), {"reason": "   "}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:report", args=[cell.submitted.pk])
    assert _levels(response) == ["error"]
    cell.submitted.refresh_from_db()
    assert cell.submitted.status == ReportStatus.SUBMITTED


def test_return_with_a_reason_notifies_the_writer(client, cell):
    client.force_login(cell.secretary)
    response = client.post(
        reverse("reports:report_return", args=[cell.submitted.pk]),
        {"reason": "Phần hạn chế còn chung chung"},
    )
    assert response.status_code == 302 and _levels(response) == ["success"]
    cell.submitted.refresh_from_db()
    assert cell.submitted.status == ReportStatus.RETURNED
    assert cell.submitted.returned_reason == "Phần hạn chế còn chung chung"
    assert cell.submitted.decided_by == cell.secretary
    assert Notification.objects.filter(
        user=cell.writer, kind=NotificationKind.REPORT_RETURNED
    ).exists()


def test_accept_a_submitted_report(client, cell):
    client.force_login(cell.secretary)
    response = client.post(reverse("reports:report_accept", args=[cell.submitted.pk]))
    assert response.status_code == 302 and _levels(response) == ["success"]
    cell.submitted.refresh_from_db()
    assert cell.submitted.status == ReportStatus.ACCEPTED


def test_accepting_a_draft_is_refused_with_a_message(client, cell):
    client.force_login(cell.secretary)
    response = client.post(reverse("reports:report_accept", args=[cell.draft.pk]))
    assert response.status_code == 302 and _levels(response) == ["error"]
    cell.draft.refresh_from_db()
    assert cell.draft.status == ReportStatus.DRAFT


def test_committee_and_writer_cannot_return_or_accept(client, cell):
    for user in (cell.committee, cell.writer):
        client.force_login(user)
        for name in ("reports:report_return", "reports:report_accept"):
            response = client.post(reverse(name, args=[cell.submitted.pk]), {"reason": "Sửa"})
            assert response.status_code == 404
    cell.submitted.refresh_from_db()
    assert cell.submitted.status == ReportStatus.SUBMITTED


def test_review_urls_refuse_get(client, cell):
    client.force_login(cell.secretary)
    assert client.get(reverse("reports:report_accept", args=[cell.submitted.pk])).status_code == 405


# Proxy entry and confirmation ---------------------------------------------------------------


def test_proxy_open_starts_the_report_and_the_secretary_edits_it_on_the_members_behalf(
    client, cell, tree
):
    client.force_login(cell.secretary)
    response = client.post(
        reverse("reports:proxy_open", args=[cell.campaign.pk, cell.idle_member.pk])
    )
    report = SelfReview.objects.get(member=cell.idle_member, campaign=cell.campaign)
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:report", args=[report.pk])
    assert report.status == ReportStatus.DRAFT
    report = report_save(
        report=report,
        actor=cell.secretary,
        content=filled_content(report),
        base_version=report.version,
        proxy_reason="Đi làm ăn xa, nhờ chi bộ nhập hộ",
    )
    assert report.entered_by == cell.secretary
    assert report.proxy_reason == "Đi làm ăn xa, nhờ chi bộ nhập hộ"
    # Opening it again goes back to the same report.
    again = client.post(reverse("reports:proxy_open", args=[cell.campaign.pk, cell.idle_member.pk]))
    assert again["Location"] == reverse("reports:report", args=[report.pk])


def test_proxy_open_for_an_exempt_member_is_refused_with_a_message(client, cell, tree):
    client.force_login(cell.secretary)
    response = client.post(
        reverse("reports:proxy_open", args=[cell.campaign.pk, cell.exempt_member.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == _cell_url(cell, tree)
    assert _levels(response) == ["error"]
    assert not SelfReview.objects.filter(member=cell.exempt_member).exists()


def test_proxy_open_is_for_the_cells_secretary_only(client, cell):
    for user in (cell.committee, cell.writer):
        client.force_login(user)
        url = reverse("reports:proxy_open", args=[cell.campaign.pk, cell.idle_member.pk])
        assert client.post(url).status_code == 404
    assert not SelfReview.objects.filter(member=cell.idle_member).exists()


def test_only_the_member_confirms_a_report_entered_on_their_behalf(client, cell, make_user):
    member_user = make_user(member=cell.idle_member)
    report = _write(
        cell.idle_member, cell.campaign, cell.secretary, proxy_reason="Đảng viên cao tuổi"
    )
    url = reverse("reports:report_confirm", args=[report.pk])
    client.force_login(cell.secretary)
    response = client.post(url)
    assert response.status_code == 302 and _levels(response) == ["error"]
    report.refresh_from_db()
    assert report.confirmed_at is None
    client.force_login(cell.writer)  # another member of the cell
    assert client.post(url).status_code == 404
    client.force_login(member_user)
    response = client.post(url)
    assert response.status_code == 302 and _levels(response) == ["success"]
    report.refresh_from_db()
    assert report.confirmed_at is not None


# The review partial on the report page -------------------------------------------------------


def _review_html(report, user, **flags):
    request = RequestFactory().get("/")
    request.user = user
    context = {
        "report": report,
        "can_read_text": True,
        "can_review": False,
        "is_writer": False,
        "editable": False,
        "proxy_mode": False,
        **flags,
    }
    return render_to_string("reports/_report_review.html", context, request=request)


def test_review_partial_offers_accept_and_return_to_the_secretary(cell):
    html = _review_html(cell.submitted, cell.secretary, can_review=True)
    assert reverse("reports:report_accept", args=[cell.submitted.pk]) in html
    assert reverse("reports:report_return", args=[cell.submitted.pk]) in html
    html = _review_html(cell.accepted, cell.secretary, can_review=True)
    assert "report_accept" not in html and "/accept/" not in html
    assert "Bí thư Hà" in html  # who accepted


def test_review_partial_shows_the_returned_reason_as_text(cell):
    report = _write(
        make_member(cell.submitted_member.cell, "Ngô Văn Lâm"),
        cell.campaign,
        cell.secretary,
        proxy_reason="Ốm",
    )
    report = report_return(
        report=report, actor=cell.secretary, reason="<script>alert(1)</script> Viết lại"
    )
    html = _review_html(report, cell.writer, is_writer=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Viết lại" in html
    assert "/accept/" not in html


def test_review_partial_asks_the_writer_to_confirm_a_proxy_report(cell, make_user):
    member_user = make_user(member=cell.idle_member)
    report = _write(cell.idle_member, cell.campaign, cell.secretary, proxy_reason="Mắt kém")
    html = _review_html(report, member_user, is_writer=True)
    assert reverse("reports:report_confirm", args=[report.pk]) in html
    assert "Bí thư Hà" in html and "Mắt kém" in html
    assert timezone.localtime().strftime("%d/%m/%Y") in html
    secretary_view = _review_html(report, cell.secretary, can_review=True)
    assert "/confirm/" not in secretary_view and "not-confirmed" in secretary_view


def test_review_partial_marks_a_late_report(cell):
    cell.submitted.submitted_late = True
    html = _review_html(cell.submitted, cell.writer, is_writer=True)
    assert 'class="badge warn late"' in html


# Reminders ----------------------------------------------------------------------------------


def test_reminders_once_a_day_counting_members_without_account(
    client, cell, tree, make_user, django_capture_on_commit_callbacks
):
    Member.objects.filter(pk=cell.draft_member.pk).update(email="cuc@example.org")
    # draft_member, returned_member have accounts (from the fixture); idle_member has none.
    client.force_login(cell.secretary)
    url = reverse("reports:cell_remind", args=[cell.campaign.pk, tree.cell_a.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"send_to": "all"})
    assert response.status_code == 302 and response["Location"] == _cell_url(cell, tree)
    [message] = _messages(response)
    assert re.findall(r"\d+", message) == ["2", "0", "1"]
    reminded = set(
        Notification.objects.filter(kind=NotificationKind.REMINDER).values_list(
            "user__member_id", flat=True
        )
    )
    assert reminded == {cell.draft_member.pk, cell.returned_member.pk}
    assert [m.to for m in mail.outbox] == [["cuc@example.org"]]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"send_to": "all"})
    [message] = _messages(response)
    assert re.findall(r"\d+", message) == ["0", "2", "1"]
    assert Notification.objects.filter(kind=NotificationKind.REMINDER).count() == 2
    assert len(mail.outbox) == 1


def test_reminders_to_selected_members_only(client, cell, tree):
    client.force_login(cell.secretary)
    url = reverse("reports:cell_remind", args=[cell.campaign.pk, tree.cell_a.pk])
    response = client.post(url, {"send_to": "selected", "member": [cell.returned_member.pk]})
    assert re.findall(r"\d+", _messages(response)[0]) == ["1", "0", "0"]
    assert list(
        Notification.objects.filter(kind=NotificationKind.REMINDER).values_list(
            "user__member_id", flat=True
        )
    ) == [cell.returned_member.pk]


def test_reminders_to_selected_need_a_selection(client, cell, tree):
    client.force_login(cell.secretary)
    url = reverse("reports:cell_remind", args=[cell.campaign.pk, tree.cell_a.pk])
    response = client.post(url, {"send_to": "selected"})
    assert _levels(response) == ["error"]
    assert not Notification.objects.filter(kind=NotificationKind.REMINDER).exists()


def test_committee_cannot_send_reminders(client, cell, tree):
    client.force_login(cell.committee)
    url = reverse("reports:cell_remind", args=[cell.campaign.pk, tree.cell_a.pk])
    assert client.post(url, {"send_to": "all"}).status_code == 404
    assert not Notification.objects.filter(kind=NotificationKind.REMINDER).exists()


# Commitments --------------------------------------------------------------------------------


def _progress(client, commitment, **data):
    payload = {"status": CommitmentStatus.IN_PROGRESS, "note": "Đã đọc chương 1", "on": ""}
    payload.update(data)
    return client.post(reverse("reports:commitment_progress", args=[commitment.pk]), payload)


def test_member_records_progress_on_their_commitment(client, cell):
    commitment = cell.submitted.commitments.get()
    client.force_login(cell.writer)
    response = _progress(client, commitment, on="02/01/2025", next="/reports/commitments/")
    assert response.status_code == 302 and response["Location"] == "/reports/commitments/"
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.IN_PROGRESS
    assert commitment.progress_on == datetime.date(2025, 1, 2)
    entry = commitment.progress.get()
    assert entry.recorded_by == cell.writer and entry.note == "Đã đọc chương 1"


def test_secretary_records_progress_and_an_outside_next_is_ignored(client, cell, tree):
    commitment = cell.submitted.commitments.get()
    client.force_login(cell.secretary)
    response = _progress(
        client, commitment, status=CommitmentStatus.DONE, next="https://example.com/steal"
    )
    assert response["Location"] == reverse("reports:cell_commitments", args=[tree.cell_a.pk])
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.DONE
    assert commitment.progress.get().recorded_by == cell.secretary


def test_progress_is_refused_for_a_committee_user_and_a_supervisor(client, cell, tree, make_user):
    commitment = cell.submitted.commitments.get()
    client.force_login(cell.committee)
    assert _progress(client, commitment).status_code == 404  # commitments are report text
    supervisor = make_user(tree.cell_a, Role.SUPERVISOR)
    client.force_login(supervisor)
    response = _progress(client, commitment)
    assert response.status_code == 302 and _levels(response) == ["error"]
    assert not commitment.progress.exists()


def test_progress_in_the_future_or_badly_dated_is_refused(client, cell):
    commitment = cell.submitted.commitments.get()
    client.force_login(cell.writer)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    assert _levels(_progress(client, commitment, on=tomorrow)) == ["error"]
    assert _levels(_progress(client, commitment, on="31/02/2025")) == ["error"]
    assert not commitment.progress.exists()


def test_my_commitments_lists_mine_with_history_and_never_anothers(client, cell, tree, make_user):
    mine = cell.submitted.commitments.get()
    Commitment.objects.filter(pk=mine.pk).update(what="Cam kết của tôi: đọc Điều lệ")
    _progress_user = cell.writer
    client.force_login(_progress_user)
    _progress(client, mine, note="Bắt đầu đọc")
    other = cell.accepted.commitments.get()
    Commitment.objects.filter(pk=other.pk).update(what="Cam kết của người khác")
    response = client.get(reverse("reports:commitments_mine"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cam kết của tôi: đọc Điều lệ" in html and "Bắt đầu đọc" in html
    assert "Cam kết của người khác" not in html
    assert reverse("reports:commitment_progress", args=[mine.pk]) in html
    assert reverse("reports:commitment_progress", args=[other.pk]) not in html
    # A user without a member record has none, and posting on another's is not found.
    client.force_login(make_user())
    html = client.get(reverse("reports:commitments_mine")).content.decode()
    assert "Cam kết của tôi: đọc Điều lệ" not in html and "Cam kết của người khác" not in html
    assert reverse("reports:commitment_progress", args=[mine.pk]) not in html
    client.force_login(make_user(member=cell.idle_member))
    assert _progress(client, mine).status_code == 404


def test_my_commitments_queries_do_not_grow_with_commitments(
    client, cell, django_assert_max_num_queries
):
    client.force_login(cell.writer)
    for n in range(4):
        later = make_open_campaign(cell.campaign.organization, title=f"Đợt {n}")
        _write(cell.submitted_member, later, cell.writer)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("reports:commitments_mine"))
    assert len(response.context["commitments"]) == 5


def test_my_commitments_needs_login(client):
    response = client.get(reverse("reports:commitments_mine"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_cell_commitments_lists_overdue_first_with_forms_for_the_secretary(
    client, cell, tree, make_user
):
    submitted = cell.submitted.commitments.get()
    accepted = cell.accepted.commitments.get()
    Commitment.objects.filter(pk=accepted.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    client.force_login(cell.secretary)
    response = client.get(reverse("reports:cell_commitments", args=[tree.cell_a.pk]))
    assert response.status_code == 200
    assert [c.pk for c in response.context["commitments"]][:2] == [accepted.pk, submitted.pk]
    assert response.context["overdue_count"] == 1
    html = response.content.decode()
    assert reverse("reports:commitment_progress", args=[submitted.pk]) in html
    # A supervisor reads them but does not record progress.
    client.force_login(make_user(tree.cell_a, Role.SUPERVISOR))
    html = client.get(reverse("reports:cell_commitments", args=[tree.cell_a.pk])).content.decode()
    assert "Đọc và làm theo Điều lệ Đảng" in html and "/progress/" not in html
    # Committees above see states and figures, never commitments.
    client.force_login(cell.committee)
    assert client.get(reverse("reports:cell_commitments", args=[tree.cell_a.pk])).status_code == 404


def test_cell_commitments_queries_do_not_grow_with_commitments(
    client, cell, tree, make_user, django_assert_max_num_queries
):
    for n in range(6):
        member = make_member(tree.cell_a, f"Người Cam Kết {n}")
        _write(member, cell.campaign, make_user(member=member))
    client.force_login(cell.secretary)
    url = reverse("reports:cell_commitments", args=[tree.cell_a.pk])
    client.get(url)
    with django_assert_max_num_queries(9):
        response = client.get(url)
    assert len(response.context["commitments"]) == 9


def test_proxy_open_for_a_member_outside_the_campaign_is_not_found(client, tree, make_user):
    campaign_of_b = make_open_campaign(tree.branch_b, title="Đợt của xã Bình Minh")
    user = make_user(tree.cell_a, Role.SECRETARY)
    grant(user, tree.branch_b, Role.COMMITTEE)  # sees B's campaign, which does not cover A
    client.force_login(user)
    url = reverse("reports:proxy_open", args=[campaign_of_b.pk, tree.member_a.pk])
    assert client.post(url).status_code == 404
    assert not SelfReview.objects.exists()


# The campaign page --------------------------------------------------------------------------


def test_campaign_page_links_the_cells_the_user_may_follow(client, cell, tree, make_user):
    detail = reverse("campaigns:detail", args=[cell.campaign.pk])
    link = lambda org: reverse("reports:cell_reports", args=[cell.campaign.pk, org.pk])  # noqa: E731
    client.force_login(cell.secretary)
    html = client.get(detail).content.decode()
    assert link(tree.cell_a) in html and link(tree.cell_a2) not in html
    client.force_login(cell.committee)
    html = client.get(detail).content.decode()
    assert link(tree.cell_a) in html and link(tree.cell_a2) in html
    assert link(tree.cell_b) not in html
    client.force_login(cell.writer)
    assert "campaign-cells" not in client.get(detail).content.decode()
