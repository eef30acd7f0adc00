import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tusoi.campaigns.services import guiding_document_add
from tusoi.campaigns.tests.scope_cases import PDF
from tusoi.orgs.permissions import Role


def test_list_returns_only_campaigns_in_scope(client, tree, make_user, new_campaign):
    province = new_campaign(tree.province, title="Tỉnh")
    a = new_campaign(tree.branch_a, title="A")
    new_campaign(tree.branch_b, title="B")
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    body = client.get(reverse("api:campaigns_list")).json()
    assert body["count"] == 2
    assert {item["id"] for item in body["items"]} == {province.pk, a.pk}
    assert body["items"][0]["due_on"] == "2025-12-31"


def test_sibling_list_holds_nothing_of_branch_a(client, tree, make_user, new_campaign):
    new_campaign(tree.branch_a)
    client.force_login(make_user(tree.branch_b, Role.COMMITTEE))
    assert client.get(reverse("api:campaigns_list")).json()["count"] == 0


def test_detail_has_documents_and_directives(client, tree, make_user, new_campaign):
    campaign = new_campaign(tree.province, directives="Chỉ thị 28\nQuy định 144")
    guiding_document_add(
        actor=None,
        campaign=campaign,
        organization=tree.branch_b,
        number_symbol="05-KH/ĐU",
        issued_on=datetime.date(2025, 10, 1),
        issuing_body="Đảng ủy xã",
        summary="Kế hoạch B",
        file=SimpleUploadedFile("k.pdf", PDF),
    )
    guiding_document_add(
        actor=None,
        campaign=campaign,
        organization=tree.province,
        number_symbol="06-HD/TU",
        issued_on=datetime.date(2025, 10, 1),
        issuing_body="Tỉnh ủy",
        summary="Hướng dẫn",
    )
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    body = client.get(reverse("api:campaigns_detail", kwargs={"id": campaign.pk})).json()
    assert body["directives"] == ["Chỉ thị 28", "Quy định 144"]
    assert [d["number_symbol"] for d in body["documents"]] == ["06-HD/TU"]
    assert body["documents"][0]["download_url"] is None


def test_detail_outside_scope_is_404(client, tree, make_user, new_campaign):
    campaign = new_campaign(tree.branch_a)
    client.force_login(make_user(tree.branch_b, Role.COMMITTEE))
    response = client.get(reverse("api:campaigns_detail", kwargs={"id": campaign.pk}))
    assert response.status_code == 404


def test_list_query_count_does_not_grow(
    client, tree, make_user, new_campaign, django_assert_max_num_queries
):
    client.force_login(make_user(tree.province, Role.COMMITTEE))
    for rows in (3, 20):
        while client.get(reverse("api:campaigns_list")).json()["count"] < rows:
            new_campaign(tree.branch_a)
        with django_assert_max_num_queries(6):
            body = client.get(reverse("api:campaigns_list")).json()
        assert len(body["items"]) == rows
