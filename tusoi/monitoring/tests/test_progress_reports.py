"""Progress reports upward: generated with a snapshot of the figures (equal to a recount at the
cut-off, history used for a past cut-off), the meetings attended by higher officials, the
difficulties and proposals; narrative edits checked against the version read; sending makes
the report read-only and shows it to the parent committee, which sees who has not sent one."""

import datetime
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tusoi.meetings.services.record import GuestInput
from tusoi.meetings.tests.test_record import make_meeting, save, submitted_report
from tusoi.monitoring.figures import FIELDS, recount
from tusoi.monitoring.models_progress import (
    DifficultyCategory,
    DifficultyKind,
    ProgressReport,
    ProgressReportKind,
    ProgressReportStatus,
)
from tusoi.monitoring.selectors_progress import children_progress, snapshot_from
from tusoi.monitoring.services_progress import (
    StaleProgressReport,
    difficulty_create,
    progress_report_create,
    progress_report_regenerate,
    progress_report_submit,
    progress_report_update,
)
from tusoi.orgs.permissions import Role
from tusoi.reports.tests.conftest import make_open_campaign
from tusoi.testing.factories import UserFactory, grant, make_member, make_org

pytestmark = pytest.mark.django_db

OFFICIAL = "Phạm Minh Tuấn"
NARRATIVE = {
    "number_symbol": "15-BC/ĐU",
    "situation": "Đảng ủy đã ban hành Kế hoạch 02-KH/ĐU và tổ chức hội nghị quán triệt.",
    "results": "Đa số đảng viên hoàn thành báo cáo đúng hạn.",
    "shortcomings": "Một số chi bộ đăng ký lịch sinh hoạt chậm.",
    "directions": "Đôn đốc các chi bộ chưa tổ chức sinh hoạt chuyên đề.",
    "signer_name": "Nguyễn Thị Hồng",
}


def today() -> datetime.date:
    return timezone.localdate()


def yesterday() -> datetime.date:
    return today() - datetime.timedelta(days=1)


@dataclass
class World:
    """A province campaign around today. Cell A: member A submitted her report today; the
    meeting was held today with an official of the province and another guest. Cell A2 has a
    leader who wrote nothing. Cell A raised a difficulty, branch A a proposal."""

    campaign: Any
    secretary_a: Any
    committee_a: Any


def build_world(tree: Any) -> World:
    campaign = make_open_campaign(tree.province)
    secretary_a = UserFactory(username="bithu_a")
    grant(secretary_a, tree.cell_a, Role.SECRETARY)
    submitted_report(campaign, tree.member_a, UserFactory(member=tree.member_a))
    make_member(tree.cell_a2, "Hoàng Văn Lãnh", is_leader=True)
    meeting = make_meeting(campaign, tree.cell_a)
    save(
        meeting,
        secretary_a,
        held=True,
        guests=[
            GuestInput(name=OFFICIAL, position="Ủy viên Ban Thường vụ", is_higher_official=True),
            GuestInput(name="Trần Thị Mai", position="Chi hội trưởng Hội Phụ nữ"),
        ],
    )
    difficulty_create(
        actor=None,
        campaign=campaign,
        organization=tree.cell_a,
        kind=DifficultyKind.DIFFICULTY,
        category=DifficultyCategory.WORKING_AWAY,
        text="Ba đảng viên đi làm ăn xa ở Bình Dương.",
    )
    difficulty_create(
        actor=None,
        campaign=campaign,
        organization=tree.branch_a,
        kind=DifficultyKind.PROPOSAL,
        text="Đề nghị Tỉnh ủy cho phép nộp báo cáo qua ứng dụng.",
    )
    committee_a = UserFactory(username="phuong_a")
    grant(committee_a, tree.branch_a, Role.COMMITTEE)
    return World(campaign=campaign, secretary_a=secretary_a, committee_a=committee_a)


@pytest.fixture
def world(tree):
    return build_world(tree)


def make_report(campaign, org, *, actor=None, kind=ProgressReportKind.INTERIM, cut_off=None):
    return progress_report_create(
        actor=actor, campaign=campaign, organization=org, kind=kind, cut_off=cut_off or today()
    )


def filled(report, actor=None):
    return progress_report_update(
        actor=actor, report=report, expected_version=report.version, **NARRATIVE
    )


def sent(report, actor=None):
    report = filled(report, actor)
    return progress_report_submit(actor=actor, report=report, expected_version=report.version)


def counts(figures) -> dict[str, int]:
    return {name: getattr(figures, name) for name in FIELDS}


# Generation ---------------------------------------------------------------------------------------


def test_generated_figures_equal_a_recount_at_the_cut_off(tree, world):
    report = make_report(world.campaign, tree.branch_a, actor=world.committee_a)
    totals, children = recount(world.campaign, tree.branch_a)
    data = report.figures
    assert data["source"] == "dashboard"
    assert data["totals"] == counts(totals)
    assert data["totals"]["reports_counted"] == 1
    assert data["totals"]["cells_held"] == 1
    assert [(c["org_id"], c["figures"]) for c in data["children"]] == [
        (c.org_id, counts(c.figures)) for c in children
    ]


def test_a_past_cut_off_takes_the_figures_as_they_stood_then(tree, world):
    report = make_report(world.campaign, tree.branch_a, cut_off=yesterday())
    totals, children = recount(world.campaign, tree.branch_a, as_of=yesterday())
    data = report.figures
    assert data["source"] == "recount"
    assert data["as_of"] == yesterday().isoformat()
    assert data["totals"] == counts(totals)
    assert [c["figures"] for c in data["children"]] == [counts(c.figures) for c in children]
    # Member A submitted and cell A met today: neither counted yet at yesterday's end.
    assert data["totals"]["reports_counted"] == 0
    assert data["totals"]["cells_held"] == 0
    assert data["totals"]["members_in_scope"] == 3
    assert data["officials"]["meetings"] == 0
    assert data["difficulties"]["total"] == 0


def test_the_snapshot_lists_meetings_attended_by_higher_officials_only(tree, world):
    data = snapshot_from(make_report(world.campaign, tree.branch_a).figures)
    assert data.meetings_with_officials == 1
    [visit] = data.official_visits
    assert visit.cell == tree.cell_a.name
    assert visit.parent == tree.branch_a.name
    assert visit.dates == [today()]
    assert visit.people == [(OFFICIAL, "Ủy viên Ban Thường vụ")]
    officials_by_child = {c.org_id: c.officials for c in data.children}
    assert officials_by_child == {tree.cell_a.pk: 1, tree.cell_a2.pk: 0}


def test_the_snapshot_holds_the_difficulties_and_proposals_of_the_subtree(tree, world):
    data = snapshot_from(make_report(world.campaign, tree.branch_a).figures)
    assert data.difficulties == 1
    working_away = next(c for c in data.categories if c.category == "working_away")
    assert (working_away.count, working_away.organizations) == (1, 1)
    [difficulty] = data.difficulty_texts
    assert (difficulty.organization, difficulty.text) == (
        tree.cell_a.name,
        "Ba đảng viên đi làm ăn xa ở Bình Dương.",
    )
    assert [(p.organization, p.text) for p in data.proposal_texts] == [
        (tree.branch_a.name, "Đề nghị Tỉnh ủy cho phép nộp báo cáo qua ứng dụng.")
    ]


def test_a_new_draft_carries_the_usual_signature_and_recipients(tree, world):
    report = make_report(world.campaign, tree.branch_a)
    assert report.status == ProgressReportStatus.DRAFT
    assert report.signer_role
    assert report.signer_title
    assert tree.province.name in report.recipients


def test_a_cell_sends_no_progress_report(tree, world):
    with pytest.raises(ValidationError):
        make_report(world.campaign, tree.cell_a)


def test_writing_needs_edit_orgs_over_the_committee(tree, world, make_user):
    supervisor = make_user(tree.branch_a, Role.SUPERVISOR)
    with pytest.raises(PermissionDenied):
        make_report(world.campaign, tree.branch_a, actor=supervisor)
    sibling = make_user(tree.branch_b, Role.COMMITTEE)
    with pytest.raises(PermissionDenied):
        make_report(world.campaign, tree.branch_a, actor=sibling)


@pytest.mark.parametrize(
    ("offset", "field"),
    [(1, "cut_off"), (-31, "cut_off")],
    ids=["future", "before-the-campaign"],
)
def test_the_cut_off_lies_within_the_campaign_up_to_today(tree, world, offset, field):
    with pytest.raises(ValidationError) as error:
        make_report(world.campaign, tree.branch_a, cut_off=today() + datetime.timedelta(offset))
    assert field in error.value.message_dict


def test_one_report_per_kind_and_cut_off(tree, world):
    make_report(world.campaign, tree.branch_a)
    with pytest.raises(ValidationError):
        make_report(world.campaign, tree.branch_a)
    make_report(world.campaign, tree.branch_a, kind=ProgressReportKind.FINAL)


def test_regenerating_takes_the_figures_again(tree, world):
    report = make_report(world.campaign, tree.branch_a)
    submitted_report(world.campaign, tree.member_a2, UserFactory(member=tree.member_a2))
    report = progress_report_regenerate(
        actor=None, report=report, expected_version=report.version, results="Đã cập nhật."
    )
    assert report.figures["totals"]["reports_counted"] == 2
    assert report.results == "Đã cập nhật."
    assert report.version == 2


# Editing ------------------------------------------------------------------------------------------


def test_an_edit_on_a_stale_version_is_refused(tree, world):
    report = make_report(world.campaign, tree.branch_a)
    progress_report_update(
        actor=None, report=report, expected_version=1, situation="Bản của đồng chí Hồng."
    )
    with pytest.raises(StaleProgressReport):
        progress_report_update(
            actor=None, report=report, expected_version=1, situation="Bản của đồng chí Lan."
        )
    report.refresh_from_db()
    assert report.situation == "Bản của đồng chí Hồng."
    assert report.version == 2


def test_sending_needs_the_number_the_signer_and_every_part(tree, world):
    report = make_report(world.campaign, tree.branch_a)
    with pytest.raises(ValidationError) as error:
        progress_report_submit(actor=None, report=report, expected_version=report.version)
    assert set(error.value.message_dict) == {
        "number_symbol",
        "signer_name",
        "situation",
        "results",
        "shortcomings",
        "directions",
    }
    report.refresh_from_db()
    assert report.status == ProgressReportStatus.DRAFT


def test_a_sent_report_is_read_only(tree, world):
    report = sent(make_report(world.campaign, tree.branch_a), world.committee_a)
    assert report.status == ProgressReportStatus.SUBMITTED
    assert report.submitted_by == world.committee_a
    for change in (progress_report_update, progress_report_regenerate, progress_report_submit):
        with pytest.raises(ValidationError):
            change(actor=None, report=report, expected_version=report.version, results="Sửa.")
    report.refresh_from_db()
    assert report.results == NARRATIVE["results"]


# Who reads what -----------------------------------------------------------------------------------


def test_the_parent_sees_the_reports_sent_and_who_sent_none(tree, world):
    sent(make_report(world.campaign, tree.branch_a))
    make_report(world.campaign, tree.branch_b)  # a draft is not sent
    progress = children_progress(world.campaign, tree.province)
    assert progress.total == 2
    assert progress.sent == {"interim": 1}
    assert progress.missing_interim == 1
    assert progress.missing_final == 2
    rows = {row.org.pk: row for row in progress.rows}
    assert rows[tree.branch_a.pk].interim.number_symbol == "15-BC/ĐU"
    assert rows[tree.branch_b.pk].interim is None


def test_parent_page_shows_children_reports_and_the_missing(client, tree, world, make_user):
    report = sent(make_report(world.campaign, tree.branch_a))
    client.force_login(make_user(tree.province, Role.COMMITTEE))
    response = client.get(
        reverse("monitoring:progress_reports", args=[world.campaign.pk, tree.province.pk])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("monitoring:progress_report", args=[report.pk]) in page
    assert 'data-missing="interim"' in page
    assert tree.branch_b.name in page


def test_a_draft_is_read_only_by_those_who_write_it(client, tree, world, make_user):
    report = make_report(world.campaign, tree.branch_a)
    url = reverse("monitoring:progress_report", args=[report.pk])
    client.force_login(make_user(tree.province, Role.SUPERVISOR))
    assert client.get(url).status_code == 404
    sent(report)
    assert client.get(url).status_code == 200


def test_a_cell_is_not_listed_among_the_children_that_owe_a_report(tree, world, make_user):
    direct_cell = make_org("Chi bộ Cơ quan Đảng ủy", parent=tree.province)
    progress = children_progress(world.campaign, tree.province)
    assert direct_cell.pk not in {row.org.pk for row in progress.rows}


def test_children_list_queries_do_not_grow_with_children(
    client, tree, world, make_user, django_assert_max_num_queries
):
    client.force_login(make_user(tree.province, Role.COMMITTEE))
    url = reverse("monitoring:progress_reports", args=[world.campaign.pk, tree.province.pk])
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for index in range(8):
        child = make_org(
            f"Đảng ủy xã Thử {index}", parent=tree.province, kind_code="dang-uy-tren-co-so"
        )
        sent(make_report(world.campaign, child))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["children"].total == 10


# The pages ----------------------------------------------------------------------------------------


def report_url(report):
    return reverse("monitoring:progress_report", args=[report.pk])


def form_data(report, **changes):
    data = {name: getattr(report, name) for name in NARRATIVE} | {
        "signer_role": report.signer_role,
        "signer_title": report.signer_title,
        "recipients": report.recipients,
        "version": report.version,
    }
    return data | changes


def test_committee_generates_a_draft_from_the_page(client, tree, world):
    client.force_login(world.committee_a)
    response = client.post(
        reverse("monitoring:progress_reports", args=[world.campaign.pk, tree.branch_a.pk]),
        {"kind": "interim", "cut_off": today().strftime("%d/%m/%Y")},
    )
    report = ProgressReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == report_url(report)
    assert report.created_by == world.committee_a


def test_a_stale_page_is_refused_and_the_typed_text_kept(client, tree, world):
    report = make_report(world.campaign, tree.branch_a)
    page_version = report.version
    progress_report_update(
        actor=None, report=report, expected_version=page_version, results="Đã lưu trước."
    )
    client.force_login(world.committee_a)
    typed = "Chữ tôi vừa gõ, không được mất."
    response = client.post(
        report_url(report),
        form_data(report, results=typed, version=page_version, action="save"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert typed in page
    assert "Đã lưu trước." in page  # the saved text shown beside the typed one
    assert response.context["form"]["version"].value() == str(page_version + 1)
    report.refresh_from_db()
    assert report.results == "Đã lưu trước."


def test_save_then_send_from_the_page(client, tree, world):
    report = make_report(world.campaign, tree.branch_a)
    client.force_login(world.committee_a)
    saved = client.post(report_url(report), form_data(report, **NARRATIVE, action="save"))
    assert saved.status_code == 302
    report.refresh_from_db()
    assert report.number_symbol == "15-BC/ĐU"
    submitted = client.post(report_url(report), form_data(report, action="submit"))
    assert submitted.status_code == 302
    report.refresh_from_db()
    assert report.status == ProgressReportStatus.SUBMITTED
    page = client.get(report_url(report))
    assert page.context["form"] is None
    assert NARRATIVE["results"] in page.content.decode()


def test_posting_to_a_sent_report_changes_nothing(client, tree, world):
    report = sent(make_report(world.campaign, tree.branch_a))
    client.force_login(world.committee_a)
    response = client.post(
        report_url(report), form_data(report, results="Sửa sau khi gửi.", action="save")
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "Sửa sau khi gửi." in response.content.decode()
    report.refresh_from_db()
    assert report.results == NARRATIVE["results"]


def test_pasted_html_in_the_narrative_is_shown_as_text(client, tree, world):
    report = filled(make_report(world.campaign, tree.branch_a))
    report = progress_report_update(
        actor=None,
        report=report,
        expected_version=report.version,
        situation="<img src=x onerror=alert(1)>",
    )
    report = progress_report_submit(actor=None, report=report, expected_version=report.version)
    client.force_login(world.committee_a)
    page = client.get(report_url(report)).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


# The API ------------------------------------------------------------------------------------------


def test_api_lists_own_and_children_reports(client, tree, world, make_user):
    sent(make_report(world.campaign, tree.branch_a))
    client.force_login(make_user(tree.province, Role.COMMITTEE))
    body = client.get(
        reverse(
            "api:monitoring_progress_reports_list",
            kwargs={"campaign_id": world.campaign.pk, "org_id": tree.province.pk},
        )
    ).json()
    assert body["own"] == []
    assert body["children_total"] == 2
    assert body["children_missing"] == {"interim": 1, "final": 2}
    by_org = {row["organization"]["id"]: row for row in body["children"]}
    assert by_org[tree.branch_a.pk]["interim"]["number_symbol"] == "15-BC/ĐU"
    assert by_org[tree.branch_b.pk]["interim"] is None


def test_api_sends_a_draft_and_refuses_a_stale_version(client, tree, world):
    report = filled(make_report(world.campaign, tree.branch_a))
    client.force_login(world.committee_a)
    url = reverse("api:monitoring_progress_reports_submit", kwargs={"id": report.pk})
    stale = client.post(url, json.dumps({"version": 1}), content_type="application/json")
    assert stale.status_code == 409
    done = client.post(
        url, json.dumps({"version": report.version}), content_type="application/json"
    )
    assert done.status_code == 200
    assert done.json()["status"] == "submitted"
    detail = client.get(reverse("api:monitoring_progress_reports_detail", kwargs={"id": report.pk}))
    assert detail.json()["figures"]["totals"]["reports_counted"] == 1


# The demo -----------------------------------------------------------------------------------------


def test_demo_seed_raises_every_category_and_reports_upward_once(tree, world):
    from tusoi.core.seeding.monitoring import demo_monitoring_ensure
    from tusoi.monitoring.models_progress import Difficulty

    ward = make_org(
        "Đảng ủy phường Đại Bắc", parent=tree.province, kind_code="dang-uy-tren-co-so",
        code=f"{tree.province.code}-001",
    )  # fmt: skip
    make_member(make_org("Chi bộ khu phố Sơn", parent=ward), "Đặng Thị Thu")
    Difficulty.objects.all().delete()
    arguments = {"root": tree.province, "seed": 2024, "campaign_title": world.campaign.title}
    demo_monitoring_ensure(**arguments)
    raised = set(Difficulty.objects.values_list("category", flat=True))
    assert raised >= set(DifficultyCategory.values)
    assert Difficulty.objects.filter(kind=DifficultyKind.PROPOSAL).exists()
    sent_report = ProgressReport.objects.get(organization=ward)
    assert sent_report.status == ProgressReportStatus.SUBMITTED
    assert sent_report.figures["source"] == "recount"
    assert "Tính đến ngày" in sent_report.results
    draft = ProgressReport.objects.get(organization=tree.province)
    assert draft.status == ProgressReportStatus.DRAFT
    assert draft.figures["totals"] == counts(recount(world.campaign, tree.province)[0])
    before = (Difficulty.objects.count(), ProgressReport.objects.count())
    demo_monitoring_ensure(**arguments)
    assert (Difficulty.objects.count(), ProgressReport.objects.count()) == before
