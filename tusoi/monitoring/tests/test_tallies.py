"""The per-cell tallies: built in bulk when a campaign opens or on first read, kept by the
writers' events in their own transaction, summed by tree prefix in a fixed number of queries,
frozen while a campaign is closed and rebuilt when it reopens."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from tusoi.campaigns.models import Campaign, CampaignStatus
from tusoi.campaigns.services import campaign_close, campaign_open, campaign_reopen
from tusoi.core import events
from tusoi.members import imports
from tusoi.members.models import ChangeKind, Member
from tusoi.members.tests.test_imports import make_table, person
from tusoi.monitoring.figures import Figures, dashboard, recount
from tusoi.monitoring.models import CellTally, TallyState
from tusoi.monitoring.tallies import on_cells_changed, tallies_build
from tusoi.monitoring.tests.test_figures import change, figures_of, submit
from tusoi.orgs.services import organization_move, organization_update
from tusoi.reports.services import campaign_templates_create_defaults
from tusoi.reports.tests.conftest import make_open_campaign
from tusoi.testing.factories import kind, make_member, make_org

pytestmark = pytest.mark.django_db


def draft_campaign(org) -> Campaign:
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        organization=org,
        title="Đợt sinh hoạt chính trị",
        theme="Tự soi, tự sửa",
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=30),
        status=CampaignStatus.DRAFT,
    )
    campaign_templates_create_defaults(actor=None, campaign=campaign)
    return campaign


def test_an_unknown_event_is_refused_on_both_sides():
    with pytest.raises(ValueError, match="unknown event"):
        events.publish("cell_changed", cell_ids=[1])
    with pytest.raises(ValueError, match="unknown event"):
        events.subscribe("cell_changed", lambda **kw: None)


def test_opening_a_campaign_builds_one_row_per_cell_and_none_for_committees(tree):
    campaign = draft_campaign(tree.province)
    empty = make_org("Chi bộ chưa có ai", parent=tree.branch_b)
    campaign_open(actor=None, campaign=campaign)
    assert TallyState.objects.filter(campaign=campaign).exists()
    rows = dict(CellTally.objects.filter(campaign=campaign).values_list("cell_id", "path"))
    assert rows == {cell.pk: cell.path for cell in (tree.cell_a, tree.cell_a2, tree.cell_b, empty)}
    assert figures_of(campaign, tree.province).cells == 4


def test_a_cell_created_or_unmade_while_open_is_counted_at_once(tree):
    campaign = make_open_campaign(tree.province)
    dashboard(campaign, tree.province)
    new = make_org("Chi bộ mới", parent=tree.branch_a)
    assert figures_of(campaign, tree.province).cells == 4
    organization_update(
        actor=None, org=new, name=new.name, code=new.code, kind=kind("dang-uy-tren-co-so")
    )
    assert figures_of(campaign, tree.province).cells == 3


def test_a_campaign_opened_by_a_seed_is_built_on_first_read(tree):
    campaign = make_open_campaign(tree.province)
    assert not TallyState.objects.filter(campaign=campaign).exists()
    figures, _rows = dashboard(campaign, tree.province)
    assert figures.members_in_scope == 3
    assert TallyState.objects.filter(campaign=campaign).exists()


def test_a_draft_campaign_is_recounted_and_gets_no_tallies(tree):
    campaign = draft_campaign(tree.province)
    assert dashboard(campaign, tree.province) == recount(campaign, tree.province)
    assert not TallyState.objects.filter(campaign=campaign).exists()


def test_a_dashboard_is_three_queries_whatever_the_size_of_the_tree(
    tree, django_assert_num_queries
):
    campaign = make_open_campaign(tree.province)
    dashboard(campaign, tree.province)
    for n in range(5):
        cell = make_org(f"Chi bộ số {n}", parent=tree.branch_b)
        make_member(cell, f"Đảng viên {n}")
    with django_assert_num_queries(3):  # built yet? + the sums by child + the children
        dashboard(campaign, tree.province)


def test_a_change_updates_only_the_cells_it_touches_in_the_same_transaction(tree):
    campaign = make_open_campaign(tree.province)
    dashboard(campaign, tree.province)
    before = dict(CellTally.objects.values_list("cell_id", "members_in_scope"))
    with transaction.atomic():
        make_member(tree.cell_b, "Ngô Thị Mới")
        inside = CellTally.objects.get(campaign=campaign, cell=tree.cell_b)
        assert inside.members_in_scope == before[tree.cell_b.pk] + 1
        transaction.set_rollback(True)
    assert dict(CellTally.objects.values_list("cell_id", "members_in_scope")) == before


def test_tallies_never_exist_for_committees_so_the_root_is_never_a_hot_row(tree):
    campaign = make_open_campaign(tree.province)
    dashboard(campaign, tree.province)
    submit(campaign, tree.member_a)
    change(tree.member_b, ChangeKind.MOVED, to_cell=tree.cell_a)
    assert not CellTally.objects.filter(cell__kind__is_cell=False).exists()


def test_a_subtree_moved_into_a_branch_campaign_is_counted_there(tree):
    campaign = make_open_campaign(tree.branch_a)
    assert figures_of(campaign, tree.branch_a).members_in_scope == 2
    organization_move(actor=None, org=tree.branch_b, new_parent=tree.branch_a)
    tree.branch_a.refresh_from_db()
    figures = figures_of(campaign, tree.branch_a)
    assert (figures.members_in_scope, figures.cells) == (3, 3)
    organization_move(actor=None, org=tree.branch_b, new_parent=tree.province)
    assert figures_of(campaign, tree.branch_a).members_in_scope == 2


def test_a_bulk_write_announced_for_a_subtree_is_recounted(tree):
    campaign = make_open_campaign(tree.province)
    dashboard(campaign, tree.province)
    # Raw rows, as an import writes them, then the one event it publishes.
    raw = Member.objects.get(pk=tree.member_b.pk)
    raw.pk, raw.card_number, raw.citizen_id = None, "99999999", ""
    Member.objects.bulk_create([raw])
    assert dashboard(campaign, tree.branch_b)[0].members_in_scope == 1  # not told yet
    with transaction.atomic():
        events.publish("subtree_changed", path=tree.branch_b.path)
    assert figures_of(campaign, tree.branch_b).members_in_scope == 2


def test_a_closed_campaign_keeps_its_figures_as_they_were_at_closing(tree):
    campaign = make_open_campaign(tree.province)
    submit(campaign, tree.member_a)
    at_closing = figures_of(campaign, tree.province)
    campaign = campaign_close(actor=None, campaign=campaign)
    make_member(tree.cell_a, "Đến sau khi đóng")
    assert dashboard(campaign, tree.province)[0] == at_closing
    assert recount(campaign, tree.province)[0].members_in_scope == at_closing.members_in_scope + 1
    campaign = campaign_reopen(actor=None, campaign=campaign, reason="Bổ sung báo cáo.")
    assert figures_of(campaign, tree.province).members_in_scope == at_closing.members_in_scope + 1


def test_a_writer_with_no_open_campaign_pays_one_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        on_cells_changed(cell_ids=[tree.cell_a.pk])


def test_building_twice_keeps_the_first_build_unless_asked_to_rebuild(tree):
    campaign = make_open_campaign(tree.province)
    assert tallies_build(campaign) is True
    assert tallies_build(campaign) is False
    CellTally.objects.filter(campaign=campaign).update(members_in_scope=99)
    assert tallies_build(campaign, rebuild=True) is True
    assert dashboard(campaign, tree.cell_a)[0].members_in_scope == 1
    assert dashboard(campaign, tree.branch_b)[0] == Figures(members_in_scope=1, cells=1)


def test_a_member_import_is_counted_in_the_cells_it_wrote(tree):
    campaign = make_open_campaign(tree.province)
    dashboard(campaign, tree.province)
    plan = imports.validate(
        make_table(
            person(),
            person(card_number="81000002", full_name="Đỗ Văn Đạt", gender="Nam", is_leader="có"),
            person(card_number="81000003", full_name="Lý Thị Ba", cell_code="A2"),
        ),
        root=tree.branch_a,
        actor=None,
    )
    assert plan.errors == []
    with transaction.atomic():
        imports.apply(plan, actor=None)
    figures = figures_of(campaign, tree.branch_a)
    assert (figures.members_in_scope, figures.leaders_in_scope) == (5, 1)
    assert figures_of(campaign, tree.cell_a).members_in_scope == 3


def test_a_closed_campaigns_frozen_figures_follow_a_subtree_move(tree):
    campaign = make_open_campaign(tree.province)
    submit(campaign, tree.member_b)
    campaign = campaign_close(actor=None, campaign=campaign)
    organization_move(actor=None, org=tree.branch_b, new_parent=tree.branch_a)
    tree.branch_a.refresh_from_db()
    figures = dashboard(campaign, tree.branch_a)[0]
    assert (figures.cells, figures.members_in_scope, figures.reports_counted) == (3, 3, 1)
    assert dashboard(campaign, tree.province)[0] == recount(campaign, tree.province)[0]
