"""A job is its owner's alone: every job URL and the API answer 404 to anyone else, however
wide their grants, and send anonymous callers to log in (401 on the API)."""

import pytest
from django.urls import reverse

from tusoi.jobs.models import Job
from tusoi.jobs.services import Progress, job_create
from tusoi.jobs.tasks import SELF_CHECK
from tusoi.jobs.tests.scope_cases import PUBLIC
from tusoi.orgs.permissions import Role

# (url name, method): every URL of the app that names a job.
JOB_URLS = [
    ("jobs:detail", "get"),
    ("jobs:progress", "get"),
    ("jobs:download", "get"),
    ("jobs:cancel", "post"),
    ("api:jobs_detail", "get"),
]


def _url(name: str, job: Job) -> str:
    return reverse(name, kwargs={"id" if name.startswith("api:") else "pk": job.pk})


@pytest.fixture
def owners_job(tree, make_user):
    owner = make_user(tree.cell_a, Role.SECRETARY)
    job = job_create(owner=owner, kind=SELF_CHECK, label="Nhập đảng viên", organization=tree.cell_a)
    progress = Progress(job)
    progress.result(b"ok", "ket-qua.txt")
    Job.objects.filter(pk=job.pk).update(result_file=progress.result_file, result_name="k.txt")
    return job


def test_every_job_url_is_covered_here():
    assert {name for name, _method in JOB_URLS} | {"jobs:list"} == set(PUBLIC)


@pytest.mark.parametrize("role", [Role.COMMITTEE, Role.ADMIN])
@pytest.mark.parametrize(("name", "method"), JOB_URLS)
def test_province_wide_grant_gets_404_on_someone_elses_job(
    client, tree, make_user, owners_job, name, method, role
):
    client.force_login(make_user(tree.province, role))
    response = getattr(client, method)(_url(name, owners_job))
    assert response.status_code == 404
    owners_job.refresh_from_db()
    assert owners_job.state == "queued"  # the cancel did nothing


@pytest.mark.parametrize(("name", "method"), JOB_URLS)
def test_owner_gets_through(client, owners_job, name, method):
    client.force_login(owners_job.owner)
    response = getattr(client, method)(_url(name, owners_job))
    assert response.status_code == (302 if name == "jobs:cancel" else 200)


@pytest.mark.parametrize(("name", "method"), [*JOB_URLS, ("jobs:list", "get")])
def test_anonymous_is_sent_to_log_in(client, owners_job, name, method):
    url = reverse(name) if name == "jobs:list" else _url(name, owners_job)
    response = getattr(client, method)(url)
    if name.startswith("api:"):
        assert response.status_code == 401
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_someone_elses_job_is_not_in_my_list(client, tree, make_user, owners_job):
    client.force_login(make_user(tree.province, Role.ADMIN))
    html = client.get(reverse("jobs:list")).content.decode()
    assert "Nhập đảng viên" not in html
    assert "Bạn chưa khởi chạy công việc nền nào." in html


def test_superuser_sees_every_job(client, make_user, owners_job):
    client.force_login(make_user(is_superuser=True, is_staff=True))
    assert client.get(_url("jobs:detail", owners_job)).status_code == 200
    assert client.get(_url("api:jobs_detail", owners_job)).status_code == 200
