import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tusoi.campaigns.models import Campaign, CampaignStatus, GuidingDocument
from tusoi.campaigns.services import campaign_close, campaign_open, guiding_document_add
from tusoi.campaigns.tests.scope_cases import PDF
from tusoi.orgs.permissions import Role


@pytest.fixture
def committee_a(client, tree, make_user):
    user = make_user(tree.branch_a, Role.COMMITTEE)
    client.force_login(user)
    return user


def _form(**overrides):
    data = {
        "title": "Tự phê bình 2025",
        "theme": "Phòng, chống suy thoái",
        "starts_on": "01/11/2025",
        "ends_on": "31/12/2025",
        "report_due_on": "15/12/2025",
        "directives": "Chỉ thị số 28-CT/TW\nQuy định số 144-QĐ/TW",
        "copy_threshold": "0.5",
    }
    data.update(overrides)
    return data


def test_committee_creates_campaign_from_form(client, tree, committee_a):
    url = reverse("campaigns:create") + f"?org={tree.branch_a.pk}"
    response = client.post(url, _form())
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:detail", args=[campaign.pk])
    assert campaign.organization == tree.branch_a
    assert campaign.report_due_on == datetime.date(2025, 12, 15)
    page = client.get(response["Location"]).content.decode()
    assert "01/11/2025" in page and "15/12/2025" in page
    assert "Quy định số 144-QĐ/TW" in page


def test_create_form_shows_errors_and_saves_nothing(client, tree, committee_a):
    url = reverse("campaigns:create") + f"?org={tree.branch_a.pk}"
    response = client.post(url, _form(ends_on="01/10/2025", title=""))
    assert response.status_code == 200
    assert not Campaign.objects.exists()
    assert response.context["form"].errors["ends_on"]
    assert response.context["form"].errors["title"]


def test_create_for_sibling_branch_is_404(client, tree, committee_a):
    url = reverse("campaigns:create") + f"?org={tree.branch_b.pk}"
    assert client.post(url, _form()).status_code == 404
    assert client.get(reverse("campaigns:create")).status_code == 404


def test_list_filters_by_status_and_hides_sibling_campaigns(client, tree, make_user, new_campaign):
    opened = campaign_open(actor=None, campaign=new_campaign(tree.branch_a, title="Đợt mở"))
    new_campaign(tree.branch_a, title="Đợt nháp")
    new_campaign(tree.branch_b, title="Đợt của B")
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    page = client.get(reverse("campaigns:list")).content.decode()
    assert "Đợt mở" in page and "Đợt nháp" in page and "Đợt của B" not in page
    response = client.get(reverse("campaigns:list"), {"status": "open"})
    assert list(response.context["campaigns"]) == [opened]


def test_title_is_escaped(client, tree, committee_a, new_campaign):
    campaign = new_campaign(tree.branch_a, title="<script>alert(1)</script>")
    page = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_edit_with_stale_version_is_refused(client, tree, committee_a, new_campaign):
    campaign = new_campaign(tree.branch_a)
    url = reverse("campaigns:edit", args=[campaign.pk])
    assert client.post(url, _form(title="Một", version=1)).status_code == 302
    response = client.post(url, _form(title="Hai", version=1))
    assert response.status_code == 200
    assert "Người khác đã sửa đợt sinh hoạt này" in str(response.context["form"].errors)
    campaign.refresh_from_db()
    assert campaign.title == "Một"


def test_status_buttons_open_close_and_reopen_with_reason(client, tree, committee_a, new_campaign):
    campaign = new_campaign(tree.branch_a)
    url = reverse("campaigns:status", args=[campaign.pk])
    client.post(url, {"action": "open"})
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN
    client.post(url, {"action": "close"})
    response = client.post(url, {"action": "reopen", "reason": ""}, follow=True)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    assert "Nhập lý do mở lại đợt sinh hoạt." in response.content.decode()
    client.post(url, {"action": "reopen", "reason": "Họp bổ sung"})
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN


def test_lower_committee_cannot_change_province_campaign_status(
    client, tree, committee_a, new_campaign
):
    campaign = new_campaign(tree.province)
    assert client.get(reverse("campaigns:detail", args=[campaign.pk])).status_code == 200
    response = client.post(reverse("campaigns:status", args=[campaign.pk]), {"action": "open"})
    assert response.status_code == 404
    assert client.get(reverse("campaigns:edit", args=[campaign.pk])).status_code == 404


def test_lower_committee_attaches_plan_by_upload(client, tree, committee_a, new_campaign):
    campaign = new_campaign(tree.province)
    url = reverse("campaigns:document_add", args=[campaign.pk]) + f"?org={tree.branch_a.pk}"
    data = {
        "number_symbol": "02-KH/ĐU",
        "issued_on": "20/10/2025",
        "issuing_body": "Đảng ủy phường An Bình",
        "summary": "Kế hoạch thực hiện",
        "file": SimpleUploadedFile("kh.pdf", PDF, content_type="application/pdf"),
    }
    assert client.post(url, data).status_code == 302
    document = GuidingDocument.objects.get()
    assert document.organization == tree.branch_a
    download = client.get(reverse("campaigns:document_download", args=[document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]


def test_fake_pdf_upload_is_refused_in_page(client, tree, committee_a, new_campaign):
    campaign = new_campaign(tree.branch_a)
    url = reverse("campaigns:document_add", args=[campaign.pk])
    data = {
        "number_symbol": "02-KH/ĐU",
        "issued_on": "20/10/2025",
        "issuing_body": "Đảng ủy",
        "summary": "Kế hoạch",
        "file": SimpleUploadedFile("kh.pdf", b"MZ\x90\x00 not a pdf"),
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not GuidingDocument.objects.exists()


def test_committee_cannot_attach_for_sibling_org(client, tree, committee_a, new_campaign):
    campaign = new_campaign(tree.province)
    url = reverse("campaigns:document_add", args=[campaign.pk]) + f"?org={tree.branch_b.pk}"
    assert client.get(url).status_code == 404


def test_member_home_shows_open_campaign_with_documents(client, tree, make_user, new_campaign):
    campaign = campaign_open(
        actor=None,
        campaign=new_campaign(
            tree.province, title="Đợt tỉnh", report_due_on=datetime.date(2025, 12, 20)
        ),
    )
    new_campaign(tree.province, title="Đợt nháp")
    guiding_document_add(
        actor=None,
        campaign=campaign,
        organization=tree.province,
        number_symbol="06-HD/TU",
        issued_on=datetime.date(2025, 10, 15),
        issuing_body="Tỉnh ủy",
        summary="Hướng dẫn",
        file=SimpleUploadedFile("hd.pdf", PDF),
    )
    client.force_login(make_user(tree.cell_a, Role.MEMBER, member=tree.member_a))
    page = client.get(reverse("core:home")).content.decode()
    assert "Đợt tỉnh" in page and "Đợt nháp" not in page
    assert "06-HD/TU" in page and "20/12/2025" in page
    assert reverse("campaigns:document_download", args=[campaign.documents.get().pk]) in page


def test_closed_campaign_not_on_member_home(client, tree, make_user, new_campaign):
    campaign = campaign_open(actor=None, campaign=new_campaign(tree.province, title="Đợt cũ"))
    campaign_close(actor=None, campaign=campaign)
    client.force_login(make_user(tree.cell_a, Role.MEMBER, member=tree.member_a))
    assert "Đợt cũ" not in client.get(reverse("core:home")).content.decode()


def test_org_page_lists_its_campaigns_and_new_link(client, tree, committee_a, new_campaign):
    new_campaign(tree.branch_a, title="Đợt của phường")
    page = client.get(reverse("orgs:detail", args=[tree.branch_a.pk])).content.decode()
    assert "Đợt của phường" in page
    assert reverse("campaigns:create") + f"?org={tree.branch_a.pk}" in page


@pytest.mark.parametrize("rows", [3, 20])
def test_list_query_count_does_not_grow(
    client, tree, committee_a, new_campaign, django_assert_max_num_queries, rows
):
    for n in range(rows):
        new_campaign(tree.branch_a if n % 2 else tree.province, title=f"Đợt {n}")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("campaigns:list"))
    assert len(response.context["campaigns"]) == rows
