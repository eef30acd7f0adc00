import pytest
from django.urls import reverse

from tusoi.activities.models import Activity, ActivityAttachment, Commendation
from tusoi.orgs.permissions import Role
from tusoi.reports.tests.conftest import make_campaign

from .conftest import PDF, make_activity, upload, yesterday

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee_a(client, tree, make_user):
    user = make_user(tree.branch_a, Role.COMMITTEE)
    client.force_login(user)
    return user


def _post(client, url, body):
    return client.post(url, data=body, content_type="application/json")


def test_activity_is_recorded_listed_and_read(client, tree, committee_a):
    campaign = make_campaign(tree.province)
    url = reverse("api:activities_create", kwargs={"org_id": tree.cell_a.pk})
    response = _post(
        client,
        url,
        {
            "kind": "gratitude",
            "title": "Thăm, tặng quà gia đình chính sách",
            "on": yesterday().isoformat(),
            "participants": 15,
            "campaign_id": campaign.pk,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["organization"]["id"] == tree.cell_a.pk
    assert body["campaign"] == {"id": campaign.pk, "title": campaign.title}
    listed = client.get(
        reverse("api:activities_list", kwargs={"org_id": tree.branch_a.pk}),
        {"campaign_id": campaign.pk, "kind": "gratitude"},
    ).json()
    assert [row["id"] for row in listed["items"]] == [body["id"]]
    counts = client.get(
        reverse("api:activities_counts", kwargs={"org_id": tree.branch_a.pk}),
        {"campaign_id": campaign.pk},
    ).json()
    assert counts["total"] == 1 and counts["by_kind"]["gratitude"] == 1
    assert counts["participants"] == 15


def test_bad_activity_gets_400_naming_fields(client, tree, committee_a):
    response = _post(
        client,
        reverse("api:activities_create", kwargs={"org_id": tree.cell_a.pk}),
        {"kind": "seminar", "title": "", "on": "2999-01-01"},
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"title", "on"}
    assert not Activity.objects.exists()


def test_attachments_are_sent_as_multipart_all_or_none(client, tree, committee_a):
    activity = make_activity(tree.cell_a)
    url = reverse("api:activities_attach", kwargs={"id": activity.pk})
    refused = client.post(url, {"files": [upload("a.pdf"), upload("b.png", PDF)]})
    assert refused.status_code == 400
    assert "b.png" in refused.json()["errors"]["files"][0]
    assert not ActivityAttachment.objects.exists()
    response = client.post(url, {"files": [upload("a.pdf"), upload("b.pdf")]})
    assert response.status_code == 201
    files = response.json()["attachments"]
    assert [f["name"] for f in files] == ["a.pdf", "b.pdf"]
    download = client.get(files[0]["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_readers_cannot_attach_over_the_api(client, tree, make_user):
    activity = make_activity(tree.cell_a)
    client.force_login(make_user(tree.branch_a, Role.SUPERVISOR))
    assert (
        client.get(reverse("api:activities_detail", kwargs={"id": activity.pk})).status_code == 200
    )
    response = client.post(
        reverse("api:activities_attach", kwargs={"id": activity.pk}), {"files": upload("a.pdf")}
    )
    assert response.status_code == 404


def test_commendation_of_a_member_outside_the_organisation_is_refused(client, tree, make_user):
    client.force_login(make_user(tree.province, Role.COMMITTEE))
    url = reverse("api:commendations_create", kwargs={"org_id": tree.branch_a.pk})
    body = {"level": "upper", "reason": "Gương mẫu", "on": yesterday().isoformat()}
    refused = _post(client, url, {**body, "member_id": tree.member_b.pk})
    assert refused.status_code == 400 and "member" in refused.json()["errors"]
    created = _post(client, url, {**body, "member_id": tree.member_a.pk})
    assert created.status_code == 201
    out = created.json()
    assert out["given_by"]["id"] == tree.branch_a.pk
    assert out["member"]["cell"]["id"] == tree.cell_a.pk
    assert out["commended_organization"] is None
    listed = client.get(reverse("api:commendations_list", kwargs={"org_id": tree.cell_a.pk}))
    assert [c["id"] for c in listed.json()["items"]] == [out["id"]]
    assert Commendation.objects.count() == 1


def test_list_endpoints_do_not_grow_queries(
    client, tree, committee_a, django_assert_max_num_queries
):
    for n in range(12):
        make_activity(tree.cell_a, title=f"Tọa đàm {n}", files=[upload(f"{n}.pdf")])
    url = reverse("api:activities_list", kwargs={"org_id": tree.branch_a.pk})
    with django_assert_max_num_queries(7):
        response = client.get(url)
    assert response.json()["count"] == 12
    assert all(row["attachment_count"] == 1 for row in response.json()["items"])
