"""In the browser, on a phone-sized screen: the cell's secretary records a single-phase meeting
end to end (attendance with one absent member and the reason, a presentation with a comment and
the chair's conclusion, the meeting's conclusion, held) and downloads the minutes.
Elements are found by their names and classes, so the test holds whatever the translation."""

from pathlib import Path

import pytest
from django.urls import reverse

from tusoi.documents import docx_to_text
from tusoi.meetings.models import Meeting, MeetingStatus
from tusoi.testing.factories import PASSWORD

from .test_record import make_setup

pytestmark = pytest.mark.browser


def test_the_secretary_records_the_meeting_live_and_downloads_the_minutes(
    page, browser_login, tree
):
    setup = make_setup(tree)
    meeting = setup.meeting
    a, third = tree.member_a.pk, setup.third.pk
    browser_login(page, setup.secretary.username, PASSWORD)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    # From the record's overview to the live form of its only phase.
    page.goto(reverse("meetings:record", args=[meeting.pk]))
    page.locator(".phase-row a.button").click()
    page.wait_for_url(f"**{reverse('meetings:record_phase', args=[meeting.pk, 1])}")

    # Attendance: everyone present but one, who is away for work.
    page.locator(f"input[name='a-{third}'][value='absent']").check()
    page.fill(f"input[name='a-{third}-reason']", "Đi công tác ở Đà Nẵng")

    # Member A reads their report; a mate comments; the chair concludes.
    page.locator(f"#presentation-{a} > summary").click()
    page.locator(f"input[name='p-{a}']").check()
    page.fill(f"input[name='p-{a}-c-0-speaker']", "Trần Văn Bảo")
    page.fill(f"textarea[name='p-{a}-c-0-text']", "Đồng chí cần tích cực sinh hoạt khu phố hơn.")
    page.fill(f"textarea[name='p-{a}-conclusion']", "Đồng chí An cần khắc phục tính nể nang.")
    page.locator("input[name='held']").check()
    page.locator("button.save-record").click()

    # Held: back on the overview, with the state shown.
    page.wait_for_url(f"**{reverse('meetings:record', args=[meeting.pk])}")
    assert page.locator(".meeting-state").get_attribute("data-status") == MeetingStatus.HELD
    assert page.locator(".messages .msg-success").count() == 1

    # The meeting's conclusion, chair and minutes-taker.
    page.fill("input[name='chair']", "Nguyễn Thị Hà")
    page.fill("input[name='secretary_name']", "Trần Văn Bảo")
    page.fill("textarea[name='conclusion']", "Buổi sinh hoạt nghiêm túc, đạt yêu cầu.")
    page.locator("form.conclusion-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "Buổi sinh hoạt nghiêm túc" in page.locator("textarea[name='conclusion']").input_value()

    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.status == MeetingStatus.HELD
    assert meeting.conclusion == "Buổi sinh hoạt nghiêm túc, đạt yêu cầu."

    # The minutes download as a .docx holding the names and what was said.
    with page.expect_download() as download_info:
        page.locator("a.minutes-download").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    text = docx_to_text(Path(download.path()).read_bytes())
    for expected in (
        "Nguyễn Văn An",
        "Trần Văn Bảo",
        "Lê Thị Cúc",
        "Đi công tác ở Đà Nẵng",
        "Đồng chí cần tích cực sinh hoạt khu phố hơn.",
        "Đồng chí An cần khắc phục tính nể nang.",
        "Buổi sinh hoạt nghiêm túc, đạt yêu cầu.",
        "Nguyễn Thị Hà",
    ):
        assert expected in text, expected
