import pytest
from playwright.sync_api import expect

from tusoi.jobs.models import Job, JobState
from tusoi.jobs.services import job_create
from tusoi.jobs.tasks import SELF_CHECK
from tusoi.testing.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_progress_bar_follows_the_job_live_and_stops_when_it_finishes(
    page, browser_login, make_user
):
    user = make_user()
    job = job_create(owner=user, kind=SELF_CHECK, label="Nhập danh sách đảng viên")
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, progress_total=200)
    browser_login(page, user.username, PASSWORD)
    page.goto(f"/jobs/{job.pk}/")
    expect(page.locator("#job-progress")).to_contain_text("0 / 200 (0%)")

    Job.objects.filter(pk=job.pk).update(progress_done=50)  # what the worker writes
    expect(page.locator("#job-progress")).to_contain_text("50 / 200 (25%)")
    assert page.url.endswith(f"/jobs/{job.pk}/")  # updated in place, no reload

    Job.objects.filter(pk=job.pk).update(
        state=JobState.SUCCEEDED, progress_done=200, result_name="ket-qua.xlsx"
    )
    expect(page.locator("#job-progress")).to_contain_text("Đã xong")
    expect(page.locator("#job-progress progress")).to_have_attribute("value", "200")
    assert page.locator("#job-progress[hx-trigger]").count() == 0  # polling has stopped
