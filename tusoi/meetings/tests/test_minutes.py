"""The minutes (biên bản) .docx, filled from the record, and the agenda outline. Fixed words of
the document are compared through the Vietnamese catalogue, so the tests hold before and after
the translations are filled in."""

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from tusoi.documents import docx_to_text
from tusoi.meetings.minutes import agenda_items, minutes_document, minutes_docx, minutes_filename
from tusoi.meetings.services.record import (
    CommentInput,
    GuestInput,
    PresentationInput,
    meeting_conclude,
)
from tusoi.orgs.permissions import Role
from tusoi.testing.factories import UserFactory, grant, make_member

from .test_record import make_meeting, make_setup, save


def vi(msgid: str) -> str:
    with translation.override("vi"):
        return gettext(msgid)


@pytest.fixture
def recorded(tree):
    setup = make_setup(tree)
    save(
        setup.meeting,
        setup.secretary,
        attendance={setup.third.pk: (False, "Đi công tác ở Đà Nẵng")},
        guests=[
            GuestInput(
                name="Phạm Văn Dũng",
                position="Phó Bí thư Đảng ủy phường",
                is_higher_official=True,
            )
        ],
        presentations=[
            PresentationInput(
                member_id=tree.member_a.pk,
                conclusion="Đồng chí An cần khắc phục tính nể nang.",
                comments=[
                    CommentInput(
                        text="Đồng chí cần tích cực sinh hoạt khu phố.",
                        speaker_member_id=setup.mate.pk,
                    ),
                ],
            ),
            PresentationInput(member_id=setup.mate.pk),
        ],
        committee_comments=[
            CommentInput(text="Chi ủy cần sinh hoạt đúng kỳ.", speaker_name="Phạm Văn Dũng")
        ],
        held=True,
    )
    setup.meeting.refresh_from_db()
    meeting_conclude(
        actor=setup.secretary,
        meeting=setup.meeting,
        base_version=setup.meeting.version,
        conclusion="Buổi sinh hoạt nghiêm túc, đạt yêu cầu đề ra.",
        chair="Nguyễn Thị Hà",
        secretary_name="Trần Văn Bảo",
    )
    setup.meeting.refresh_from_db()
    return setup


def test_the_minutes_read_as_a_party_document_filled_from_the_record(recorded, tree):
    text = docx_to_text(minutes_docx(recorded.meeting))
    for expected in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        vi("Minutes").upper(),
        "CHI BỘ KHU PHỐ 1",  # the issuing cell, under its parent
        "ĐẢNG ỦY PHƯỜNG AN BÌNH",
        "Tự soi, tự sửa",  # the campaign's theme
        "Nhà văn hóa khu phố 1",
        "Nguyễn Văn An",
        "Trần Văn Bảo",
        "Lê Thị Cúc",
        "Đi công tác ở Đà Nẵng",
        "Phạm Văn Dũng",
        "Phó Bí thư Đảng ủy phường",
        "Đồng chí cần tích cực sinh hoạt khu phố.",
        "Đồng chí An cần khắc phục tính nể nang.",
        "Chi ủy cần sinh hoạt đúng kỳ.",
        "Buổi sinh hoạt nghiêm túc, đạt yêu cầu đề ra.",
        "Nguyễn Thị Hà",
        vi("Chair").upper(),
        vi("Minutes taker").upper(),
    ):
        assert expected in text, expected
    # Two of three present: the count and the absent member's reason are in the attendance.
    counts = vi(
        "Members of the cell called to the meeting: %(total)s; present: %(present)s; "
        "absent: %(absent)s."
    ) % {"total": 3, "present": 2, "absent": 1}
    assert counts in text
    # The presentations come in the order they were recorded.
    assert text.index("Đồng chí cần tích cực") < text.index("Buổi sinh hoạt nghiêm túc")


def test_the_minutes_are_signed_by_the_chair_and_the_minutes_taker_side_by_side(recorded):
    import io

    import docx

    document = docx.Document(io.BytesIO(minutes_docx(recorded.meeting)))
    left, right = document.tables[-1].rows[0].cells
    assert left.paragraphs[0].text == vi("Minutes taker").upper()
    assert left.paragraphs[-1].text == "Trần Văn Bảo"
    assert right.paragraphs[0].text == vi("Chair").upper()
    assert right.paragraphs[-1].text == "Nguyễn Thị Hà"
    assert len(left.paragraphs) == len(right.paragraphs)


def test_the_minutes_are_dated_on_the_day_held_at_the_commune_of_the_cell(recorded):
    document = minutes_document(recorded.meeting)
    assert document.date == timezone.localdate()
    assert document.place == "An Bình"
    assert document.doc_type == vi("Minutes")
    assert minutes_filename(recorded.meeting) == "bien-ban-sinh-hoat-chuyen-de-a1.docx"


def test_the_minutes_of_a_phased_meeting_list_each_phase(tree):
    setup = make_setup(tree)
    today = timezone.localdate()
    second = make_member(tree.cell_a2, "Hoàng Văn Đức")
    meeting = make_meeting(
        setup.campaign,
        tree.cell_a2,
        phases=[(today - datetime.timedelta(days=2), [tree.member_a2]), (today, [second])],
        place="Hội trường tổ dân phố",
    )
    secretary = UserFactory()
    grant(secretary, tree.cell_a2, Role.SECRETARY)
    save(meeting, secretary, 1, presentations=[PresentationInput(member_id=tree.member_a2.pk)])
    save(meeting, secretary, 2, presentations=[PresentationInput(member_id=second.pk)])
    text = docx_to_text(minutes_docx(meeting))
    for number in (1, 2):
        assert vi("Phase %(number)s") % {"number": number} in text
    assert (today - datetime.timedelta(days=2)).strftime("%d/%m/%Y") in text
    assert "Trần Thị Bình" in text and "Hoàng Văn Đức" in text


def test_blank_minutes_leave_room_to_write_by_hand(tree):
    setup = make_setup(tree)
    text = docx_to_text(minutes_docx(setup.meeting))
    assert vi("No presentation was recorded.") in text
    assert "……" in text


def test_the_agenda_follows_the_campaigns_options():
    with_conclusions = agenda_items(concludes_per_member=True)
    without = agenda_items(concludes_per_member=False)
    assert len(with_conclusions) == len(without) + 1
    assert gettext("Each member reads their self-review report") in without
