import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tusoi.members.models import LifeSituation
from tusoi.orgs.permissions import Role
from tusoi.reports.models import Audience, ReferenceList, ReportTemplate
from tusoi.reports.models import TemplateSection as Section
from tusoi.reports.selectors import template_effective_sections, template_for
from tusoi.reports.services import (
    campaign_templates_create_defaults,
    section_add,
    section_override,
    section_remove,
    template_derive,
)
from tusoi.testing.factories import make_member

from .conftest import make_campaign


def _keys(template):
    return [s.key for s in template_effective_sections(template)]


def _defaults(campaign):
    return {
        t.audience: t for t in campaign_templates_create_defaults(actor=None, campaign=campaign)
    }


def test_defaults_make_one_template_per_audience(campaign):
    templates = _defaults(campaign)
    assert set(templates) == set(Audience.values)
    assert all(t.organization == campaign.organization for t in templates.values())


def test_defaults_are_not_duplicated_when_run_again(campaign):
    _defaults(campaign)
    assert campaign_templates_create_defaults(actor=None, campaign=campaign) == []
    assert ReportTemplate.objects.filter(campaign=campaign).count() == len(Audience.values)


def test_member_template_has_the_three_checklists_and_a_plan(campaign):
    member = _defaults(campaign)[Audience.MEMBER]
    checklists = {
        s.key: s.reference_list.code
        for s in template_effective_sections(member)
        if s.kind == Section.Kind.CHECKLIST
    }
    assert checklists == {
        "dieu-2": "article2-duties",
        "bieu-hien-27": "manifestations-27",
        "dieu-cam-19": "prohibitions-19",
    }
    keys = _keys(member)
    assert keys[0] == "loi-the" and keys[-1] == "ke-hoach"
    assert template_effective_sections(member)[-1].kind == Section.Kind.COMMITMENTS
    assert "loi-hua" not in keys


def test_leader_template_adds_promises_and_leadership_remedies(campaign):
    templates = _defaults(campaign)
    leader = set(_keys(templates[Audience.LEADER]))
    member = set(_keys(templates[Audience.MEMBER]))
    assert leader - member == {"loi-hua", "giai-phap-lanh-dao"}


@pytest.mark.parametrize(
    "audience", [Audience.RETIRED, Audience.NON_STATE_WORKER, Audience.FREE_LABOURER]
)
def test_life_situation_templates_are_shorter_with_their_own_guidance(campaign, audience):
    templates = _defaults(campaign)
    simple = template_effective_sections(templates[audience])
    full = template_effective_sections(templates[Audience.MEMBER])
    assert len(simple) < len(full)
    assert {"dieu-2", "bieu-hien-27", "dieu-cam-19", "ke-hoach"} <= {s.key for s in simple}
    assert max(s.min_chars for s in simple) < max(s.min_chars for s in full)
    others = {
        template_effective_sections(t)[0].guidance for a, t in templates.items() if a != audience
    }
    assert simple[0].guidance not in others


@pytest.fixture
def base(tree):
    campaign = make_campaign(tree.province)
    return _defaults(campaign)[Audience.MEMBER]


def test_variant_starts_with_the_parents_sections(tree, base):
    variant = template_derive(actor=None, template=base, organization=tree.branch_a)
    assert variant.derived_from == base
    assert variant.sections.count() == 0
    assert _keys(variant) == _keys(base)
    assert all(s.inherited for s in template_effective_sections(variant))


def test_override_replaces_only_in_the_variant(tree, base):
    variant = template_derive(actor=None, template=base, organization=tree.branch_a)
    section_override(actor=None, template=variant, key="uu-diem", heading="Ưu điểm nổi bật")
    headings = {s.key: s.heading for s in template_effective_sections(variant)}
    assert headings["uu-diem"] == "Ưu điểm nổi bật"
    assert {s.key: s.heading for s in template_effective_sections(base)}["uu-diem"] == "Ưu điểm"
    assert _keys(variant) == _keys(base)


def test_add_places_section_after_the_anchor(tree, base):
    variant = template_derive(actor=None, template=base, organization=tree.branch_a)
    added = section_add(
        actor=None, template=variant, heading="Việc tham gia xây dựng khu phố", after_key="loi-the"
    )
    keys = _keys(variant)
    assert keys.index(added.key) == keys.index("loi-the") + 1
    assert added.key not in _keys(base)


def test_remove_hides_the_parents_section(tree, base):
    variant = template_derive(actor=None, template=base, organization=tree.branch_a)
    section_remove(actor=None, template=variant, key="nguyen-nhan")
    assert "nguyen-nhan" not in _keys(variant)
    assert "nguyen-nhan" in _keys(base)


def test_chain_of_two_levels_combines_both_variants(tree, base):
    branch = template_derive(actor=None, template=base, organization=tree.branch_a)
    section_override(actor=None, template=branch, key="uu-diem", heading="Ưu điểm (phường)")
    section_remove(actor=None, template=branch, key="nguyen-nhan")
    cell = template_derive(actor=None, template=branch, organization=tree.cell_a)
    section_add(actor=None, template=cell, heading="Việc ở khu phố")
    section_override(actor=None, template=cell, key="han-che", required=False)
    sections = {s.key: s for s in template_effective_sections(cell)}
    assert sections["uu-diem"].heading == "Ưu điểm (phường)"
    assert "nguyen-nhan" not in sections
    assert sections["han-che"].required is False
    assert list(sections)[-1] == "viec-o-khu-pho"


def test_checklist_needs_a_list_when_added(tree, base):
    variant = template_derive(actor=None, template=base, organization=tree.branch_a)
    with pytest.raises(ValidationError):
        section_add(actor=None, template=variant, heading="Danh mục", kind=Section.Kind.CHECKLIST)
    ok = section_add(
        actor=None,
        template=variant,
        heading="Danh mục",
        kind=Section.Kind.CHECKLIST,
        reference_list=ReferenceList.objects.get(code="article2-duties"),
    )
    assert ok.reference_list.code == "article2-duties"


def test_override_refuses_max_below_min(tree, base):
    variant = template_derive(actor=None, template=base, organization=tree.branch_a)
    with pytest.raises(ValidationError):
        section_override(actor=None, template=variant, key="uu-diem", min_chars=500, max_chars=10)
    assert variant.sections.count() == 0


def test_derive_refuses_an_organisation_outside_the_subtree(tree):
    campaign = make_campaign(tree.branch_a)
    base = _defaults(campaign)[Audience.MEMBER]
    with pytest.raises(ValidationError):
        template_derive(actor=None, template=base, organization=tree.cell_b)
    with pytest.raises(ValidationError):
        template_derive(actor=None, template=base, organization=tree.branch_a)


def test_derive_needs_edit_rights_on_the_lower_organisation(tree, base, make_user):
    outsider = make_user(tree.branch_b, Role.COMMITTEE)
    with pytest.raises(PermissionDenied):
        template_derive(actor=outsider, template=base, organization=tree.branch_a)
    insider = make_user(tree.branch_a, Role.COMMITTEE)
    assert template_derive(actor=insider, template=base, organization=tree.branch_a).pk


def test_derive_refuses_a_second_variant_for_the_same_organisation(tree, base):
    template_derive(actor=None, template=base, organization=tree.branch_a)
    with pytest.raises(ValidationError):
        template_derive(actor=None, template=base, organization=tree.branch_a)


# template_for ---------------------------------------------------------------------------------


def test_leader_gets_the_leader_template(tree, campaign):
    templates = _defaults(campaign)
    leader = make_member(tree.cell_a, "Phạm Văn Đức", is_leader=True)
    assert template_for(leader, campaign) == templates[Audience.LEADER]


def test_retired_member_gets_the_retired_template(tree, campaign):
    templates = _defaults(campaign)
    retired = make_member(tree.cell_a, "Hoàng Thị Em", life_situation=LifeSituation.RETIRED)
    assert template_for(retired, campaign) == templates[Audience.RETIRED]


def test_ordinary_member_gets_the_member_template(tree, campaign):
    templates = _defaults(campaign)
    assert template_for(tree.member_a, campaign) == templates[Audience.MEMBER]


def test_falls_back_to_member_template_without_a_specific_one(tree, campaign):
    member_template = ReportTemplate.objects.create(
        campaign=campaign, organization=tree.province, audience=Audience.MEMBER, title="Chung"
    )
    worker = make_member(tree.cell_a, "Vũ Văn Giang", life_situation=LifeSituation.FREE_LABOURER)
    assert template_for(worker, campaign) == member_template


def test_deepest_organisation_wins(tree, campaign, django_assert_max_num_queries):
    base = _defaults(campaign)[Audience.MEMBER]
    branch = template_derive(actor=None, template=base, organization=tree.branch_a)
    assert template_for(tree.member_a, campaign) == branch
    assert template_for(tree.member_b, campaign) == base
    member = type(tree.member_a).objects.select_related("cell").get(pk=tree.member_a.pk)
    with django_assert_max_num_queries(1):
        template_for(member, campaign)


def test_no_template_at_all_gives_none(tree, campaign):
    assert template_for(tree.member_a, campaign) is None
