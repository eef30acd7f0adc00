"""Copy detection on the pages and the API (DOMAIN.md "Who reads what"): the writer's gentle
warning, the stored check for the cell's text readers, counterparts outside the viewer's scope
anonymised, committees above seeing flag counts only, the side-by-side view, the re-check."""

import json
import re

import pytest
from django.urls import reverse

from tusoi.jobs.models import Job, JobState
from tusoi.orgs.permissions import Role
from tusoi.reports.models import CopyCheck, ReportStatus, SelfReview
from tusoi.reports.selectors.copies import report_copy_view
from tusoi.reports.selectors.reviews import cell_report_rows
from tusoi.reports.services import report_open, report_save
from tusoi.testing.factories import make_member

from .conftest import make_open_campaign
from .scope_cases_copies import content_of, paragraphs, write_report, writer_of

pytestmark = pytest.mark.django_db

DISTINCT = "Riêng câu này chỉ người viết bản gốc mới có: ao cá nhà ông Bảy ở xóm Đình."


@pytest.fixture
def campaign(tree):
    return make_open_campaign(tree.province)


@pytest.fixture
def sibling_copy(tree, campaign):
    """Member B (sibling branch) wrote an original with one distinctive sentence; member A
    copied the rest of it."""
    original = paragraphs(200, 9)
    write_report(tree.member_b, campaign, [*original, DISTINCT])
    return write_report(tree.member_a, campaign, original + paragraphs(201, 1))


@pytest.fixture
def cell_copy(tree, campaign):
    """Two members of cell A: an original and its copy."""
    original = paragraphs(210, 10)
    source = write_report(make_member(tree.cell_a, "Hoàng Văn Gốc"), campaign, original)
    copy = write_report(tree.member_a, campaign, original[:9] + paragraphs(211, 1))
    return source, copy


def _login(client, make_user, org, role):
    user = make_user(org, role)
    client.force_login(user)
    return user


def _page(client, pk) -> str:
    response = client.get(reverse("reports:report", args=[pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_cell_secretary_sees_the_score_and_opens_the_counterpart_side_by_side(
    client, make_user, tree, cell_copy
):
    source, copy = cell_copy
    _login(client, make_user, tree.cell_a, Role.SECRETARY)
    html = _page(client, copy.pk)
    assert "data-copy-check" in html and "data-copy-flag" in html
    link = reverse("reports:copy_compare", args=[copy.pk]) + f"?with={source.pk}"
    assert link in html
    assert "Hoàng Văn Gốc" in html
    assert re.search(r">\s*9\d%\s*<", html)  # the score, as a percentage

    compared = client.get(link)
    assert compared.status_code == 200
    body = compared.content.decode()
    assert body.count("<mark>") >= 9
    assert paragraphs(211, 1)[0][:40] in body  # the copier's own paragraph, not highlighted
    assert "<mark>" + paragraphs(211, 1)[0][:40] not in body


def test_counterpart_outside_the_scope_is_anonymised_on_the_page_and_in_the_api(
    client, make_user, tree, sibling_copy
):
    _login(client, make_user, tree.cell_a, Role.SECRETARY)
    html = _page(client, sibling_copy.pk)
    assert "data-outside-scope" in html and "data-copy-flag" in html
    assert "Tỉnh ủy / Thành ủy" in html  # the level they share, by its kind only
    assert tree.member_b.full_name not in html
    assert DISTINCT not in html
    assert tree.province.name not in html

    response = client.get(reverse("api:reports_copy_check", kwargs={"id": sibling_copy.pk}))
    assert response.status_code == 200
    data = response.json()
    assert data["flagged"] and data["checked"]
    assert data["counterparts"] == [
        {
            "kind": "report",
            "score": pytest.approx(0.9, abs=0.05),
            "containment": pytest.approx(0.9, abs=0.05),
            "jaccard": pytest.approx(0.8, abs=0.1),
            "outside_scope": True,
            "report_id": None,
            "member": None,
            "cell": None,
            "level": "Tỉnh ủy / Thành ủy",
        }
    ]
    raw = response.content.decode("unicode_escape") + json.dumps(data, ensure_ascii=False)
    assert tree.member_b.full_name not in raw and DISTINCT not in raw

    other = SelfReview.objects.get(member=tree.member_b)
    compare = reverse("reports:copy_compare", args=[sibling_copy.pk]) + f"?with={other.pk}"
    assert client.get(compare).status_code == 404


def test_committee_above_sees_flag_counts_but_not_scores_or_text(
    client, make_user, tree, campaign, cell_copy
):
    _source, copy = cell_copy
    _login(client, make_user, tree.branch_a, Role.COMMITTEE)
    html = _page(client, copy.pk)
    assert "data-copy-check" not in html
    assert "%" not in re.sub(r"<style.*?</style>|<script.*?</script>", "", html, flags=re.S)
    assert paragraphs(210, 1)[0][:40] not in html

    cell_page = client.get(reverse("reports:cell_reports", args=[campaign.pk, tree.cell_a.pk]))
    rows = cell_page.content.decode()
    assert rows.count("data-copy-flagged") == 2  # the original and its copy
    assert re.search(r'class="count-copy-flagged">2<', rows)

    detail = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "data-campaign-copies" in detail
    assert "data-copy-recheck" not in detail  # only the issuing committee re-checks

    kwargs = {"campaign_id": campaign.pk, "org_id": tree.branch_a.pk}
    flags = client.get(reverse("api:reports_copy_flags", kwargs=kwargs))
    assert flags.json() == {
        "campaign_id": campaign.pk,
        "organization_id": tree.branch_a.pk,
        "checked": 2,
        "flagged": 2,
    }
    assert client.get(reverse("api:reports_copy_check", kwargs={"id": copy.pk})).status_code == 404
    compare = reverse("reports:copy_compare", args=[copy.pk]) + "?with=template"
    assert client.get(compare).status_code == 404


def test_the_writer_sees_no_stored_check_and_no_counterpart(client, tree, cell_copy):
    _source, copy = cell_copy
    client.force_login(writer_of(tree.member_a))
    html = _page(client, copy.pk)
    assert "data-copy-check" not in html and "Hoàng Văn Gốc" not in html
    assert client.get(reverse("api:reports_copy_check", kwargs={"id": copy.pk})).status_code == 404


def _draft(member, campaign, paras):
    writer = writer_of(member)
    report = report_open(member=member, campaign=campaign, actor=writer)
    return report_save(
        report=report, actor=writer, content=content_of(report, paras), base_version=0
    )


def test_the_writer_is_warned_gently_and_may_submit_anyway(client, tree, campaign):
    original = paragraphs(220, 10)
    write_report(make_member(tree.cell_a, "Hoàng Văn Gốc"), campaign, original)
    draft = _draft(tree.member_a, campaign, original[:8] + paragraphs(221, 2))
    client.force_login(writer_of(tree.member_a))

    response = client.post(
        reverse("reports:report_submit", args=[draft.pk]), {"version": draft.version}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-copy-warning" in html and "data-copy-confirm" in html and "data-copy-edit" in html
    assert re.search(r"<strong>\s*\d+%\s*</strong>", html)
    assert "Hoàng Văn Gốc" not in html
    draft.refresh_from_db()
    assert draft.status == ReportStatus.DRAFT
    assert not CopyCheck.objects.filter(report=draft).exists()

    response = client.post(
        reverse("reports:report_submit", args=[draft.pk]),
        {"version": draft.version, "confirm_copy": "1"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ReportStatus.SUBMITTED
    assert CopyCheck.objects.get(report=draft).flagged


def test_an_original_text_is_submitted_without_a_warning(client, tree, campaign):
    write_report(make_member(tree.cell_a, "Hoàng Văn Gốc"), campaign, paragraphs(230, 10))
    draft = _draft(tree.member_a, campaign, paragraphs(231, 10))
    client.force_login(writer_of(tree.member_a))
    response = client.post(
        reverse("reports:report_submit", args=[draft.pk]), {"version": draft.version}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ReportStatus.SUBMITTED
    assert not CopyCheck.objects.get(report=draft).flagged


def test_the_api_submit_is_not_warned_but_the_check_is_stored(client, tree, campaign):
    original = paragraphs(240, 10)
    write_report(make_member(tree.cell_a, "Hoàng Văn Gốc"), campaign, original)
    draft = _draft(tree.member_a, campaign, original)
    client.force_login(writer_of(tree.member_a))
    response = client.post(
        reverse("api:reports_submit", kwargs={"id": draft.pk}),
        data="{}",
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert CopyCheck.objects.get(report=draft).flagged


def test_side_by_side_shows_pasted_html_as_text(client, make_user, tree, campaign):
    hostile = "<script>alert('x')</script> <b>đậm</b>"
    original = paragraphs(250, 9)
    source = write_report(make_member(tree.cell_a, "Hoàng Văn Gốc"), campaign, [*original, hostile])
    copy = write_report(tree.member_a, campaign, [*original, hostile])
    _login(client, make_user, tree.cell_a, Role.SECRETARY)
    body = client.get(
        reverse("reports:copy_compare", args=[copy.pk]) + f"?with={source.pk}"
    ).content.decode()
    assert "<script>alert" not in body and "<b>đậm" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body


def test_side_by_side_with_the_template_and_refusals(client, make_user, tree, cell_copy):
    source, copy = cell_copy
    _login(client, make_user, tree.cell_a, Role.SECRETARY)
    url = reverse("reports:copy_compare", args=[copy.pk])
    assert client.get(url + "?with=template").status_code == 200
    assert client.get(url + "?with=abc").status_code == 404
    assert client.get(url + f"?with={copy.pk}").status_code == 404
    assert client.get(url).status_code == 404


def test_the_issuing_committee_rechecks_the_campaign_from_its_page(
    client, make_user, tree, campaign, cell_copy, django_capture_on_commit_callbacks
):
    _login(client, make_user, tree.province, Role.ADMIN)
    detail = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "data-copy-recheck" in detail
    assert client.get(reverse("reports:copy_recheck", args=[campaign.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:copy_recheck", args=[campaign.pk]))
    job = Job.objects.get(kind="copy_recheck")
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert job.progress_done == job.progress_total == 4


def test_report_page_reads_the_check_in_four_queries_whatever_the_counterparts(
    tree, campaign, make_user, django_assert_num_queries
):
    original = paragraphs(260, 10)
    write_report(tree.member_b, campaign, original)
    write_report(tree.member_a2, campaign, original)
    write_report(make_member(tree.cell_a, "Hoàng Văn Gốc"), campaign, original)
    copy = write_report(tree.member_a, campaign, original)
    secretary = make_user(tree.cell_a, Role.SECRETARY)
    report = SelfReview.objects.select_related("campaign", "member__cell").get(pk=copy.pk)
    report_copy_view(secretary, report)  # the scope is read once per request
    with django_assert_num_queries(4):
        view = report_copy_view(secretary, report)
    assert len(view.counterparts) == 3
    assert sum(c.outside_scope for c in view.counterparts) == 2


def test_the_cell_page_rows_stay_one_query_with_the_flag(tree, campaign, django_assert_num_queries):
    original = paragraphs(270, 10)
    write_report(make_member(tree.cell_a, "Hoàng Văn Gốc"), campaign, original)
    write_report(tree.member_a, campaign, original)
    with django_assert_num_queries(1):
        rows, _apart = cell_report_rows(campaign, tree.cell_a)
    assert [r.copy_flagged for r in rows] == [True, True]
