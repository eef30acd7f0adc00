"""The daily deadline reminders: who is reminded (in scope, with an account, no counted report),
on which days (7, 3, 1 days before the due date, and on it), never twice a day, and the huey
task that runs it every morning at 07:00 Vietnam time."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tusoi.campaigns.models import Campaign
from tusoi.members.models import Member, MemberStatus
from tusoi.notifications.models import EmailState, Notification, NotificationKind
from tusoi.notifications.services import notify
from tusoi.orgs.permissions import Role
from tusoi.reports.models import ReportStatus
from tusoi.reports.services import report_open, report_return, report_save, report_submit
from tusoi.reports.services.reminders import REMINDER_DAYS, deadline_reminders_send
from tusoi.reports.tasks import deadline_reminders
from tusoi.testing.factories import make_member

from .conftest import filled_content, make_open_campaign


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def accounts(tree, make_user):
    """An account for each of the tree's members, and one more member in cell A."""
    third = make_member(tree.cell_a, "Phạm Thị Dung")
    return {
        "a": make_user(member=tree.member_a, email="an@example.vn"),
        "a2": make_user(member=tree.member_a2),
        "b": make_user(member=tree.member_b),
        "third": make_user(member=third),
    }


def _reminded(campaign=None):
    return set(
        Notification.objects.filter(kind=NotificationKind.DEADLINE).values_list(
            "user__member_id", flat=True
        )
    )


def _submit(member, campaign, user):
    report = report_open(member=member, campaign=campaign, actor=user)
    report = report_save(report=report, actor=user, content=filled_content(report), base_version=0)
    return report_submit(report=report, actor=user)


@pytest.mark.parametrize("days_left", REMINDER_DAYS)
def test_members_who_owe_a_report_are_reminded_on_the_reminder_days(
    tree, accounts, days_left, django_capture_on_commit_callbacks
):
    campaign = make_open_campaign(tree.province, days_left=days_left)
    with django_capture_on_commit_callbacks(execute=True):
        sent = deadline_reminders_send()
    assert sent == 4
    assert _reminded() == {
        tree.member_a.pk,
        tree.member_a2.pk,
        tree.member_b.pk,
        accounts["third"].member_id,
    }
    note = Notification.objects.get(user=accounts["a"])
    assert campaign.title in note.title
    assert note.url == reverse("reports:mine")
    assert campaign.due_on.strftime("%d/%m/%Y") in note.body
    assert note.reminder_day == timezone.localdate()
    # Only the member with an address is e-mailed.
    assert note.email_state == EmailState.SENT
    assert [m.to for m in mail.outbox] == [["an@example.vn"]]


@pytest.mark.parametrize("days_left", [2, 4, 8, 30, -1])
def test_campaigns_not_near_their_due_date_send_nothing(tree, accounts, days_left):
    make_open_campaign(tree.province, days_left=days_left)
    assert deadline_reminders_send() == 0
    assert not Notification.objects.exists()


def test_the_report_due_date_counts_not_the_end_of_the_period(tree, accounts, today):
    campaign = make_open_campaign(tree.province, days_left=40)
    Campaign.objects.filter(pk=campaign.pk).update(report_due_on=today + datetime.timedelta(days=7))
    assert deadline_reminders_send() == 4


def test_closed_and_draft_campaigns_send_nothing(tree, accounts):
    closed = make_open_campaign(tree.province, days_left=3)
    draft = make_open_campaign(tree.branch_a, "Đợt chưa mở", days_left=3)
    Campaign.objects.filter(pk=closed.pk).update(status="closed")
    Campaign.objects.filter(pk=draft.pk).update(status="draft")
    assert deadline_reminders_send() == 0


def test_a_second_run_the_same_day_reminds_nobody_again(tree, accounts):
    make_open_campaign(tree.province, days_left=3)
    assert deadline_reminders_send() == 4
    assert deadline_reminders_send() == 0
    assert Notification.objects.count() == 4


def test_two_campaigns_due_the_same_day_still_send_one_reminder_a_person(tree, accounts):
    make_open_campaign(tree.province, "Đợt của tỉnh", days_left=3)
    make_open_campaign(tree.branch_a, "Đợt của phường", days_left=1)
    assert deadline_reminders_send() == 4
    assert Notification.objects.filter(user=accounts["a"]).count() == 1


def test_someone_reminded_by_their_secretary_today_is_not_reminded_again(tree, accounts):
    make_open_campaign(tree.province, days_left=3)
    notify(user=accounts["a"], kind=NotificationKind.REMINDER, title="Bí thư nhắc")
    assert deadline_reminders_send() == 3
    assert tree.member_a.pk not in _reminded()


def test_members_with_a_counted_report_and_members_not_asked_are_skipped(tree, accounts, make_user):
    campaign = make_open_campaign(tree.province, days_left=3)
    _submit(tree.member_a2, campaign, accounts["a2"])  # submitted: counted
    Member.objects.filter(pk=tree.member_b.pk).update(status=MemberStatus.EXEMPT)
    Member.objects.filter(pk=accounts["third"].member_id).update(
        status=MemberStatus.TRANSFERRED_OUT
    )
    gone = make_member(tree.cell_a, "Vũ Văn Em")
    Member.objects.filter(pk=gone.pk).update(status=MemberStatus.LEFT)
    make_user(member=gone)
    make_member(tree.cell_a, "Đỗ Thị Giang")  # no account: nobody to notify
    assert deadline_reminders_send() == 1
    assert _reminded() == {tree.member_a.pk}


def test_a_returned_report_does_not_count_and_its_writer_is_reminded(tree, accounts, make_user):
    campaign = make_open_campaign(tree.province, days_left=3)
    secretary = make_user(tree.cell_a, Role.SECRETARY)
    report = _submit(tree.member_a, campaign, accounts["a"])
    report_return(report=report, actor=secretary, reason="Bổ sung nguyên nhân.")
    accepted = _submit(tree.member_a2, campaign, accounts["a2"])
    assert accepted.status == ReportStatus.SUBMITTED
    deadline_reminders_send()
    assert tree.member_a.pk in _reminded() and tree.member_a2.pk not in _reminded()


def test_only_members_inside_the_campaigns_subtree_are_reminded(tree, accounts):
    make_open_campaign(tree.branch_a, days_left=1)
    deadline_reminders_send()
    assert _reminded() == {tree.member_a.pk, tree.member_a2.pk, accounts["third"].member_id}


def test_inactive_accounts_are_not_reminded(tree, accounts):
    make_open_campaign(tree.province, days_left=3)
    accounts["b"].is_active = False
    accounts["b"].save(update_fields=["is_active"])
    deadline_reminders_send()
    assert tree.member_b.pk not in _reminded()


def test_reminder_titles_say_how_many_days_are_left(tree, accounts):
    first = make_open_campaign(tree.province, "Đợt một", days_left=0)
    deadline_reminders_send()
    today_title = Notification.objects.get(user=accounts["a"]).title
    Notification.objects.all().delete()
    Campaign.objects.filter(pk=first.pk).update(status="closed")
    make_open_campaign(tree.branch_b, "Đợt hai", days_left=7)
    deadline_reminders_send()
    week_title = Notification.objects.get(user=accounts["b"]).title
    assert "Đợt một" in today_title and "Đợt hai" in week_title
    assert "7" in week_title and today_title != week_title.replace("Đợt hai", "Đợt một")


def test_queries_do_not_grow_with_the_members_of_a_campaign(tree, make_user):
    campaign = make_open_campaign(tree.province, days_left=3)
    make_user(member=tree.member_a)
    with CaptureQueriesContext(connection) as few:
        assert deadline_reminders_send() == 1
    Notification.objects.all().delete()
    for n in range(30):
        make_user(member=make_member(tree.cell_b, f"Đảng viên {n}"))
    with CaptureQueriesContext(connection) as many:
        assert deadline_reminders_send() == 31
    assert len(many) == len(few)
    assert campaign.pk


def test_the_daily_task_runs_at_seven_in_the_morning_vietnam_time(tree, accounts):
    make_open_campaign(tree.province, days_left=3)
    vietnam_seven = datetime.datetime(2024, 5, 1, 0, 0, tzinfo=datetime.UTC)  # 07:00 UTC+7
    assert deadline_reminders.task_class().validate_datetime(vietnam_seven)
    assert not deadline_reminders.task_class().validate_datetime(
        datetime.datetime(2024, 5, 1, 7, 0, tzinfo=datetime.UTC)
    )
    assert deadline_reminders.call_local() == 4
