"""The caller's own account over the API, and the published OpenAPI schema."""

import re

from django.urls import reverse
from django.utils import timezone

from tusoi.accounts.models import RoleGrant
from tusoi.orgs.permissions import Role
from tusoi.testing.factories import grant

ENDPOINTS = {
    ("/api/v1/orgs", "get"): "orgs_list",
    ("/api/v1/orgs/{id}", "get"): "orgs_detail",
    ("/api/v1/orgs/{id}/children", "get"): "orgs_children",
    ("/api/v1/members", "get"): "members_list",
    ("/api/v1/members", "post"): "members_create",
    ("/api/v1/members/{id}", "get"): "members_detail",
    ("/api/v1/members/{id}", "patch"): "members_update",
    ("/api/v1/members/{id}/status", "post"): "members_status",
    ("/api/v1/me", "get"): "me",
    ("/api/v1/jobs/{id}", "get"): "jobs_detail",
    ("/api/v1/campaigns", "get"): "campaigns_list",
    ("/api/v1/campaigns/{id}", "get"): "campaigns_detail",
    ("/api/v1/reports/mine", "get"): "reports_mine",
    ("/api/v1/reports/open", "post"): "reports_open",
    ("/api/v1/reports/commitments/mine", "get"): "reports_commitments_mine",
    ("/api/v1/reports/commitments/{id}/progress", "post"): "reports_commitment_progress",
    ("/api/v1/reports/campaigns/{campaign_id}/cells/{org_id}", "get"): "reports_cell_states",
    ("/api/v1/reports/{id}", "get"): "reports_detail",
    ("/api/v1/reports/{id}/content", "put"): "reports_save",
    ("/api/v1/reports/{id}/submit", "post"): "reports_submit",
    ("/api/v1/reports/{id}/return", "post"): "reports_return",
    ("/api/v1/reports/{id}/accept", "post"): "reports_accept",
    ("/api/v1/reports/{id}/confirm", "post"): "reports_confirm",
    ("/api/v1/reports/{id}/revisions", "get"): "reports_revisions",
    ("/api/v1/reports/{id}/revisions/{number}", "get"): "reports_revision",
    ("/api/v1/notifications/", "get"): "notifications_list",
    ("/api/v1/notifications/read", "post"): "notifications_read",
    ("/api/v1/reports/{id}/copy-check", "get"): "reports_copy_check",
    ("/api/v1/reports/campaigns/{campaign_id}/copy-flags/{org_id}", "get"): "reports_copy_flags",
    (
        "/api/v1/monitoring/campaigns/{campaign_id}/orgs/{org_id}/dashboard",
        "get",
    ): "monitoring_dashboard",
    (
        "/api/v1/monitoring/campaigns/{campaign_id}/orgs/{org_id}/progress",
        "get",
    ): "monitoring_progress",
    (
        "/api/v1/monitoring/campaigns/{campaign_id}/orgs/{org_id}/cells-not-registered",
        "get",
    ): "monitoring_cells_not_registered",
    (
        "/api/v1/monitoring/campaigns/{campaign_id}/orgs/{org_id}/cells-overdue",
        "get",
    ): "monitoring_cells_overdue",
    (
        "/api/v1/monitoring/campaigns/{campaign_id}/orgs/{org_id}/members-without-report",
        "get",
    ): "monitoring_members_without_report",
    (
        "/api/v1/monitoring/campaigns/{campaign_id}/orgs/{org_id}/difficulties",
        "get",
    ): "monitoring_difficulties_list",
    (
        "/api/v1/monitoring/campaigns/{campaign_id}/orgs/{org_id}/difficulties",
        "post",
    ): "monitoring_difficulties_create",
    (
        "/api/v1/monitoring/campaigns/{campaign_id}/orgs/{org_id}/difficulties/counts",
        "get",
    ): "monitoring_difficulties_counts",
    (
        "/api/v1/monitoring/campaigns/{campaign_id}/orgs/{org_id}/progress-reports",
        "get",
    ): "monitoring_progress_reports_list",
    ("/api/v1/monitoring/progress-reports/{id}", "get"): "monitoring_progress_reports_detail",
    (
        "/api/v1/monitoring/progress-reports/{id}/submit",
        "post",
    ): "monitoring_progress_reports_submit",
    ("/api/v1/meetings/campaigns/{campaign_id}/orgs/{org_id}/cells", "get"): "meetings_cell_states",
    ("/api/v1/meetings/campaigns/{campaign_id}/orgs/{org_id}/calendar", "get"): "meetings_calendar",
    (
        "/api/v1/meetings/campaigns/{campaign_id}/cells/{org_id}/registration",
        "get",
    ): "meetings_registration",
    (
        "/api/v1/meetings/campaigns/{campaign_id}/cells/{org_id}/registration",
        "post",
    ): "meetings_register",
    ("/api/v1/meetings/supervision", "get"): "meetings_my_assignments",
    ("/api/v1/meetings/{id}", "get"): "meetings_detail",
    ("/api/v1/meetings/{id}", "patch"): "meetings_change",
    ("/api/v1/meetings/{id}/cancel", "post"): "meetings_cancel",
    ("/api/v1/meetings/{id}/notes", "post"): "meetings_visit_note",
    ("/api/v1/meetings/{id}/record", "get"): "meetings_record_detail",
    ("/api/v1/meetings/{id}/record/phases/{number}", "put"): "meetings_record_phase_save",
    ("/api/v1/meetings/{id}/record/conclusion", "post"): "meetings_record_conclude",
    ("/api/v1/activities/orgs/{org_id}", "get"): "activities_list",
    ("/api/v1/activities/orgs/{org_id}", "post"): "activities_create",
    ("/api/v1/activities/orgs/{org_id}/counts", "get"): "activities_counts",
    ("/api/v1/activities/{id}", "get"): "activities_detail",
    ("/api/v1/activities/{id}/attachments", "post"): "activities_attach",
    ("/api/v1/activities/{id}/attachments/{attachment_id}", "get"): "activities_attachment",
    ("/api/v1/activities/orgs/{org_id}/commendations", "get"): "commendations_list",
    ("/api/v1/activities/orgs/{org_id}/commendations", "post"): "commendations_create",
}


def test_openapi_schema_lists_every_endpoint(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    listed = {(path, method) for path, ops in paths.items() for method in ops}
    assert listed == set(ENDPOINTS)
    assert reverse("api:openapi-json") == "/api/v1/openapi.json"


def test_every_endpoint_reverses_by_its_url_name(db):
    for (path, _method), name in ENDPOINTS.items():
        kwargs = {k: 7 for k in re.findall(r"{(\w+)}", path)}
        expected = re.sub(r"{\w+}", "7", path)
        assert reverse(f"api:{name}", kwargs=kwargs) == expected


def test_schema_documents_both_ways_to_authenticate(client, db):
    schemes = client.get("/api/v1/openapi.json").json()["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}


def test_me_shows_the_linked_member_and_active_grants_only(client, tree, make_user):
    user = make_user(tree.cell_a, Role.MEMBER, member=tree.member_a)
    old = grant(user, tree.cell_a2, Role.SECRETARY)
    RoleGrant.objects.filter(pk=old.pk).update(valid_to=timezone.now())  # revoked: history only
    grant(user, tree.cell_a, Role.SECRETARY)
    client.force_login(user)
    response = client.get(reverse("api:me"))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == user.username
    assert body["full_name"] == "Nguyễn Văn An"
    assert body["must_change_password"] is False
    assert body["member"] == {
        "id": tree.member_a.pk,
        "full_name": "Nguyễn Văn An",
        "cell": {"id": tree.cell_a.pk, "code": "A1", "name": "Chi bộ khu phố 1"},
    }
    assert sorted((g["role"], g["organization"]["code"]) for g in body["grants"]) == [
        ("member", "A1"),
        ("secretary", "A1"),
    ]
    assert all(g["role_label"] for g in body["grants"])


def test_me_of_an_account_without_member_record(client, tree, make_user):
    user = make_user(tree.branch_a, Role.COMMITTEE, first_name="Hà", last_name="Lê")
    client.force_login(user)
    body = client.get(reverse("api:me")).json()
    assert body["member"] is None
    assert body["grants"] == [
        {
            "role": "committee",
            "role_label": body["grants"][0]["role_label"],
            "organization": {"id": tree.branch_a.pk, "code": "A", "name": "Đảng ủy phường An Bình"},
        }
    ]


def test_me_for_anonymous_is_401(client, db):
    assert client.get(reverse("api:me")).status_code == 401
