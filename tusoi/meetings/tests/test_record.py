"""The meeting record's rules (services/record.py): what a phase's record may hold, that a refused
record saves nothing, held only when every phase is held, reports marked presented, members told,
stale edits refused, comments turned into commitments once, the signed scan's checks."""

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tusoi.audit.models import AuditEvent
from tusoi.meetings.models import (
    Attendance,
    Comment,
    Guest,
    Meeting,
    MeetingPhase,
    MeetingStatus,
    Presentation,
)
from tusoi.meetings.services.record import (
    CommentInput,
    GuestInput,
    PresentationInput,
    comment_to_commitment,
    meeting_conclude,
    phase_record_save,
    signed_minutes_attach,
)
from tusoi.members.services import StaleEdit
from tusoi.notifications.models import Notification, NotificationKind
from tusoi.orgs.permissions import Role
from tusoi.reports.models import Commitment, SelfReview
from tusoi.reports.services import report_open, report_save, report_submit
from tusoi.reports.tests.conftest import filled_content, make_open_campaign
from tusoi.testing.factories import UserFactory, grant, make_member

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"0" * 64


# Helpers shared by the record's test modules -------------------------------------------------


def make_meeting(
    campaign: Any,
    cell: Any,
    *,
    phases: list[tuple[datetime.date, list[Any] | None]] | None = None,
    place: str = "Nhà văn hóa khu phố 1",
) -> Meeting:
    """A registered meeting made directly with the models: one phase today, or the phases
    given as (date, members covered or None)."""
    today = timezone.localdate()
    meeting = Meeting.objects.create(
        campaign=campaign, cell=cell, is_phased=bool(phases and len(phases) > 1)
    )
    for number, (on, members) in enumerate(phases or [(today, None)], start=1):
        phase = MeetingPhase.objects.create(
            meeting=meeting, number=number, on=on, at=datetime.time(8, 0), place=place
        )
        if members:
            phase.members.set(members)
    return meeting


def submitted_report(campaign: Any, member: Any, writer: Any) -> SelfReview:
    report = report_open(member=member, campaign=campaign, actor=writer)
    report = report_save(
        report=report, actor=writer, content=filled_content(report), base_version=report.version
    )
    return report_submit(report=report, actor=writer, base_version=report.version)


def save(
    meeting: Meeting, actor: Any, number: int = 1, *, base_version: int | None = None, **kwargs: Any
) -> Meeting:
    """phase_record_save with empty lists by default and the meeting's current version."""
    meeting.refresh_from_db()
    arguments: dict[str, Any] = {
        "attendance": {},
        "guests": [],
        "presentations": [],
        "committee_comments": [],
        "held": False,
        **kwargs,
    }
    return phase_record_save(
        actor=actor,
        meeting=meeting,
        phase_number=number,
        base_version=meeting.version if base_version is None else base_version,
        **arguments,
    )


@dataclass
class Setup:
    campaign: Any
    meeting: Meeting
    secretary: Any
    writer: Any
    report: SelfReview
    mate: Any
    third: Any


def make_setup(tree: Any, *, concludes: bool = True) -> Setup:
    campaign = make_open_campaign(tree.province)
    campaign.chair_concludes_per_member = concludes
    campaign.save(update_fields=["chair_concludes_per_member"])
    mate = make_member(tree.cell_a, "Trần Văn Bảo")
    third = make_member(tree.cell_a, "Lê Thị Cúc")
    secretary = UserFactory(username="bithu_a", first_name="Hà")
    grant(secretary, tree.cell_a, Role.SECRETARY)
    writer = UserFactory(member=tree.member_a, username="dangvien_an")
    report = submitted_report(campaign, tree.member_a, writer)
    return Setup(
        campaign=campaign,
        meeting=make_meeting(campaign, tree.cell_a),
        secretary=secretary,
        writer=writer,
        report=report,
        mate=mate,
        third=third,
    )


@pytest.fixture
def setup(tree):
    return make_setup(tree)


def nothing_saved(meeting: Meeting, version: int) -> None:
    meeting.refresh_from_db()
    assert meeting.version == version
    assert not Attendance.objects.filter(phase__meeting=meeting).exists()
    assert not Presentation.objects.filter(phase__meeting=meeting).exists()
    assert not Comment.objects.filter(phase__meeting=meeting).exists()
    assert not Guest.objects.filter(phase__meeting=meeting).exists()


def messages_of(error: ValidationError) -> str:
    return " ".join(m for messages in error.message_dict.values() for m in messages)


# Saving a phase -------------------------------------------------------------------------------


def test_record_keeps_attendance_guests_presentations_and_comments(setup, tree):
    meeting = save(
        setup.meeting,
        setup.secretary,
        attendance={setup.third.pk: (False, "Đi công tác")},
        guests=[
            GuestInput(name="Phạm Văn Dũng", position="Đảng ủy phường", is_higher_official=True)
        ],
        presentations=[
            PresentationInput(
                member_id=tree.member_a.pk,
                conclusion="Đồng chí cần phát huy ưu điểm.",
                comments=[
                    CommentInput(
                        text="Đồng chí cần gương mẫu hơn.", speaker_member_id=setup.mate.pk
                    ),
                    CommentInput(text="Tán thành ý kiến trên.", speaker_name="Phạm Văn Dũng"),
                ],
            )
        ],
        committee_comments=[
            CommentInput(text="Chi ủy cần họp đúng kỳ.", speaker_member_id=setup.mate.pk)
        ],
    )
    assert meeting.version == 2
    phase = meeting.phases.get()
    absent = Attendance.objects.get(phase=phase, member=setup.third)
    assert (absent.present, absent.absence_reason) == (False, "Đi công tác")
    assert Attendance.objects.filter(phase=phase, present=True).count() == 2
    presentation = Presentation.objects.get(phase=phase)
    assert presentation.report == setup.report
    assert presentation.conclusion == "Đồng chí cần phát huy ưu điểm."
    assert [c.text for c in presentation.comments.order_by("position")] == [
        "Đồng chí cần gương mẫu hơn.",
        "Tán thành ý kiến trên.",
    ]
    assert Comment.objects.get(phase=phase, presentation__isnull=True).speaker_member == setup.mate
    assert Guest.objects.get(phase=phase).is_higher_official


def test_a_report_read_at_the_meeting_counts_as_presented(setup, tree):
    assert setup.report.presented_at is None
    save(
        setup.meeting,
        setup.secretary,
        presentations=[PresentationInput(member_id=tree.member_a.pk)],
    )
    setup.report.refresh_from_db()
    assert setup.report.presented_at is not None


def test_removing_a_presentation_recorded_by_mistake_clears_presented(setup, tree):
    save(
        setup.meeting,
        setup.secretary,
        presentations=[PresentationInput(member_id=tree.member_a.pk)],
    )
    save(setup.meeting, setup.secretary, presentations=[])
    setup.report.refresh_from_db()
    assert setup.report.presented_at is None
    assert not Presentation.objects.exists()


def test_a_presentation_by_a_member_of_another_cell_is_refused_and_nothing_saved(setup, tree):
    with pytest.raises(ValidationError) as refused:
        save(
            setup.meeting,
            setup.secretary,
            attendance={setup.third.pk: (False, "Ốm")},
            presentations=[
                PresentationInput(
                    member_id=tree.member_a.pk,
                    comments=[CommentInput(text="Tốt", speaker_name="X")],
                ),
                PresentationInput(member_id=tree.member_b.pk),
            ],
        )
    assert "Lê Văn Cường" in messages_of(refused.value)
    assert f"presentation:{tree.member_b.pk}" in refused.value.message_dict
    nothing_saved(setup.meeting, 1)


def test_attendance_of_a_member_outside_the_cell_is_refused(setup, tree):
    with pytest.raises(ValidationError) as refused:
        save(setup.meeting, setup.secretary, attendance={tree.member_a2.pk: (True, "")})
    assert "Trần Thị Bình" in messages_of(refused.value)
    nothing_saved(setup.meeting, 1)


def test_an_absent_member_cannot_present(setup):
    with pytest.raises(ValidationError) as refused:
        save(
            setup.meeting,
            setup.secretary,
            attendance={setup.third.pk: (False, "Ốm")},
            presentations=[PresentationInput(member_id=setup.third.pk)],
        )
    assert "Lê Thị Cúc" in messages_of(refused.value)
    nothing_saved(setup.meeting, 1)


def test_an_absent_member_cannot_have_spoken(setup, tree):
    with pytest.raises(ValidationError) as refused:
        save(
            setup.meeting,
            setup.secretary,
            attendance={setup.third.pk: (False, "Ốm")},
            presentations=[
                PresentationInput(
                    member_id=tree.member_a.pk,
                    comments=[CommentInput(text="Ý kiến", speaker_member_id=setup.third.pk)],
                )
            ],
        )
    text = messages_of(refused.value)
    assert "Lê Thị Cúc" in text and "Nguyễn Văn An" in text
    assert f"presentation:{tree.member_a.pk}:comment:0" in refused.value.message_dict
    nothing_saved(setup.meeting, 1)


def test_a_speaker_from_another_cell_is_refused(setup, tree):
    with pytest.raises(ValidationError):
        save(
            setup.meeting,
            setup.secretary,
            committee_comments=[CommentInput(text="Ý kiến", speaker_member_id=tree.member_b.pk)],
        )
    nothing_saved(setup.meeting, 1)


def test_empty_comments_and_comments_without_a_speaker_are_refused_naming_the_row(setup, tree):
    with pytest.raises(ValidationError) as refused:
        save(
            setup.meeting,
            setup.secretary,
            presentations=[
                PresentationInput(
                    member_id=tree.member_a.pk,
                    comments=[
                        CommentInput(text="Đúng", speaker_member_id=setup.mate.pk),
                        CommentInput(text="   ", speaker_member_id=setup.mate.pk),
                    ],
                )
            ],
            committee_comments=[CommentInput(text="Chi ủy cần họp đúng kỳ.")],
        )
    errors = refused.value.message_dict
    assert set(errors) == {f"presentation:{tree.member_a.pk}:comment:1", "committee:comment:0"}
    assert "Nguyễn Văn An" in errors[f"presentation:{tree.member_a.pk}:comment:1"][0]
    nothing_saved(setup.meeting, 1)


def test_a_conclusion_is_refused_when_the_campaign_does_not_ask_for_one(tree):
    setup = make_setup(tree, concludes=False)
    with pytest.raises(ValidationError) as refused:
        save(
            setup.meeting,
            setup.secretary,
            presentations=[PresentationInput(member_id=tree.member_a.pk, conclusion="Tốt")],
        )
    assert "Nguyễn Văn An" in messages_of(refused.value)
    nothing_saved(setup.meeting, 1)
    save(
        setup.meeting,
        setup.secretary,
        presentations=[PresentationInput(member_id=tree.member_a.pk)],
    )
    assert Presentation.objects.count() == 1


def test_a_phase_dated_in_the_future_cannot_be_marked_held(setup, tree):
    campaign = setup.campaign
    future = make_meeting(
        campaign, tree.cell_a2, phases=[(timezone.localdate() + datetime.timedelta(days=3), None)]
    )
    secretary = UserFactory()
    grant(secretary, tree.cell_a2, Role.SECRETARY)
    with pytest.raises(ValidationError) as refused:
        save(future, secretary, held=True)
    assert "held" in refused.value.message_dict
    future.refresh_from_db()
    assert future.status == MeetingStatus.REGISTERED


def test_only_the_cells_secretary_records(setup, tree):
    committee = UserFactory()
    grant(committee, tree.branch_a, Role.COMMITTEE)
    with pytest.raises(PermissionDenied):
        save(setup.meeting, committee)
    supervisor = UserFactory()
    grant(supervisor, tree.branch_a, Role.SUPERVISOR)
    with pytest.raises(PermissionDenied):
        save(setup.meeting, supervisor)


def test_a_cancelled_meeting_or_a_closed_campaign_is_not_recorded(setup):
    Meeting.objects.filter(pk=setup.meeting.pk).update(status=MeetingStatus.CANCELLED)
    with pytest.raises(ValidationError):
        save(setup.meeting, setup.secretary)
    Meeting.objects.filter(pk=setup.meeting.pk).update(status=MeetingStatus.REGISTERED)
    setup.campaign.status = "closed"
    setup.campaign.save(update_fields=["status"])
    with pytest.raises(ValidationError):
        save(setup.meeting, setup.secretary)


def test_a_stale_record_edit_is_refused_not_merged(setup, tree):
    save(
        setup.meeting,
        setup.secretary,
        presentations=[
            PresentationInput(
                member_id=tree.member_a.pk,
                comments=[CommentInput(text="Ý kiến thứ nhất", speaker_member_id=setup.mate.pk)],
            )
        ],
    )
    with pytest.raises(StaleEdit):
        save(
            setup.meeting,
            setup.secretary,
            base_version=1,
            presentations=[PresentationInput(member_id=tree.member_a.pk)],
        )
    assert list(Comment.objects.values_list("text", flat=True)) == ["Ý kiến thứ nhất"]
    with pytest.raises(StaleEdit):
        meeting_conclude(
            actor=setup.secretary,
            meeting=setup.meeting,
            base_version=1,
            conclusion="Kết luận",
            chair="",
            secretary_name="",
        )
    setup.meeting.refresh_from_db()
    assert setup.meeting.conclusion == ""


def test_a_comment_saved_again_keeps_its_id(setup, tree):
    save(
        setup.meeting,
        setup.secretary,
        presentations=[
            PresentationInput(
                member_id=tree.member_a.pk,
                comments=[CommentInput(text="Cần gương mẫu hơn", speaker_member_id=setup.mate.pk)],
            )
        ],
    )
    first = Comment.objects.get()
    save(
        setup.meeting,
        setup.secretary,
        presentations=[
            PresentationInput(
                member_id=tree.member_a.pk,
                comments=[
                    CommentInput(
                        text="Cần gương mẫu hơn nữa", speaker_member_id=setup.mate.pk, id=first.pk
                    ),
                    CommentInput(text="Tán thành", speaker_name="Khách mời"),
                ],
            )
        ],
    )
    kept = Comment.objects.get(pk=first.pk)
    assert kept.text == "Cần gương mẫu hơn nữa"
    assert Comment.objects.count() == 2


def test_an_assigned_supervisor_who_attended_is_a_guest_linked_to_their_account(setup, tree):
    supervisor = UserFactory(first_name="Minh", last_name="Đỗ")
    grant(supervisor, tree.branch_a, Role.SUPERVISOR)
    stranger = UserFactory()
    grant(stranger, tree.branch_b, Role.SUPERVISOR)
    with pytest.raises(ValidationError):
        save(setup.meeting, setup.secretary, guests=[GuestInput(user_id=stranger.pk)])
    save(setup.meeting, setup.secretary, guests=[GuestInput(user_id=supervisor.pk)])
    guest = Guest.objects.get()
    assert guest.user == supervisor and guest.is_higher_official
    assert guest.name == supervisor.get_full_name()


# Held ------------------------------------------------------------------------------------------


def test_marking_the_only_phase_held_holds_the_meeting_and_audits_it(setup):
    meeting = save(setup.meeting, setup.secretary, held=True)
    assert meeting.status == MeetingStatus.HELD and meeting.held_at is not None
    phase = meeting.phases.get()
    assert phase.held and phase.held_on == timezone.localdate()
    assert AuditEvent.objects.filter(
        target_type="meetings.meeting", target_id=meeting.pk, action=AuditEvent.Action.STATUS
    ).exists()


def test_a_phased_meeting_is_held_only_when_both_phases_are_held(setup, tree):
    today = timezone.localdate()
    campaign = setup.campaign
    fourth = make_member(tree.cell_a2, "Hoàng Văn Đức")
    cell_a2_member = tree.member_a2
    meeting = make_meeting(
        campaign,
        tree.cell_a2,
        phases=[(today - datetime.timedelta(days=1), [cell_a2_member]), (today, [fourth])],
    )
    secretary = UserFactory()
    grant(secretary, tree.cell_a2, Role.SECRETARY)
    # A member covered by phase 2 does not present at phase 1.
    with pytest.raises(ValidationError) as refused:
        save(meeting, secretary, 1, presentations=[PresentationInput(member_id=fourth.pk)])
    assert "Hoàng Văn Đức" in messages_of(refused.value)

    meeting = save(
        meeting,
        secretary,
        1,
        presentations=[PresentationInput(member_id=cell_a2_member.pk)],
        held=True,
    )
    assert meeting.status == MeetingStatus.REGISTERED and meeting.held_at is None
    meeting = save(
        meeting, secretary, 2, presentations=[PresentationInput(member_id=fourth.pk)], held=True
    )
    assert meeting.status == MeetingStatus.HELD
    # Un-marking a phase takes the meeting back to registered.
    meeting = save(
        meeting, secretary, 2, presentations=[PresentationInput(member_id=fourth.pk)], held=False
    )
    assert meeting.status == MeetingStatus.REGISTERED and meeting.held_at is None


def test_holding_the_meeting_tells_each_presenting_member_with_an_account(setup, tree):
    save(
        setup.meeting,
        setup.secretary,
        presentations=[
            PresentationInput(member_id=tree.member_a.pk),
            PresentationInput(member_id=setup.mate.pk),  # no account: nobody to tell
        ],
    )
    assert not Notification.objects.exists()
    save(
        setup.meeting,
        setup.secretary,
        presentations=[
            PresentationInput(member_id=tree.member_a.pk),
            PresentationInput(member_id=setup.mate.pk),
        ],
        held=True,
    )
    sent = Notification.objects.get()
    assert sent.user == setup.writer
    assert sent.kind == NotificationKind.MEETING_RECORDED
    assert sent.url == reverse("reports:report", args=[setup.report.pk])
    # Saving the held record again tells nobody twice.
    save(
        setup.meeting,
        setup.secretary,
        presentations=[PresentationInput(member_id=tree.member_a.pk)],
        held=True,
    )
    assert Notification.objects.count() == 1


def test_the_meetings_conclusion_is_saved_with_its_chair_and_minutes_taker(setup):
    meeting = meeting_conclude(
        actor=setup.secretary,
        meeting=setup.meeting,
        base_version=1,
        conclusion="  Buổi sinh hoạt đạt yêu cầu.  ",
        chair="Nguyễn Thị Hà",
        secretary_name="Trần Văn Bảo",
    )
    assert (meeting.conclusion, meeting.chair, meeting.secretary_name, meeting.version) == (
        "Buổi sinh hoạt đạt yêu cầu.",
        "Nguyễn Thị Hà",
        "Trần Văn Bảo",
        2,
    )


# The signed scan -------------------------------------------------------------------------------


def test_the_signed_minutes_must_be_a_pdf_or_image_within_the_size_limit(setup, settings):
    with pytest.raises(ValidationError):
        signed_minutes_attach(
            actor=setup.secretary,
            meeting=setup.meeting,
            data=b"PK\x03\x04 not a scan",
            filename="bb.docx",
        )
    with pytest.raises(ValidationError):
        signed_minutes_attach(
            actor=setup.secretary, meeting=setup.meeting, data=b"", filename="bb.pdf"
        )
    settings.TUSOI_UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError) as refused:
        signed_minutes_attach(
            actor=setup.secretary, meeting=setup.meeting, data=PDF + b"0" * 200, filename="bb.pdf"
        )
    assert "MB" in " ".join(refused.value.messages)
    setup.meeting.refresh_from_db()
    assert not setup.meeting.signed_minutes
    settings.TUSOI_UPLOAD_MAX_BYTES = 10_000
    meeting = signed_minutes_attach(
        actor=setup.secretary, meeting=setup.meeting, data=PNG, filename="biên bản.png"
    )
    assert meeting.signed_minutes.name.endswith(".png")
    assert meeting.signed_minutes_name == "biên bản.png"
    assert AuditEvent.objects.filter(target_type="meetings.meeting", target_id=meeting.pk).exists()


# What the member does with the comments ------------------------------------------------------


def _commented(setup, tree) -> Comment:
    save(
        setup.meeting,
        setup.secretary,
        presentations=[
            PresentationInput(
                member_id=tree.member_a.pk,
                comments=[
                    CommentInput(
                        text="Cần tích cực sinh hoạt khu phố.", speaker_member_id=setup.mate.pk
                    )
                ],
            )
        ],
        held=True,
    )
    return Comment.objects.get()


def test_the_writer_turns_a_comment_into_a_commitment_once(setup, tree):
    comment = _commented(setup, tree)
    before = setup.report.commitments.count()
    made = comment_to_commitment(actor=setup.writer, report=setup.report, comment=comment)
    assert made.what == "Cần tích cực sinh hoạt khu phố."
    assert made.key == f"meeting-{comment.pk}" and made.member == tree.member_a
    again = comment_to_commitment(actor=setup.writer, report=setup.report, comment=comment)
    assert again.pk == made.pk
    assert setup.report.commitments.count() == before + 1


def test_only_the_writer_turns_comments_on_their_own_report(setup, tree):
    comment = _commented(setup, tree)
    with pytest.raises(PermissionDenied):
        comment_to_commitment(actor=setup.secretary, report=setup.report, comment=comment)
    other_writer = UserFactory(member=setup.mate)
    other_report = report_open(member=setup.mate, campaign=setup.campaign, actor=other_writer)
    with pytest.raises(ValidationError):
        comment_to_commitment(actor=other_writer, report=other_report, comment=comment)
    assert not Commitment.objects.filter(key__startswith="meeting-").exists()


def test_a_resubmitted_report_keeps_the_commitments_made_from_comments(setup, tree):
    from tusoi.reports.services import report_return

    comment = _commented(setup, tree)
    made = comment_to_commitment(actor=setup.writer, report=setup.report, comment=comment)
    report = report_return(
        report=setup.report, actor=setup.secretary, reason="Bổ sung phần hạn chế"
    )
    report = report_save(
        report=report,
        actor=setup.writer,
        content=filled_content(report),
        base_version=report.version,
    )
    report_submit(report=report, actor=setup.writer, base_version=report.version)
    assert Commitment.objects.filter(pk=made.pk).exists()
