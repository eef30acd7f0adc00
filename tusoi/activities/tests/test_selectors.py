import pytest

from tusoi.activities.models import ActivityKind
from tusoi.activities.selectors import (
    activities_of_subtree,
    activities_visible_to,
    activity_counts,
    commendations_of_subtree,
    commendations_visible_to,
)
from tusoi.activities.services import commendation_create
from tusoi.orgs.permissions import Role
from tusoi.reports.tests.conftest import make_campaign

from .conftest import make_activity, yesterday

pytestmark = pytest.mark.django_db


def test_counts_per_kind_over_the_subtree_in_one_query(tree, django_assert_num_queries):
    campaign = make_campaign(tree.province)
    make_activity(tree.cell_a, campaign=campaign, participants=30)
    make_activity(tree.cell_a2, campaign=campaign, participants=12)
    make_activity(tree.branch_a, campaign=campaign, kind=ActivityKind.GRATITUDE, participants=8)
    make_activity(tree.cell_a, kind=ActivityKind.FORUM)  # no campaign
    make_activity(tree.cell_b, campaign=campaign)  # another branch
    with django_assert_num_queries(1):
        counts = activity_counts(campaign, tree.branch_a)
    assert counts.total == 3
    assert counts.participants == 50
    assert counts.by_kind == {
        "seminar": 2,
        "forum": 0,
        "veteran_exchange": 0,
        "gratitude": 1,
        "counselling": 0,
        "other": 0,
    }
    assert activity_counts(None, tree.cell_a).by_kind["forum"] == 1
    assert [label for _k, label, _n in counts.rows()][0] == str(ActivityKind.SEMINAR.label)


def test_activities_are_seen_within_the_viewers_subtree(tree, make_user):
    mine = make_activity(tree.cell_a)
    theirs = make_activity(tree.cell_b)
    supervisor = make_user(tree.branch_a, Role.SUPERVISOR)
    member = make_user(member=tree.member_a)
    assert list(activities_visible_to(supervisor)) == [mine]
    assert not activities_visible_to(member).exists()
    admin = make_user(is_superuser=True)
    assert set(activities_visible_to(admin)) == {mine, theirs}


def test_subtree_list_filters_by_campaign_and_kind(tree, make_user):
    campaign = make_campaign(tree.province)
    seminar = make_activity(tree.cell_a, campaign=campaign)
    forum = make_activity(tree.cell_a2, kind=ActivityKind.FORUM, campaign=campaign)
    make_activity(tree.cell_a, kind=ActivityKind.FORUM)
    staff = make_user(tree.province, Role.COMMITTEE)
    rows = activities_of_subtree(staff, tree.branch_a, campaign_id=campaign.pk)
    assert set(rows) == {seminar, forum}
    assert list(activities_of_subtree(staff, tree.cell_a2, kind="forum")) == [forum]


def test_cell_secretary_sees_the_commendation_of_a_member_given_above(tree, make_user):
    given = commendation_create(
        actor=None,
        organization=tree.province,
        member=tree.member_a,
        level="province",
        reason="Đảng viên tiêu biểu",
        on=yesterday(),
    )
    secretary_a = make_user(tree.cell_a, Role.SECRETARY)
    secretary_b = make_user(tree.cell_b, Role.SECRETARY)
    assert list(commendations_visible_to(secretary_a)) == [given]
    assert not commendations_visible_to(secretary_b).exists()
    assert list(commendations_of_subtree(secretary_a, tree.cell_a)) == [given]
    assert not commendations_of_subtree(secretary_a, tree.cell_a2).exists()
