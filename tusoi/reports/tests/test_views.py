import pytest
from django.urls import reverse

from tusoi.orgs.permissions import Role
from tusoi.reports.models import Audience, ReferenceList, ReportTemplate
from tusoi.reports.models import TemplateSection as Section
from tusoi.reports.services import campaign_templates_create_defaults, template_derive

from .conftest import make_campaign

pytestmark = pytest.mark.django_db


def _ref(code):
    return ReferenceList.objects.get(code=code)


def test_reference_lists_page_counts_entered_items(client, tree, make_user):
    client.force_login(make_user(tree.cell_a, Role.SECRETARY))
    html = client.get(reverse("reports:reference_lists")).content.decode()
    assert "3 trên 27" in html
    assert "0 trên 19" in html
    assert "4 trên 4" in html


def test_reference_lists_page_needs_login(client, db):
    response = client.get(reverse("reports:reference_lists"))
    assert response.status_code == 302


def test_reference_list_page_shows_items_without_form_for_a_cell(client, tree, make_user):
    client.force_login(make_user(tree.cell_a, Role.SECRETARY))
    html = client.get(reverse("reports:reference_list", args=[_ref("manifestations-27").pk]))
    text = html.content.decode()
    assert "Phai nhạt lý tưởng cách mạng" in text
    assert 'name="text"' not in text


def test_root_committee_pastes_the_missing_items(client, tree, make_user):
    client.force_login(make_user(tree.province, Role.COMMITTEE))
    ref = _ref("prohibitions-19")
    url = reverse("reports:reference_list", args=[ref.pk])
    assert 'name="text"' in client.get(url).content.decode()
    response = client.post(url, {"text": "Điều 1. Thứ nhất\nĐiều 2. Thứ hai"})
    assert response.status_code == 302
    assert list(ref.items.values_list("code", flat=True)) == ["1", "2"]


def test_bad_paste_shows_the_line_and_keeps_the_text(client, tree, make_user):
    client.force_login(make_user(tree.province, Role.COMMITTEE))
    ref = _ref("prohibitions-19")
    url = reverse("reports:reference_list", args=[ref.pk])
    response = client.post(url, {"text": "1. Một\nkhông đánh số"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dòng 2" in html
    assert "không đánh số" in html
    assert ref.items.count() == 0


@pytest.mark.parametrize("org_name", ["branch_a", "cell_a"])
def test_lower_committee_cannot_paste_into_national_lists(client, tree, make_user, org_name):
    client.force_login(make_user(getattr(tree, org_name), Role.COMMITTEE))
    ref = _ref("prohibitions-19")
    response = client.post(reverse("reports:reference_list", args=[ref.pk]), {"text": "1. X"})
    assert response.status_code in (403, 404)
    assert ref.items.count() == 0


def test_superuser_may_paste(client, tree, make_user):
    client.force_login(make_user(is_superuser=True))
    ref = _ref("prohibitions-19")
    client.post(reverse("reports:reference_list", args=[ref.pk]), {"text": "3) Ba"})
    assert ref.items.filter(code="3").exists()


@pytest.fixture
def province_templates(tree):
    campaign = make_campaign(tree.province)
    return {
        t.audience: t for t in campaign_templates_create_defaults(actor=None, campaign=campaign)
    }


def test_cell_secretary_sees_the_province_templates(client, tree, make_user, province_templates):
    client.force_login(make_user(tree.cell_a, Role.SECRETARY))
    campaign_id = province_templates[Audience.MEMBER].campaign_id
    html = client.get(reverse("reports:templates", args=[campaign_id])).content.decode()
    for template in province_templates.values():
        assert template.title in html


def test_template_page_shows_effective_sections_and_edit_only_to_editors(
    client, tree, make_user, province_templates
):
    template = province_templates[Audience.LEADER]
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    html = client.get(reverse("reports:template", args=[template.pk])).content.decode()
    assert "Việc thực hiện lời hứa khi được bổ nhiệm" in html
    assert reverse("reports:section_edit", args=[template.pk, "loi-hua"]) not in html
    # Branch A may derive its own variant, for itself or its cells.
    assert f'value="{tree.branch_a.pk}"' in html
    assert f'value="{tree.branch_b.pk}"' not in html


def test_branch_derives_and_edits_its_variant(client, tree, make_user, province_templates):
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    base = province_templates[Audience.MEMBER]
    response = client.post(
        reverse("reports:template_derive", args=[base.pk]), {"org": tree.branch_a.pk}
    )
    variant = ReportTemplate.objects.get(derived_from=base, organization=tree.branch_a)
    assert response["Location"] == reverse("reports:template", args=[variant.pk])
    url = reverse("reports:section_edit", args=[variant.pk, "uu-diem"])
    response = client.post(
        url, {"heading": "Ưu điểm của tôi", "guidance": "", "min_chars": 0, "max_chars": 4000}
    )
    assert response.status_code == 302
    own = variant.sections.get(key="uu-diem")
    assert (own.heading, own.required, own.max_chars) == ("Ưu điểm của tôi", False, 4000)
    assert base.sections.get(key="uu-diem").heading == "Ưu điểm"


def test_branch_cannot_edit_the_province_template(client, tree, make_user, province_templates):
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    base = province_templates[Audience.MEMBER]
    response = client.get(reverse("reports:section_edit", args=[base.pk, "uu-diem"]))
    assert response.status_code == 404


def test_derive_into_a_sibling_branch_is_not_found(client, tree, make_user, province_templates):
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    base = province_templates[Audience.MEMBER]
    response = client.post(
        reverse("reports:template_derive", args=[base.pk]), {"org": tree.branch_b.pk}
    )
    assert response.status_code == 404
    assert not ReportTemplate.objects.filter(derived_from=base).exists()


def test_section_edit_refuses_max_below_min(client, tree, make_user, province_templates):
    client.force_login(make_user(tree.province, Role.COMMITTEE))
    base = province_templates[Audience.MEMBER]
    response = client.post(
        reverse("reports:section_edit", args=[base.pk, "uu-diem"]),
        {"heading": "Ưu điểm", "min_chars": 500, "max_chars": 10},
    )
    assert response.status_code == 200
    assert "thấp hơn" in response.content.decode()
    assert base.sections.get(key="uu-diem").max_chars == 20000


def test_print_form_has_boxes_for_items_and_lines_for_text(
    client, tree, make_user, province_templates
):
    client.force_login(make_user(tree.cell_a, Role.SECRETARY))
    template = province_templates[Audience.RETIRED]
    html = client.get(reverse("reports:template_print", args=[template.pk])).content.decode()
    assert "reports/print.css" in html
    assert html.count("☐") == 2 * (4 + 3)  # Article 2 duties + the verified manifestations
    assert 'class="write-line"' in html
    assert "Tôi đã giữ lời thề đảng viên thế nào" in html


def test_section_text_is_escaped(client, tree, make_user, province_templates):
    base = province_templates[Audience.MEMBER]
    base.sections.filter(key="uu-diem").update(heading="<script>alert(1)</script>")
    client.force_login(make_user(tree.province, Role.COMMITTEE))
    html = client.get(reverse("reports:template", args=[base.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def _grow(template, n):
    ref = _ref("manifestations-27")
    Section.objects.filter(template=template).delete()
    Section.objects.bulk_create(
        Section(
            template=template,
            key=f"muc-{i}",
            kind=Section.Kind.CHECKLIST if i % 2 else Section.Kind.TEXT,
            reference_list=ref if i % 2 else None,
            heading=f"Mục {i}",
            position=i,
        )
        for i in range(n)
    )


@pytest.mark.parametrize("url_name", ["reports:template", "reports:template_print"])
def test_template_pages_do_not_grow_queries_with_sections(
    client, tree, make_user, province_templates, django_assert_max_num_queries, url_name
):
    base = province_templates[Audience.MEMBER]
    variant = template_derive(actor=None, template=base, organization=tree.branch_a)
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    url = reverse(url_name, args=[variant.pk])
    _grow(base, 5)
    client.get(url)
    with django_assert_max_num_queries(12) as five:
        assert client.get(url).status_code == 200
    _grow(base, 20)
    with django_assert_max_num_queries(len(five.captured_queries)):
        assert client.get(url).status_code == 200


def test_templates_list_does_not_grow_queries(
    client, tree, make_user, django_assert_max_num_queries
):
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    campaign = make_campaign(tree.province)
    url = reverse("reports:templates", args=[campaign.pk])
    campaign_templates_create_defaults(actor=None, campaign=campaign)
    client.get(url)
    with django_assert_max_num_queries(10) as few:
        client.get(url)
    base = ReportTemplate.objects.get(campaign=campaign, audience=Audience.MEMBER)
    for org in (tree.branch_a, tree.cell_a, tree.cell_a2):
        template_derive(actor=None, template=base, organization=org)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count('<span class="badge info">mẫu riêng</span>') == 3


def test_derive_choices_leave_out_organisations_that_have_a_variant(
    client, tree, make_user, province_templates
):
    base = province_templates[Audience.MEMBER]
    template_derive(actor=None, template=base, organization=tree.cell_a)
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    html = client.get(reverse("reports:template", args=[base.pk])).content.decode()
    assert f'value="{tree.cell_a.pk}"' not in html
    assert f'value="{tree.cell_a2.pk}"' in html


def test_issuing_committee_creates_the_default_templates_from_the_templates_page(
    client, tree, make_user
):
    from django.urls import reverse

    from tusoi.orgs.permissions import Role
    from tusoi.reports.models import ReportTemplate
    from tusoi.reports.tests.conftest import make_campaign

    campaign = make_campaign(tree.branch_a, title="Đợt mới của phường")
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    page = client.get(reverse("reports:templates", args=[campaign.pk])).content.decode()
    assert reverse("reports:templates_defaults", args=[campaign.pk]) in page
    response = client.post(reverse("reports:templates_defaults", args=[campaign.pk]))
    assert response.status_code == 302
    assert ReportTemplate.objects.filter(campaign=campaign).count() == 5
    page = client.get(reverse("reports:templates", args=[campaign.pk])).content.decode()
    assert reverse("reports:templates_defaults", args=[campaign.pk]) not in page


def test_a_secretary_cannot_create_a_campaigns_templates(client, tree, make_user):
    from django.urls import reverse

    from tusoi.orgs.permissions import Role
    from tusoi.reports.models import ReportTemplate
    from tusoi.reports.tests.conftest import make_campaign

    campaign = make_campaign(tree.branch_a, title="Đợt mới của phường")
    client.force_login(make_user(tree.cell_a, Role.SECRETARY))
    response = client.post(reverse("reports:templates_defaults", args=[campaign.pk]))
    assert response.status_code == 404
    assert not ReportTemplate.objects.filter(campaign=campaign).exists()


def test_campaign_page_links_to_its_report_templates(client, tree, make_user):
    from django.urls import reverse

    from tusoi.orgs.permissions import Role
    from tusoi.reports.tests.conftest import make_campaign

    campaign = make_campaign(tree.branch_a, title="Đợt mới của phường")
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    page = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert reverse("reports:templates", args=[campaign.pk]) in page
