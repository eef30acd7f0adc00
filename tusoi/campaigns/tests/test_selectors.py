import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from tusoi.campaigns.selectors import (
    campaign_documents,
    campaigns_managed_by,
    campaigns_open_for_member,
    campaigns_visible_to,
)
from tusoi.campaigns.services import campaign_open, guiding_document_add
from tusoi.campaigns.tests.scope_cases import PDF
from tusoi.orgs.permissions import Role


def _doc(campaign, org, symbol):
    return guiding_document_add(
        actor=None,
        campaign=campaign,
        organization=org,
        number_symbol=symbol,
        issued_on=datetime.date(2025, 10, 1),
        issuing_body=org.name,
        summary="Kế hoạch",
        file=SimpleUploadedFile("k.pdf", PDF),
    )


def test_member_sees_province_campaign_and_own_cells_not_others(tree, make_user, new_campaign):
    province = new_campaign(tree.province, title="Tỉnh")
    own_cell = new_campaign(tree.cell_a, title="Chi bộ 1")
    other_cell = new_campaign(tree.cell_a2, title="Chi bộ 2")
    branch_b = new_campaign(tree.branch_b, title="Nhánh B")
    user = make_user(tree.cell_a, Role.MEMBER, member=tree.member_a)
    visible = set(campaigns_visible_to(user))
    assert province in visible and own_cell in visible
    assert other_cell not in visible and branch_b not in visible


def test_sibling_branch_does_not_see_branch_a_campaign(tree, make_user, new_campaign):
    campaign = new_campaign(tree.branch_a)
    user_b = make_user(tree.branch_b, Role.COMMITTEE)
    assert not campaigns_visible_to(user_b).filter(pk=campaign.pk).exists()
    assert not campaigns_visible_to(make_user()).exists()


def test_committee_of_a_sees_province_campaign_and_its_cells(tree, make_user, new_campaign):
    province = new_campaign(tree.province)
    cell = new_campaign(tree.cell_a2)
    user = make_user(tree.branch_a, Role.COMMITTEE)
    assert set(campaigns_visible_to(user)) == {province, cell}
    assert set(campaigns_managed_by(user)) == {cell}


def test_lower_committee_plans_shown_only_to_their_subtree(tree, make_user, new_campaign):
    campaign = new_campaign(tree.province)
    guide = _doc(campaign, tree.province, "06-HD/TU")
    plan_a = _doc(campaign, tree.branch_a, "02-KH/ĐU")
    plan_b = _doc(campaign, tree.branch_b, "05-KH/ĐU")
    province_staff = make_user(tree.province, Role.COMMITTEE)
    secretary_a2 = make_user(tree.cell_a2, Role.SECRETARY)
    member_b = make_user(tree.cell_b, Role.MEMBER, member=tree.member_b)
    assert list(campaign_documents(campaign, province_staff)) == [guide, plan_a, plan_b]
    assert list(campaign_documents(campaign, secretary_a2)) == [guide, plan_a]
    assert list(campaign_documents(campaign, member_b)) == [guide, plan_b]


def test_open_campaigns_for_member_only_open_ones_above_the_cell(
    tree, new_campaign, django_assert_num_queries
):
    draft = new_campaign(tree.province, title="Nháp")
    opened = campaign_open(actor=None, campaign=new_campaign(tree.province, title="Mở"))
    elsewhere = campaign_open(actor=None, campaign=new_campaign(tree.branch_b, title="B"))
    _doc(opened, tree.province, "06-HD/TU")
    _doc(opened, tree.branch_a, "02-KH/ĐU")
    _doc(opened, tree.branch_b, "05-KH/ĐU")
    member = tree.member_a
    with django_assert_num_queries(2):
        found = list(campaigns_open_for_member(member))
        symbols = [[d.number_symbol for d in c.member_documents] for c in found]
    assert found == [opened]
    assert draft not in found and elsewhere not in found
    assert symbols == [["06-HD/TU", "02-KH/ĐU"]]
