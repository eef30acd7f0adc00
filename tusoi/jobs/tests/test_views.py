import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tusoi.jobs.models import Job, JobState
from tusoi.jobs.services import Progress, job_create, job_enqueue
from tusoi.jobs.tasks import SELF_CHECK
from tusoi.orgs.permissions import Role


@pytest.fixture
def owner(client, tree, make_user):
    user = make_user(tree.branch_a, Role.COMMITTEE)
    client.force_login(user)
    return user


def _job(owner, *, organization=None, label="Nhập danh sách chi bộ", **values) -> Job:
    job = job_create(owner=owner, kind=SELF_CHECK, label=label, organization=organization)
    if values:
        Job.objects.filter(pk=job.pk).update(**values)
        job.refresh_from_db()
    return job


def test_running_job_page_shows_progress_and_polls(client, owner, tree):
    job = _job(
        owner,
        organization=tree.branch_a,
        state=JobState.RUNNING,
        progress_done=250,
        progress_total=1000,
        messages=[{"level": "warning", "text": "Dòng 7: <b>trùng</b> số thẻ"}],
    )
    html = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Nhập danh sách chi bộ" in html and tree.branch_a.name in html
    assert '<progress value="250" max="1000">' in html
    assert "250 / 1000 (25%)" in html
    assert "Đang chạy" in html
    assert "Dòng 7: &lt;b&gt;trùng&lt;/b&gt; số thẻ" in html  # escaped
    assert f'hx-get="{reverse("jobs:progress", args=[job.pk])}"' in html
    assert 'hx-trigger="every 1s"' in html
    assert f'href="{reverse("jobs:detail", args=[job.pk])}">Cập nhật</a>' in html  # no-JS


def test_progress_fragment_is_the_partial_alone(client, owner):
    job = _job(owner, state=JobState.RUNNING, progress_done=1, progress_total=4)
    html = client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert html.lstrip().startswith('<div id="job-progress"')
    assert "<html" not in html
    assert "1 / 4 (25%)" in html and 'hx-trigger="every 1s"' in html


def test_finished_job_stops_polling_and_offers_its_result(client, owner):
    job = _job(owner)
    progress = Progress(job)
    progress.result(b"a,b\n", "Kết quả nhập.csv")
    Job.objects.filter(pk=job.pk).update(
        state=JobState.SUCCEEDED,
        progress_done=3,
        progress_total=3,
        result_file=progress.result_file,
        result_name=progress.result_name,
    )
    html = client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in html and "hx-get" not in html
    assert "Đã xong" in html and "3 / 3 (100%)" in html
    assert f'href="{reverse("jobs:download", args=[job.pk])}"' in html
    assert "Tải về Kết quả nhập.csv" in html

    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"a,b\n"
    assert "attachment" in response["Content-Disposition"]
    assert "K%E1%BA%BFt%20qu%E1%BA%A3%20nh%E1%BA%ADp.csv" in response["Content-Disposition"]


def test_failed_job_says_why(client, owner):
    job = _job(owner, state=JobState.FAILED, error="Tệp không có dòng tiêu đề.")
    html = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Thất bại" in html
    assert "Lý do thất bại" in html and "Tệp không có dòng tiêu đề." in html
    assert "hx-trigger" not in html


def test_download_without_a_result_is_404(client, owner):
    job = _job(owner, state=JobState.SUCCEEDED)
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_owner_cancels_a_waiting_job_from_its_page(client, owner):
    job = _job(owner)
    html = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Hủy công việc này" in html
    response = client.post(reverse("jobs:cancel", args=[job.pk]), follow=True)
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED
    assert "Đã hủy công việc." in response.content.decode()


def test_cancelling_a_running_job_is_refused_with_a_message(client, owner):
    job = _job(owner, state=JobState.RUNNING)
    response = client.post(reverse("jobs:cancel", args=[job.pk]), follow=True)
    job.refresh_from_db()
    assert job.state == JobState.RUNNING
    assert "Chỉ hủy được công việc đang chờ" in response.content.decode()


def test_list_shows_my_jobs_newest_first(client, owner, make_user):
    _job(owner, label="Việc thứ nhất")
    _job(owner, label="Việc thứ hai", state=JobState.RUNNING, progress_done=1, progress_total=2)
    _job(make_user(), label="Việc của người khác")
    html = client.get(reverse("jobs:list")).content.decode()
    labels = re.findall(r'<a href="/jobs/\d+/">([^<]+)</a>', html)
    assert labels == ["Việc thứ hai", "Việc thứ nhất"]
    assert "50%" in html


def _queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow_with_jobs(client, owner, tree):
    _job(owner, organization=tree.cell_a)
    few = _queries(client, reverse("jobs:list"))
    for i in range(20):
        _job(owner, organization=tree.cell_a2 if i % 2 else tree.branch_a)
    assert _queries(client, reverse("jobs:list")) == few


def test_api_answers_state_progress_messages_and_result_url(client, owner, run_on_commit):
    job = _job(owner)
    run_on_commit(job_enqueue, job)
    data = client.get(reverse("api:jobs_detail", kwargs={"id": job.pk})).json()
    assert data["state"] == "succeeded" and data["state_label"] == "đã xong"
    assert (data["progress_done"], data["progress_total"], data["percent"]) == (3, 3, 100)
    assert [m["level"] for m in data["messages"]] == ["info", "info", "info"]
    assert data["result_url"] == reverse("jobs:download", args=[job.pk])
    assert data["error"] == ""


def test_api_query_count_is_fixed(client, owner, django_assert_max_num_queries):
    job = _job(owner, messages=[{"level": "info", "text": f"dòng {i}"} for i in range(150)])
    url = reverse("api:jobs_detail", kwargs={"id": job.pk})
    client.get(url)
    with django_assert_max_num_queries(4):
        assert client.get(url).status_code == 200
