"""The record's pages and API: the secretary records, readers read, committees above never see the
words; a refused or stale save keeps everything typed; the minutes and the signed scan download;
the member sees the comments beside their report and turns them into commitments."""

import json

import pytest
from django.urls import reverse

from tusoi.documents import docx_to_text
from tusoi.meetings.models import Attendance, Comment, Meeting, Presentation
from tusoi.meetings.services.record import (
    CommentInput,
    PresentationInput,
    signed_minutes_attach,
)
from tusoi.orgs.permissions import Role
from tusoi.reports.models import Commitment
from tusoi.testing.factories import UserFactory, grant, make_member

from .test_record import PNG, make_meeting, make_setup, save


@pytest.fixture
def setup(tree):
    return make_setup(tree)


def _phase_url(meeting: Meeting, number: int = 1) -> str:
    return reverse("meetings:record_phase", args=[meeting.pk, number])


def _post_data(setup, tree, **extra) -> dict[str, str]:
    """What the phase form posts: member A presents with one comment by their mate and a
    conclusion, the third member is absent."""
    a, mate, third = tree.member_a.pk, setup.mate.pk, setup.third.pk
    data = {
        "version": "1",
        f"a-{a}": "present",
        f"a-{mate}": "present",
        f"a-{third}": "absent",
        f"a-{third}-reason": "Đi công tác",
        "order": [str(a), str(mate), str(third)],
        f"p-{a}": "1",
        f"p-{a}-conclusion": "Đồng chí cần phát huy.",
        f"p-{a}-c-0-id": "",
        f"p-{a}-c-0-speaker": "Trần Văn Bảo",
        f"p-{a}-c-0-text": "Đồng chí cần gương mẫu hơn.",
        f"p-{a}-c-1-speaker": "",
        f"p-{a}-c-1-text": "",
        "g-0-name": "Phạm Văn Dũng",
        "g-0-position": "Đảng ủy phường",
        "g-0-higher": "1",
        "k-0-speaker": "Khách mời Lan",
        "k-0-text": "Chi ủy cần họp đúng kỳ.",
    }
    data.update(extra)
    return data


# Pages ---------------------------------------------------------------------------------------


def test_the_secretary_records_a_phase_from_the_form(client, setup, tree):
    client.force_login(setup.secretary)
    page = client.get(_phase_url(setup.meeting))
    assert page.status_code == 200
    assert b'name="held"' in page.content
    response = client.post(_phase_url(setup.meeting), _post_data(setup, tree, held="1"))
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:record", args=[setup.meeting.pk])
    setup.meeting.refresh_from_db()
    assert setup.meeting.status == "held"
    comment = Comment.objects.get(presentation__isnull=False)
    assert comment.speaker_member == setup.mate  # the label typed matched the member
    assert Comment.objects.get(presentation__isnull=True).speaker_name == "Khách mời Lan"
    assert Attendance.objects.get(member=setup.third).absence_reason == "Đi công tác"
    # The form comes back with the record, the comment keeping its id.
    again = client.get(_phase_url(setup.meeting))
    assert f'value="{comment.pk}"'.encode() in again.content
    assert "Đồng chí cần gương mẫu hơn.".encode() in again.content


def test_a_refused_record_keeps_everything_typed_and_saves_nothing(client, setup, tree):
    client.force_login(setup.secretary)
    a = tree.member_a.pk
    data = _post_data(setup, tree, **{f"a-{a}": "absent", f"a-{a}-reason": "Ốm"})
    response = client.post(_phase_url(setup.meeting), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Đồng chí cần gương mẫu hơn." in body
    assert "Phạm Văn Dũng" in body and "Chi ủy cần họp đúng kỳ." in body
    assert 'class="banner error record-errors"' in body
    assert not Presentation.objects.exists() and not Attendance.objects.exists()


def test_a_stale_record_is_refused_with_the_typed_values_and_what_is_saved(client, setup, tree):
    save(
        setup.meeting,
        setup.secretary,
        presentations=[
            PresentationInput(
                member_id=tree.member_a.pk,
                comments=[
                    CommentInput(text="Đã lưu từ máy khác.", speaker_member_id=setup.mate.pk)
                ],
            )
        ],
    )
    client.force_login(setup.secretary)
    response = client.post(_phase_url(setup.meeting), _post_data(setup, tree))
    assert response.status_code == 409
    body = response.content.decode()
    assert "Đồng chí cần gương mẫu hơn." in body  # what was typed
    assert "Đã lưu từ máy khác." in body  # what is saved now, shown beside it
    assert 'name="version" value="2"' in body
    assert list(Comment.objects.values_list("text", flat=True)) == ["Đã lưu từ máy khác."]


def test_html_typed_into_a_comment_is_shown_as_text(client, setup, tree):
    save(
        setup.meeting,
        setup.secretary,
        presentations=[
            PresentationInput(
                member_id=tree.member_a.pk,
                comments=[CommentInput(text="<script>alert(1)</script>", speaker_name="X")],
            )
        ],
    )
    client.force_login(setup.secretary)
    body = client.get(reverse("meetings:record_phase", args=[setup.meeting.pk, 1])).content
    assert b"<script>alert(1)</script>" not in body
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_the_conclusion_form_saves_and_refuses_a_stale_version(client, setup):
    client.force_login(setup.secretary)
    url = reverse("meetings:record", args=[setup.meeting.pk])
    assert client.get(url).status_code == 200
    data = {"version": "1", "chair": "Nguyễn Thị Hà", "secretary_name": "Trần Văn Bảo"}
    response = client.post(url, {**data, "conclusion": "Đạt yêu cầu."})
    assert response.status_code == 302
    stale = client.post(url, {**data, "conclusion": "Kết luận khác"})
    assert stale.status_code == 409
    assert "Kết luận khác" in stale.content.decode() and "Đạt yêu cầu." in stale.content.decode()
    setup.meeting.refresh_from_db()
    assert setup.meeting.conclusion == "Đạt yêu cầu."


def test_an_assigned_supervisor_reads_the_record_without_a_form(client, setup, tree):
    supervisor = UserFactory()
    grant(supervisor, tree.branch_a, Role.SUPERVISOR)
    save(
        setup.meeting,
        setup.secretary,
        presentations=[
            PresentationInput(
                member_id=tree.member_a.pk,
                comments=[CommentInput(text="Ý kiến thẳng thắn", speaker_member_id=setup.mate.pk)],
            )
        ],
    )
    client.force_login(supervisor)
    page = client.get(_phase_url(setup.meeting))
    assert page.status_code == 200
    assert b"record-form" not in page.content and "Ý kiến thẳng thắn".encode() in page.content
    assert client.post(_phase_url(setup.meeting), _post_data(setup, tree)).status_code == 404
    overview = client.get(reverse("meetings:record", args=[setup.meeting.pk]))
    assert overview.status_code == 200 and b"conclusion-form" not in overview.content


def test_a_committee_above_never_reaches_the_records_words(client, setup, tree):
    committee = UserFactory()
    grant(committee, tree.branch_a, Role.COMMITTEE)
    signed_minutes_attach(actor=setup.secretary, meeting=setup.meeting, data=PNG, filename="bb.png")
    client.force_login(committee)
    pk = setup.meeting.pk
    for url in (
        reverse("meetings:record", args=[pk]),
        reverse("meetings:record_phase", args=[pk, 1]),
        reverse("meetings:minutes_docx", args=[pk]),
        reverse("meetings:signed_download", args=[pk]),
        reverse("api:meetings_record_detail", kwargs={"id": pk}),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("meetings:record", args=[pk]), {"version": "1"}).status_code == 404
    assert client.post(_phase_url(setup.meeting), _post_data(setup, tree)).status_code == 404


def test_the_phase_page_takes_the_same_queries_however_many_members(
    client, setup, tree, django_assert_max_num_queries
):
    def record(members: list, comments: int) -> None:
        save(
            setup.meeting,
            setup.secretary,
            presentations=[
                PresentationInput(
                    member_id=m.pk,
                    comments=[
                        CommentInput(text=f"Ý kiến {i}", speaker_name="X") for i in range(comments)
                    ],
                )
                for m in members
            ],
            committee_comments=[CommentInput(text="Góp ý chi ủy", speaker_name="X")],
        )

    client.force_login(setup.secretary)
    url = _phase_url(setup.meeting)
    record([tree.member_a], 1)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    more = [make_member(tree.cell_a, f"Đảng viên số {n}") for n in range(12)]
    record([tree.member_a, setup.mate, *more], 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


# Minutes and the signed scan -------------------------------------------------------------------


def test_the_minutes_download_as_a_docx_holding_the_record(client, setup, tree):
    save(
        setup.meeting,
        setup.secretary,
        presentations=[PresentationInput(member_id=tree.member_a.pk)],
    )
    client.force_login(setup.secretary)
    response = client.get(reverse("meetings:minutes_docx", args=[setup.meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    text = docx_to_text(b"".join(response.streaming_content))
    assert "Nguyễn Văn An" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" in text


def test_the_signed_scan_is_checked_kept_and_downloaded(client, setup, settings):
    client.force_login(setup.secretary)
    url = reverse("meetings:signed_minutes", args=[setup.meeting.pk])
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = client.post(url, {"file": SimpleUploadedFile("bb.exe", b"MZ\x90\x00 not a scan")})
    assert bad.status_code == 302
    setup.meeting.refresh_from_db()
    assert not setup.meeting.signed_minutes
    settings.TUSOI_UPLOAD_MAX_BYTES = 10
    big = client.post(url, {"file": SimpleUploadedFile("bb.png", PNG)})
    assert big.status_code == 302
    setup.meeting.refresh_from_db()
    assert not setup.meeting.signed_minutes
    settings.TUSOI_UPLOAD_MAX_BYTES = 10_000
    good = client.post(url, {"file": SimpleUploadedFile("biên bản đã ký.png", PNG)})
    assert good.status_code == 302
    download = client.get(reverse("meetings:signed_download", args=[setup.meeting.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert download["Content-Type"] == "image/png"


# What the member gets back -------------------------------------------------------------------


def _held_with_comment(setup, tree) -> Comment:
    save(
        setup.meeting,
        setup.secretary,
        presentations=[
            PresentationInput(
                member_id=tree.member_a.pk,
                conclusion="Cần khắc phục tính nể nang.",
                comments=[
                    CommentInput(
                        text="Cần tích cực sinh hoạt <khu phố>.", speaker_member_id=setup.mate.pk
                    )
                ],
            )
        ],
        held=True,
    )
    return Comment.objects.get()


def test_the_writer_sees_the_comments_beside_their_report_and_turns_one_into_a_commitment(
    client, setup, tree
):
    comment = _held_with_comment(setup, tree)
    client.force_login(setup.writer)
    report_url = reverse("reports:report", args=[setup.report.pk])
    page = client.get(report_url).content.decode()
    assert 'id="meeting-feedback"' in page
    assert "Cần tích cực sinh hoạt &lt;khu phố&gt;." in page
    assert "Cần khắc phục tính nể nang." in page and "Trần Văn Bảo" in page
    click = reverse("meetings:comment_to_commitment", args=[setup.report.pk, comment.pk])
    assert click in page
    assert client.post(click).status_code == 302
    assert client.post(click).status_code == 302
    assert Commitment.objects.filter(report=setup.report, key=f"meeting-{comment.pk}").count() == 1
    after = client.get(report_url).content.decode()
    assert click not in after and 'class="turned"' in after


def test_the_secretary_reads_the_feedback_but_cannot_turn_it_into_a_commitment(client, setup, tree):
    comment = _held_with_comment(setup, tree)
    client.force_login(setup.secretary)
    page = client.get(reverse("reports:report", args=[setup.report.pk])).content.decode()
    assert 'id="meeting-feedback"' in page and "to-commitment" not in page
    response = client.post(
        reverse("meetings:comment_to_commitment", args=[setup.report.pk, comment.pk])
    )
    assert response.status_code == 302
    assert not Commitment.objects.filter(key__startswith="meeting-").exists()


def test_a_committee_above_sees_no_feedback_beside_a_report(client, setup, tree):
    _held_with_comment(setup, tree)
    committee = UserFactory()
    grant(committee, tree.branch_a, Role.COMMITTEE)
    client.force_login(committee)
    page = client.get(reverse("reports:report", args=[setup.report.pk]))
    assert page.status_code == 200
    assert b"meeting-feedback" not in page.content
    assert "Cần tích cực sinh hoạt".encode() not in page.content


def test_a_comment_on_another_member_is_not_found_from_this_report(client, setup, tree):
    save(
        setup.meeting,
        setup.secretary,
        presentations=[
            PresentationInput(
                member_id=setup.mate.pk,
                comments=[CommentInput(text="Ý kiến về đồng chí Bảo", speaker_name="X")],
            )
        ],
        held=True,
    )
    comment = Comment.objects.get()
    client.force_login(setup.writer)
    url = reverse("meetings:comment_to_commitment", args=[setup.report.pk, comment.pk])
    assert client.post(url).status_code == 404


# API -------------------------------------------------------------------------------------------


def _api(client, method: str, url: str, body: dict) -> object:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_the_api_reads_and_writes_a_phases_record(client, setup, tree):
    client.force_login(setup.secretary)
    pk = setup.meeting.pk
    url = reverse("api:meetings_record_phase_save", kwargs={"id": pk, "number": 1})
    body = {
        "version": 1,
        "attendance": [{"member_id": setup.third.pk, "present": False, "reason": "Ốm"}],
        "presentations": [
            {
                "member_id": tree.member_a.pk,
                "conclusion": "Tốt",
                "comments": [{"text": "Gương mẫu", "speaker_member_id": setup.mate.pk}],
            }
        ],
        "held": True,
    }
    saved = _api(client, "put", url, body)
    assert saved.status_code == 200, saved.content
    record = saved.json()
    assert record["status"] == "held" and record["version"] == 2
    phase = record["phases"][0]
    assert (phase["present"], phase["total"]) == (2, 3)
    assert phase["presentations"][0]["comments"][0]["speaker_member"]["id"] == setup.mate.pk
    assert phase["presentations"][0]["report_id"] == setup.report.pk

    stale = _api(client, "put", url, body)
    assert stale.status_code == 409

    outside = {**body, "version": 2, "presentations": [{"member_id": tree.member_b.pk}]}
    refused = _api(client, "put", url, outside)
    assert refused.status_code == 400
    assert "Lê Văn Cường" in refused.json()["detail"]
    assert f"presentation:{tree.member_b.pk}" in refused.json()["errors"]

    detail = client.get(reverse("api:meetings_record_detail", kwargs={"id": pk}))
    assert detail.status_code == 200 and detail.json()["phases"][0]["held"] is True


def test_the_api_saves_the_conclusion_with_its_version(client, setup):
    client.force_login(setup.secretary)
    url = reverse("api:meetings_record_conclude", kwargs={"id": setup.meeting.pk})
    ok = _api(client, "post", url, {"version": 1, "conclusion": "Đạt", "chair": "Hà"})
    assert ok.status_code == 200 and ok.json()["conclusion"] == "Đạt"
    assert _api(client, "post", url, {"version": 1, "conclusion": "Khác"}).status_code == 409


def test_a_phased_meetings_phases_each_have_their_page(client, setup, tree):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    second = make_member(tree.cell_a2, "Hoàng Văn Đức")
    meeting = make_meeting(
        setup.campaign,
        tree.cell_a2,
        phases=[(today - datetime.timedelta(days=1), [tree.member_a2]), (today, [second])],
    )
    secretary = UserFactory()
    grant(secretary, tree.cell_a2, Role.SECRETARY)
    client.force_login(secretary)
    first = client.get(_phase_url(meeting, 1)).content.decode()
    assert "Trần Thị Bình" in first and "Hoàng Văn Đức" not in first
    assert client.get(_phase_url(meeting, 3)).status_code == 404


def test_a_closed_campaigns_record_is_read_only(client, setup, tree):
    save(
        setup.meeting,
        setup.secretary,
        presentations=[PresentationInput(member_id=tree.member_a.pk)],
    )
    setup.campaign.status = "closed"
    setup.campaign.save(update_fields=["status"])
    client.force_login(setup.secretary)
    overview = client.get(reverse("meetings:record", args=[setup.meeting.pk]))
    assert b"conclusion-form" not in overview.content
    assert b"record-form" not in client.get(_phase_url(setup.meeting)).content
    response = client.post(_phase_url(setup.meeting), _post_data(setup, tree, version="2"))
    assert response.status_code == 302
    assert Presentation.objects.get().conclusion == ""
