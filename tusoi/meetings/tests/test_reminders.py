"""The daily meeting reminders to cell secretaries: a cell that has not registered when its
campaign ends within two weeks, a meeting not recorded two days after a phase's date; at most
one reminder a day per person, and the huey task that runs it at 07:30 Vietnam time."""

import datetime

import pytest
from django.urls import reverse

from tusoi.meetings.models import Meeting, MeetingPhase, MeetingStatus
from tusoi.meetings.services.registration import meeting_reminders_send
from tusoi.meetings.tasks import meeting_reminders
from tusoi.notifications.models import Notification, NotificationKind
from tusoi.notifications.services import notify
from tusoi.orgs.permissions import Role
from tusoi.testing.factories import grant

from .conftest import day, make_open_campaign, phase, register, secretary_of

pytestmark = pytest.mark.django_db


def _reminded(kind: str) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("user_id", flat=True))


def test_secretaries_of_unregistered_cells_are_reminded_two_weeks_before_the_end(tree):
    campaign = make_open_campaign(tree.province, days_left=10)
    sec_a = secretary_of(tree.cell_a, email="bithu.a@example.vn")
    sec_a2 = secretary_of(tree.cell_a2)
    sec_b = secretary_of(tree.cell_b)
    register(campaign, tree.cell_a2, actor=sec_a2, phases=[phase(day(5))])

    assert meeting_reminders_send(day(0)) == 2
    assert _reminded(NotificationKind.MEETING_NOT_REGISTERED) == {sec_a.pk, sec_b.pk}
    note = Notification.objects.get(user=sec_a)
    assert campaign.title in note.title
    assert note.url == reverse("meetings:overview", args=[campaign.pk])
    assert campaign.ends_on.strftime("%d/%m/%Y") in note.body


def test_a_cancelled_meeting_counts_as_not_registered(tree):
    campaign = make_open_campaign(tree.province, days_left=10)
    sec_a = secretary_of(tree.cell_a)
    meeting = register(campaign, tree.cell_a, actor=sec_a)
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CANCELLED)
    meeting_reminders_send(day(0))
    assert sec_a.pk in _reminded(NotificationKind.MEETING_NOT_REGISTERED)


def test_no_reminder_while_the_campaign_ends_later(tree):
    make_open_campaign(tree.province, days_left=20)
    secretary_of(tree.cell_a)
    assert meeting_reminders_send(day(0)) == 0
    assert not Notification.objects.exists()


def test_only_secretaries_of_the_cell_are_reminded(tree, make_user):
    make_open_campaign(tree.province, days_left=3)
    make_user(tree.branch_a, Role.COMMITTEE)
    make_user(tree.cell_a, Role.SUPERVISOR)
    make_user(member=tree.member_a)
    inactive = secretary_of(tree.cell_a2)
    inactive.is_active = False
    inactive.save()
    assert meeting_reminders_send(day(0)) == 0


def test_reminders_are_sent_once_a_day(tree):
    make_open_campaign(tree.province, days_left=10)
    secretary = secretary_of(tree.cell_a)
    assert meeting_reminders_send(day(0)) == 1
    assert meeting_reminders_send(day(0)) == 0
    assert Notification.objects.filter(user=secretary).count() == 1


def test_another_reminder_the_same_day_wins(tree):
    make_open_campaign(tree.province, days_left=10)
    secretary = secretary_of(tree.cell_a)
    notify(user=secretary, kind=NotificationKind.DEADLINE, title="Sắp hết hạn")
    assert meeting_reminders_send() == 0
    assert list(Notification.objects.values_list("kind", flat=True)) == [NotificationKind.DEADLINE]


def test_a_meeting_not_recorded_two_days_after_its_date_is_reminded(tree):
    campaign = make_open_campaign(tree.province, days_left=60)
    sec_a = secretary_of(tree.cell_a)
    sec_a2 = secretary_of(tree.cell_a2)
    sec_b = secretary_of(tree.cell_b)
    register(campaign, tree.cell_a, actor=sec_a, phases=[phase(day(-2))])
    register(campaign, tree.cell_a2, actor=sec_a2, phases=[phase(day(-1))])
    held = register(campaign, tree.cell_b, actor=sec_b, phases=[phase(day(-5))])
    MeetingPhase.objects.filter(meeting=held).update(held=True, held_on=day(-5))
    Meeting.objects.filter(pk=held.pk).update(status=MeetingStatus.HELD)

    assert meeting_reminders_send(day(0)) == 1
    assert _reminded(NotificationKind.MEETING_NOT_RECORDED) == {sec_a.pk}
    assert meeting_reminders_send(day(1)) == 2  # the next day: cell A2's date is 2 days past
    assert _reminded(NotificationKind.MEETING_NOT_RECORDED) == {sec_a.pk, sec_a2.pk}


def test_an_unrecorded_meeting_is_reminded_before_registration(tree):
    """A secretary of two cells, one with an unrecorded meeting and one not registered, gets
    one reminder that day: the unrecorded meeting's, the more pressing."""
    campaign = make_open_campaign(tree.province, days_left=10)
    secretary = secretary_of(tree.cell_a)
    grant(secretary, tree.cell_a2, Role.SECRETARY)
    register(campaign, tree.cell_a, actor=secretary, phases=[phase(day(-4))])
    assert meeting_reminders_send(day(0)) == 1
    assert _reminded(NotificationKind.MEETING_NOT_RECORDED) == {secretary.pk}
    assert not _reminded(NotificationKind.MEETING_NOT_REGISTERED)


def test_closed_campaigns_send_nothing(tree):
    campaign = make_open_campaign(tree.province, days_left=5)
    secretary = secretary_of(tree.cell_a)
    register(campaign, tree.cell_a2, phases=[phase(day(-4))])
    campaign.status = "closed"
    campaign.save()
    assert meeting_reminders_send(day(0)) == 0
    assert not Notification.objects.filter(user=secretary).exists()


def test_the_daily_task_runs_at_half_past_seven_vietnam_time(tree):
    make_open_campaign(tree.province, days_left=5)
    secretary_of(tree.cell_a)
    vietnam = datetime.datetime(2024, 5, 1, 0, 30, tzinfo=datetime.UTC)  # 07:30 UTC+7
    assert meeting_reminders.task_class().validate_datetime(vietnam)
    assert not meeting_reminders.task_class().validate_datetime(
        datetime.datetime(2024, 5, 1, 7, 30, tzinfo=datetime.UTC)
    )
    assert meeting_reminders.call_local() == 1
