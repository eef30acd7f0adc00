"""The demo campaign's thematic meetings, activities and commendations (`tusoi seed --scale
demo`): every meeting state occurs, the records are what the meetings app would have kept,
bithu's cell has a full record, and a second run adds nothing."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from tusoi.accounts.models import RoleGrant, User
from tusoi.activities.models import Activity, Commendation
from tusoi.meetings.models import (
    Attendance,
    Comment,
    Guest,
    Meeting,
    MeetingChange,
    MeetingStatus,
    Presentation,
    VisitNote,
)
from tusoi.members.models import Member, MemberStatus
from tusoi.notifications.models import Notification, NotificationKind
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import Role
from tusoi.reports.models import SelfReview

pytestmark = pytest.mark.django_db

IN_SCOPE_EXCLUDED = (MemberStatus.EXEMPT, MemberStatus.TRANSFERRED_OUT, MemberStatus.LEFT)


def _seed(scale: str) -> None:
    call_command("seed", scale=scale, stdout=io.StringIO())


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo seeded once for this module's tests (they only read, but the last)."""
    with django_db_blocker.unblock():
        from django.db import transaction

        atomic = transaction.atomic()
        atomic.__enter__()
        _seed("demo")
        yield
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def _state(meeting: Meeting, today) -> str:
    phases = list(meeting.phases.all())
    if len(phases) > 1:
        if meeting.status == MeetingStatus.HELD:
            return "phased_held"
        return "phased_one_held" if any(p.held for p in phases) else "phased"
    if meeting.status == MeetingStatus.HELD:
        return "held"
    return "overdue" if phases[0].on < today else "registered"


def _in_scope(cell) -> set[int]:
    return set(
        Member.objects.filter(cell=cell, merged_into__isnull=True)
        .exclude(status__in=IN_SCOPE_EXCLUDED)
        .values_list("pk", flat=True)
    )


def test_every_meeting_state_occurs_in_a_realistic_spread(demo):
    today = timezone.localdate()
    cells = Organization.objects.filter(kind__is_cell=True, members__isnull=False).distinct()
    meetings = Meeting.objects.prefetch_related("phases")
    states = Counter(_state(m, today) for m in meetings)
    states["not_registered"] = cells.count() - meetings.count()
    total = sum(states.values())
    assert {"not_registered", "registered", "overdue", "held", "phased_held"} <= set(states)
    assert states["phased_one_held"] >= 1
    assert 0.35 < states["held"] / total < 0.55, states
    assert 0.08 < states["not_registered"] / total < 0.25, states
    assert 0.15 < states["registered"] / total < 0.35, states
    assert 0.05 < states["overdue"] / total < 0.15, states


def test_phases_lie_in_the_campaign_and_phased_meetings_cover_everyone_once(demo):
    for meeting in Meeting.objects.select_related("campaign", "cell").prefetch_related(
        "phases__members"
    ):
        phases = list(meeting.phases.all())
        campaign = meeting.campaign
        assert phases and all(campaign.starts_on <= p.on <= campaign.ends_on for p in phases)
        assert meeting.is_phased == (len(phases) > 1)
        assert all(p.held == (p.held_on is not None) for p in phases)
        assert (meeting.status == MeetingStatus.HELD) == all(p.held for p in phases)
        assert (meeting.held_at is not None) == (meeting.status == MeetingStatus.HELD)
        if meeting.is_phased:
            covered = [m.pk for p in phases for m in p.members.all()]
            assert len(covered) == len(set(covered))
            assert set(covered) == _in_scope(meeting.cell)
        else:
            assert not phases[0].members.exists()


def test_held_records_hold_together(demo):
    """Attendance for exactly the members a phase covers; presenters were present and read a
    report of theirs submitted by then, now marked presented; speakers were present or guests."""
    phases = {}
    for meeting in Meeting.objects.prefetch_related("phases__members").select_related("cell"):
        for phase in meeting.phases.all():
            if phase.held:
                members = {m.pk for m in phase.members.all()} or _in_scope(meeting.cell)
                phases[phase.pk] = (phase, members)
    assert phases
    attended = Counter()
    present = {}
    for row in Attendance.objects.all():
        attended[row.phase_id] += 1
        present[(row.phase_id, row.member_id)] = row.present
        assert row.present or row.absence_reason
    for phase_id, (_phase, members) in phases.items():
        assert attended[phase_id] == len(members)
    assert 0 < sum(not v for v in present.values()) < 0.2 * len(present)
    for p in Presentation.objects.select_related("report", "phase"):
        assert present[(p.phase_id, p.member_id)]
        assert p.report.member_id == p.member_id and p.report.presented_at is not None
        assert p.report.first_submitted_at.date() <= p.phase.on
    assert SelfReview.objects.filter(presented_at__isnull=False).count() == (
        Presentation.objects.count()
    )
    for c in Comment.objects.all():
        if c.speaker_member_id:
            assert present[(c.phase_id, c.speaker_member_id)] and not c.speaker_name
        else:
            assert Guest.objects.filter(phase_id=c.phase_id, name=c.speaker_name).exists()
    assert Comment.objects.filter(presentation__isnull=True).exists()
    assert Guest.objects.filter(is_higher_official=True, user__isnull=True).exists()
    concluded = Meeting.objects.filter(status=MeetingStatus.HELD).exclude(conclusion="")
    assert concluded.count() == Meeting.objects.filter(status=MeetingStatus.HELD).count()


def test_comments_read_as_varied_vietnamese(demo):
    texts = list(Comment.objects.values_list("text", flat=True))
    assert len(set(texts)) > 0.5 * len(texts)
    assert all("đồng chí" in t or "chi ủy" in t.lower() or "chi bộ" in t.lower() for t in texts)


def test_bithus_cell_held_its_meeting_with_a_full_record(demo):
    bithu = User.objects.get(username="bithu")
    meeting = Meeting.objects.get(cell=bithu.member.cell)
    assert meeting.status == MeetingStatus.HELD
    assert meeting.chair == bithu.member.full_name and meeting.secretary_name
    assert meeting.conclusion
    phase = meeting.phases.get()
    presentations = Presentation.objects.filter(phase=phase)
    assert presentations.count() >= 3
    assert presentations.filter(member=bithu.member, report__isnull=False).exists()
    assert Comment.objects.filter(presentation__in=presentations).count() >= presentations.count()
    assert Guest.objects.filter(phase=phase).exists()
    writers = User.objects.filter(member__in=presentations.values("member"))
    assert Notification.objects.filter(
        user__in=writers, kind=NotificationKind.MEETING_RECORDED
    ).exists()


def test_postponements_and_visit_notes(demo):
    changes = MeetingChange.objects.all()
    assert changes.count() >= 5
    for change in changes.select_related("meeting"):
        assert change.reason
        assert change.meeting.created_at < change.at <= timezone.now()
        (entry,) = change.changes["phases"]
        before, after = entry["fields"]["on"]
        assert before < after
    giamsat = User.objects.get(username="giamsat")
    notes = VisitNote.objects.filter(author=giamsat).select_related("meeting__cell")
    assert notes.exists()
    paths = RoleGrant.objects.filter(
        user=giamsat, role=Role.SUPERVISOR, valid_to__isnull=True
    ).values_list("organization__path", flat=True)
    for note in notes:
        assert any(note.meeting.cell.path.startswith(p) for p in paths)


def test_activities_and_commendations_across_the_demo(demo):
    activities = Activity.objects.select_related("organization")
    assert activities.count() >= 20
    assert len(set(activities.values_list("kind", flat=True))) >= 5
    assert len({a.organization.depth for a in activities}) >= 3
    assert activities.filter(attachments__isnull=False).exists()
    assert not activities.filter(on__gt=timezone.localdate()).exists()
    commendations = Commendation.objects.select_related(
        "organization", "member__cell", "commended_organization"
    )
    assert commendations.filter(member__isnull=False).exists()
    assert commendations.filter(commended_organization__isnull=False).exists()
    for c in commendations:
        subject = c.member.cell.path if c.member else c.commended_organization.path
        assert subject.startswith(c.organization.path)


def test_chair_concludes_on_each_presenter_when_the_campaign_asks(demo):
    from django.db import transaction

    from tusoi.core.seeding.meetings import demo_meetings_ensure
    from tusoi.core.seeding.runner import DEMO_CAMPAIGN_TITLE

    with transaction.atomic():
        assert not Presentation.objects.exclude(conclusion="").exists()
        meeting = Meeting.objects.select_related("campaign").first()
        campaign = meeting.campaign
        Meeting.objects.filter(campaign=campaign).delete()
        campaign.chair_concludes_per_member = True
        campaign.save(update_fields=["chair_concludes_per_member"])
        demo_meetings_ensure(
            root=campaign.organization,
            demo_cell=Organization.objects.get(code="DEMO-001-01-01"),
            seed=2024,
            campaign_title=DEMO_CAMPAIGN_TITLE,
        )
        assert Presentation.objects.exists()
        assert not Presentation.objects.filter(conclusion="").exists()
        transaction.set_rollback(True)


def test_seeding_the_demo_again_adds_nothing(demo):
    models = (Meeting, Attendance, Presentation, Comment, MeetingChange, VisitNote)
    before = [m.objects.count() for m in (*models, Activity, Commendation, Notification)]
    _seed("demo")
    after = [m.objects.count() for m in (*models, Activity, Commendation, Notification)]
    assert before == after


def test_only_the_demo_scale_gets_meetings(db):
    _seed("tiny")
    tiny = Organization.objects.get(code="TINY")
    assert not Meeting.objects.filter(cell__path__startswith=tiny.path).exists()
    assert not Activity.objects.filter(organization__path__startswith=tiny.path).exists()
