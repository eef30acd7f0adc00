"""Difficulties and proposals: who records them, the roll-up per category over a subtree (one
SQL query), the page with its form and paginated texts, withdrawal, and the API."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tusoi.audit.models import AuditEvent
from tusoi.campaigns.models import Campaign
from tusoi.monitoring.models_progress import Difficulty, DifficultyCategory, DifficultyKind
from tusoi.monitoring.selectors_progress import difficulty_rollup
from tusoi.monitoring.services_progress import difficulty_create, difficulty_delete
from tusoi.orgs.permissions import Role

pytestmark = pytest.mark.django_db

AWAY = DifficultyCategory.WORKING_AWAY
ELDERLY = DifficultyCategory.ELDERLY_FRAIL
UNCLEAR = DifficultyCategory.UNCLEAR_PROCEDURE


def make_campaign(org, *, status="open", title="Giữ trọn lời thề đảng viên") -> Campaign:
    today = timezone.localdate()
    return Campaign.objects.create(
        organization=org,
        title=title,
        theme="Tự soi, tự sửa",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=30),
        status=status,
    )


def raise_difficulty(campaign, org, category=AWAY, text="Nhiều đảng viên đi làm ăn xa."):
    return difficulty_create(
        actor=None,
        campaign=campaign,
        organization=org,
        kind=DifficultyKind.DIFFICULTY,
        category=category,
        text=text,
    )


def raise_proposal(campaign, org, text="Đề nghị cho phép nộp báo cáo qua ứng dụng."):
    return difficulty_create(
        actor=None, campaign=campaign, organization=org, kind=DifficultyKind.PROPOSAL, text=text
    )


@pytest.fixture
def campaign(tree):
    return make_campaign(tree.province)


@pytest.fixture
def raised(tree, campaign):
    """Cell A: two about members working away, one about elderly members, a proposal; cell A2:
    one about members working away; branch A itself: unclear procedure and a proposal; cell B
    (the sibling branch): one about members working away."""
    raise_difficulty(campaign, tree.cell_a)
    raise_difficulty(campaign, tree.cell_a, text="Đảng viên làm công nhân ở khu công nghiệp.")
    raise_difficulty(campaign, tree.cell_a, ELDERLY, "Đảng viên cao tuổi không tự viết được.")
    raise_proposal(campaign, tree.cell_a)
    raise_difficulty(campaign, tree.cell_a2)
    raise_difficulty(campaign, tree.branch_a, UNCLEAR, "Chưa rõ chi bộ có kết luận từng người.")
    raise_proposal(campaign, tree.branch_a, "Đề nghị Tỉnh ủy ban hành mẫu báo cáo rút gọn.")
    raise_difficulty(campaign, tree.cell_b)


def by_category(rollup):
    return {c.category: (c.count, c.organizations) for c in rollup.categories}


# The roll-up --------------------------------------------------------------------------------------


def test_rollup_counts_each_category_over_the_subtree(tree, campaign, raised):
    rollup = difficulty_rollup(campaign, tree.branch_a)
    counts = by_category(rollup)
    assert counts[AWAY] == (3, 2)
    assert counts[ELDERLY] == (1, 1)
    assert counts[UNCLEAR] == (1, 1)
    assert counts[DifficultyCategory.NO_TIME] == (0, 0)
    assert [c.category for c in rollup.categories] == DifficultyCategory.values
    assert rollup.difficulties == 5
    assert (rollup.proposals, rollup.proposal_organizations) == (2, 2)


def test_rollup_of_the_province_adds_the_sibling_branch(tree, campaign, raised):
    rollup = difficulty_rollup(campaign, tree.province)
    assert by_category(rollup)[AWAY] == (4, 3)
    assert rollup.difficulties == 6


def test_rollup_of_a_cell_holds_only_its_own(tree, campaign, raised):
    rollup = difficulty_rollup(campaign, tree.cell_a2)
    assert rollup.difficulties == 1
    assert rollup.proposals == 0


def test_rollup_is_one_query(tree, campaign, raised, django_assert_num_queries):
    with django_assert_num_queries(1):
        difficulty_rollup(campaign, tree.province)


def test_rollup_counts_only_the_campaign_asked_for(tree, campaign, raised):
    other = make_campaign(tree.province, title="Đợt khác")
    raise_difficulty(other, tree.cell_a, ELDERLY)
    assert by_category(difficulty_rollup(campaign, tree.branch_a))[ELDERLY] == (1, 1)


def test_rollup_as_of_a_day_leaves_out_what_was_raised_later(tree, campaign, raised):
    old = raise_difficulty(campaign, tree.cell_a, DifficultyCategory.LARGE_CELL)
    Difficulty.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=5)
    )
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    rollup = difficulty_rollup(campaign, tree.branch_a, as_of=yesterday)
    assert rollup.difficulties == 1
    assert by_category(rollup)[DifficultyCategory.LARGE_CELL] == (1, 1)


# Recording ----------------------------------------------------------------------------------------


def test_secretary_records_a_difficulty_of_the_cell(tree, campaign, make_user):
    secretary = make_user(tree.cell_a, Role.SECRETARY)
    difficulty = difficulty_create(
        actor=secretary,
        campaign=campaign,
        organization=tree.cell_a,
        kind=DifficultyKind.DIFFICULTY,
        category=DifficultyCategory.NO_TIME,
        text="  Công nhân   tăng ca,\r\nkhông có thời gian viết.  ",
    )
    assert difficulty.created_by == secretary
    assert difficulty.text == "Công nhân tăng ca,\nkhông có thời gian viết."
    assert AuditEvent.objects.filter(target_id=difficulty.pk, action="create").exists()


def test_secretary_cannot_record_for_another_cell(tree, campaign, make_user):
    secretary = make_user(tree.cell_a, Role.SECRETARY)
    with pytest.raises(PermissionDenied):
        raise_difficulty_as(secretary, campaign, tree.cell_b)


def test_supervisor_reads_but_does_not_record(tree, campaign, make_user):
    supervisor = make_user(tree.branch_a, Role.SUPERVISOR)
    with pytest.raises(PermissionDenied):
        raise_difficulty_as(supervisor, campaign, tree.cell_a)


def raise_difficulty_as(actor, campaign, org):
    return difficulty_create(
        actor=actor,
        campaign=campaign,
        organization=org,
        kind=DifficultyKind.DIFFICULTY,
        category=AWAY,
        text="Đi làm ăn xa.",
    )


def test_a_difficulty_needs_a_category(tree, campaign):
    with pytest.raises(ValidationError) as error:
        difficulty_create(
            actor=None,
            campaign=campaign,
            organization=tree.cell_a,
            kind=DifficultyKind.DIFFICULTY,
            text="Khó khăn",
        )
    assert "category" in error.value.message_dict


def test_a_proposal_has_no_category(tree, campaign):
    proposal = difficulty_create(
        actor=None,
        campaign=campaign,
        organization=tree.cell_a,
        kind=DifficultyKind.PROPOSAL,
        category=AWAY,
        text="Đề nghị kéo dài thời hạn nộp báo cáo.",
    )
    assert proposal.category == ""


def test_empty_text_is_refused(tree, campaign):
    with pytest.raises(ValidationError) as error:
        difficulty_create(
            actor=None,
            campaign=campaign,
            organization=tree.cell_a,
            kind=DifficultyKind.PROPOSAL,
            text="   ",
        )
    assert "text" in error.value.message_dict


def test_the_campaign_must_cover_the_organisation(tree):
    branch_b_campaign = make_campaign(tree.branch_b, title="Đợt của xã Bình Minh")
    with pytest.raises(ValidationError):
        raise_difficulty(branch_b_campaign, tree.cell_a)


def test_nothing_is_recorded_for_a_draft_campaign(tree):
    draft = make_campaign(tree.province, status="draft")
    with pytest.raises(ValidationError):
        raise_difficulty(draft, tree.cell_a)


def test_withdrawing_removes_it_and_keeps_the_text_in_the_audit(tree, campaign, make_user):
    secretary = make_user(tree.cell_a, Role.SECRETARY)
    difficulty = raise_difficulty(campaign, tree.cell_a, text="Ghi nhầm.")
    pk = difficulty.pk
    difficulty_delete(actor=secretary, difficulty=difficulty)
    assert not Difficulty.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(target_id=pk, action="delete")
    assert event.changes["text"] == ["Ghi nhầm.", None]


def test_the_database_refuses_a_difficulty_without_category(tree, campaign):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Difficulty.objects.create(
            campaign=campaign, organization=tree.cell_a, kind="difficulty", text="x"
        )


# The page -----------------------------------------------------------------------------------------


def url(campaign, org):
    return reverse("monitoring:difficulties", args=[campaign.pk, org.pk])


def test_committee_reads_the_rollup_and_the_texts_with_their_organisation(
    client, tree, campaign, raised, make_user
):
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    response = client.get(url(campaign, tree.branch_a))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-category="working_away"' in page
    assert 'data-count="3"' in page
    assert "Đảng viên cao tuổi không tự viết được." in page
    assert tree.cell_a.name in page
    # The sibling branch's cell is outside the subtree.
    assert tree.cell_b.name not in page


def test_filter_by_category(client, tree, campaign, raised, make_user):
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    response = client.get(url(campaign, tree.branch_a), {"kind": "difficulty", "category": ELDERLY})
    texts = [d.text for d in response.context["page"].object_list]
    assert texts == ["Đảng viên cao tuổi không tự viết được."]


def test_secretary_records_through_the_page(client, tree, campaign, make_user):
    client.force_login(make_user(tree.cell_a, Role.SECRETARY))
    response = client.post(
        url(campaign, tree.cell_a),
        {"kind": "difficulty", "category": "large_cell", "text": "Chi bộ có 120 đảng viên."},
    )
    assert response.status_code == 302
    assert Difficulty.objects.get().category == "large_cell"


def test_the_form_says_what_is_missing_and_keeps_the_text(client, tree, campaign, make_user):
    client.force_login(make_user(tree.cell_a, Role.SECRETARY))
    response = client.post(
        url(campaign, tree.cell_a), {"kind": "difficulty", "text": "Đảng viên cao tuổi."}
    )
    assert response.status_code == 200
    assert "Đảng viên cao tuổi." in response.content.decode()
    assert response.context["form"].errors
    assert not Difficulty.objects.exists()


def test_supervisor_sees_no_form_and_cannot_post(client, tree, campaign, raised, make_user):
    client.force_login(make_user(tree.branch_a, Role.SUPERVISOR))
    response = client.get(url(campaign, tree.branch_a))
    assert response.status_code == 200
    assert response.context["form"] is None
    posted = client.post(url(campaign, tree.branch_a), {"kind": "proposal", "text": "x"})
    assert posted.status_code == 404


def test_pasted_html_is_shown_as_text(client, tree, campaign, make_user):
    raise_difficulty(campaign, tree.cell_a, text="<script>alert('x')</script><b>đậm</b>")
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    page = client.get(url(campaign, tree.branch_a)).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&lt;b&gt;đậm&lt;/b&gt;" in page


def test_withdraw_through_the_page(client, tree, campaign, make_user):
    difficulty = raise_difficulty(campaign, tree.cell_a)
    client.force_login(make_user(tree.cell_a, Role.SECRETARY))
    response = client.post(url(campaign, tree.cell_a), {"action": "delete", "pk": difficulty.pk})
    assert response.status_code == 302
    assert not Difficulty.objects.exists()


def test_a_cell_cannot_withdraw_what_its_committee_raised(client, tree, campaign, make_user):
    difficulty = raise_difficulty(campaign, tree.branch_a, UNCLEAR)
    client.force_login(make_user(tree.cell_a, Role.SECRETARY))
    response = client.post(url(campaign, tree.cell_a), {"action": "delete", "pk": difficulty.pk})
    assert response.status_code == 404
    assert Difficulty.objects.filter(pk=difficulty.pk).exists()


def test_an_organisation_outside_the_campaign_is_not_found(client, tree, make_user):
    branch_b_campaign = make_campaign(tree.branch_b, title="Đợt của xã Bình Minh")
    client.force_login(make_user(tree.province, Role.COMMITTEE))
    assert client.get(url(branch_b_campaign, tree.branch_a)).status_code == 404


def test_the_page_is_paginated_and_its_queries_do_not_grow_with_rows(
    client, tree, campaign, make_user, django_assert_max_num_queries
):
    client.force_login(make_user(tree.province, Role.COMMITTEE))
    for index in range(3):
        raise_difficulty(campaign, tree.cell_a, text=f"Khó khăn số {index}")
    client.get(url(campaign, tree.province))  # warm the session and the content types
    with django_assert_max_num_queries(12) as few:
        client.get(url(campaign, tree.province))
    for index in range(40):
        raise_difficulty(campaign, tree.cell_a2, text=f"Khó khăn thêm {index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url(campaign, tree.province))
    assert len(response.context["page"].object_list) == 25
    assert response.context["page"].paginator.count == 43


# The API ------------------------------------------------------------------------------------------


def api_url(name, campaign, org):
    return reverse(f"api:{name}", kwargs={"campaign_id": campaign.pk, "org_id": org.pk})


def test_api_lists_and_counts(client, tree, campaign, raised, make_user):
    client.force_login(make_user(tree.branch_a, Role.SUPERVISOR))
    listed = client.get(api_url("monitoring_difficulties_list", campaign, tree.branch_a))
    assert listed.status_code == 200
    body = listed.json()
    assert body["count"] == 7
    assert {item["organization"]["name"] for item in body["items"]} == {
        tree.cell_a.name,
        tree.cell_a2.name,
        tree.branch_a.name,
    }
    counts = client.get(api_url("monitoring_difficulties_counts", campaign, tree.branch_a)).json()
    assert counts["by_category"]["working_away"] == 3
    assert counts["organizations_by_category"]["working_away"] == 2
    assert counts["proposals"] == 2


def test_api_records_and_refuses_a_difficulty_without_category(client, tree, campaign, make_user):
    client.force_login(make_user(tree.cell_a, Role.SECRETARY))
    endpoint = api_url("monitoring_difficulties_create", campaign, tree.cell_a)
    created = client.post(
        endpoint,
        json.dumps({"kind": "difficulty", "category": "no_time", "text": "Công nhân tăng ca."}),
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["category"] == "no_time"
    refused = client.post(
        endpoint,
        json.dumps({"kind": "difficulty", "text": "Thiếu loại."}),
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "category" in refused.json()["errors"]
