"""Self-review reports over the JSON API (both engines): the writer's whole flow with a bearer
token, the secretary's review with the session, 409 on a stale save, the text only to its
readers, a cell's states to committees above without any text."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from tusoi.accounts.services import api_token_create
from tusoi.members.models import Member, MemberStatus
from tusoi.orgs.permissions import Role
from tusoi.reports.models import Commitment, RevisionKind, SelfReview
from tusoi.reports.services import report_open, report_save, report_submit
from tusoi.testing.factories import make_member

from .conftest import filled_content, make_open_campaign

pytestmark = pytest.mark.django_db

SECRET_TEXT = "Nội dung riêng của đảng viên, chỉ chi bộ được đọc."


@pytest.fixture
def setup(tree, make_user):
    class S:
        campaign = make_open_campaign(tree.province)
        writer = make_user(member=tree.member_a)
        secretary = make_user(tree.cell_a, Role.SECRETARY)
        committee = make_user(tree.branch_a, Role.COMMITTEE)
        sibling_committee = make_user(tree.branch_b, Role.COMMITTEE)
        sibling_secretary = make_user(tree.cell_b, Role.SECRETARY)

    return S


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _with_token(user) -> tuple[Client, dict[str, str]]:
    _token, key = api_token_create(user=user, name="điện thoại")
    return Client(enforce_csrf_checks=True), {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _send(client, method, name, body=None, headers=None, **kwargs):
    url = reverse(f"api:{name}", kwargs=kwargs)
    call = getattr(client, method)
    if method == "get":
        return call(url, **(headers or {}))
    return call(
        url, data=json.dumps(body or {}), content_type="application/json", **(headers or {})
    )


def _ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def _open_report(setup, tree) -> SelfReview:
    return report_open(member=tree.member_a, campaign=setup.campaign, actor=setup.writer)


# The whole flow -----------------------------------------------------------------------------------


def test_writer_and_secretary_go_through_the_whole_flow(setup, tree):
    api, auth = _with_token(setup.writer)

    opened = _ok(_send(api, "post", "reports_open", {"campaign_id": setup.campaign.pk}, auth))
    assert opened["status"] == "draft"
    assert opened["version"] == 0
    assert opened["member"]["full_name"] == "Nguyễn Văn An"
    keys = [s["key"] for s in opened["sections"]]
    assert keys[0] == "loi-the"
    article2 = next(s for s in opened["sections"] if s["key"] == "dieu-2")
    assert article2["kind"] == "checklist"
    assert article2["items"][0]["code"]
    report_id = opened["id"]
    content = filled_content(SelfReview.objects.get(pk=report_id))

    saved = _ok(
        _send(api, "put", "reports_save", {"content": content, "version": 0}, auth, id=report_id)
    )
    assert saved["version"] == 1
    assert saved["char_count"] > 0
    assert saved["saved_at"]

    # Another device still holding version 0 saves: refused, its text kept aside.
    other = {"content": {"sections": {"uu-diem": "Bản viết ở máy khác."}}, "version": 0}
    stale = _send(api, "put", "reports_save", other, auth, id=report_id)
    assert stale.status_code == 409
    body = stale.json()
    assert body["current_version"] == 1
    kept = body["kept_revision"]
    assert kept is not None
    assert body["errors"] == {}
    assert str(kept) in body["detail"]
    revision = _ok(_send(api, "get", "reports_revision", headers=auth, id=report_id, number=kept))
    assert revision["kind"] == RevisionKind.CONFLICT
    assert revision["content"]["sections"]["uu-diem"] == "Bản viết ở máy khác."

    submitted = _ok(_send(api, "post", "reports_submit", {"version": 1}, auth, id=report_id))
    assert submitted["status"] == "submitted"
    assert submitted["late"] is False

    secretary = _as(setup.secretary)
    returned = _ok(
        _send(
            secretary,
            "post",
            "reports_return",
            {"reason": "Viết rõ hơn phần hạn chế."},
            id=report_id,
        )
    )
    assert returned["status"] == "returned"
    assert returned["returned_reason"] == "Viết rõ hơn phần hạn chế."

    content["sections"]["han-che"] += " Tôi còn ngại va chạm."
    version = returned["version"]
    _ok(
        _send(
            api, "put", "reports_save", {"content": content, "version": version}, auth, id=report_id
        )
    )
    resubmitted = _ok(_send(api, "post", "reports_submit", {}, auth, id=report_id))
    assert resubmitted["status"] == "resubmitted"

    accepted = _ok(_send(secretary, "post", "reports_accept", id=report_id))
    assert accepted["status"] == "accepted"

    mine = _ok(_send(api, "get", "reports_mine", headers=auth))
    assert mine == [
        {
            "campaign": {
                "id": setup.campaign.pk,
                "title": setup.campaign.title,
                "due_on": setup.campaign.due_on.isoformat(),
            },
            "report": {"id": report_id, "status": "accepted", "version": version + 1},
        }
    ]
    revisions = _ok(_send(api, "get", "reports_revisions", headers=auth, id=report_id))
    # save, conflict kept aside, submit, save, resubmit; newest first
    assert revisions["count"] == 5
    assert revisions["items"][0]["number"] == 5
    assert "content" not in revisions["items"][0]


def test_mine_lists_open_campaigns_not_yet_started_as_null(setup):
    api, auth = _with_token(setup.writer)
    [entry] = _ok(_send(api, "get", "reports_mine", headers=auth))
    assert entry["report"] is None
    assert entry["campaign"]["id"] == setup.campaign.pk


def test_account_without_member_record_has_no_report_to_open(setup):
    response = _send(
        _as(setup.committee), "post", "reports_open", {"campaign_id": setup.campaign.pk}
    )
    assert response.status_code == 400
    assert response.json()["detail"]
    assert _ok(_send(_as(setup.committee), "get", "reports_mine")) == []


def test_open_refuses_a_campaign_that_is_not_open(setup, tree):
    setup.campaign.status = "closed"
    setup.campaign.save()
    response = _send(_as(setup.writer), "post", "reports_open", {"campaign_id": setup.campaign.pk})
    assert response.status_code == 400
    assert not SelfReview.objects.exists()


def test_open_of_a_campaign_outside_the_callers_tree_is_404(setup, tree, make_user):
    other = make_open_campaign(tree.branch_b, title="Đợt của xã Bình Minh")
    response = _send(_as(setup.writer), "post", "reports_open", {"campaign_id": other.pk})
    assert response.status_code == 404


# Saving: bad input, proxy entry -------------------------------------------------------------------


def test_invalid_content_is_400_naming_the_places_and_nothing_saved(setup, tree):
    report = _open_report(setup, tree)
    body = {
        "content": {
            "sections": {"khong-co": "x", "uu-diem": "y" * 30_000},
            "checklist": {"dieu-2": {"Z9": {"answer": "yes"}}},
        },
        "version": 0,
    }
    response = _send(_as(setup.writer), "put", "reports_save", body, id=report.pk)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"sections", "sections.uu-diem", "checklist.dieu-2"}
    report.refresh_from_db()
    assert report.version == 0
    assert not report.revisions.exists()


def test_pasted_script_is_stored_and_returned_as_plain_text(setup, tree):
    report = _open_report(setup, tree)
    script = "<script>alert('x')</script> Tôi tự soi."
    body = {"content": {"sections": {"uu-diem": script}}, "version": 0}
    _ok(_send(_as(setup.writer), "put", "reports_save", body, id=report.pk))
    detail = _ok(_send(_as(setup.writer), "get", "reports_detail", id=report.pk))
    assert detail["content"]["sections"]["uu-diem"] == script


def test_secretary_enters_a_report_on_a_members_behalf_and_the_member_confirms(setup, tree):
    secretary = _as(setup.secretary)
    opened = _ok(
        _send(
            secretary,
            "post",
            "reports_open",
            {"campaign_id": setup.campaign.pk, "member_id": tree.member_a.pk},
        )
    )
    content = filled_content(SelfReview.objects.get(pk=opened["id"]))
    without_reason = _send(
        secretary, "put", "reports_save", {"content": content, "version": 0}, id=opened["id"]
    )
    assert without_reason.status_code == 400
    assert "proxy_reason" in without_reason.json()["errors"]

    _ok(
        _send(
            secretary,
            "put",
            "reports_save",
            {"content": content, "version": 0, "proxy_reason": "Đồng chí tuổi cao"},
            id=opened["id"],
        )
    )
    submitted = _ok(_send(secretary, "post", "reports_submit", {}, id=opened["id"]))
    assert submitted["proxy"]["reason"] == "Đồng chí tuổi cao"
    assert submitted["proxy"]["confirmed_at"] is None

    api, auth = _with_token(setup.writer)
    confirmed = _ok(_send(api, "post", "reports_confirm", headers=auth, id=opened["id"]))
    assert confirmed["proxy"]["confirmed_at"] is not None


def test_secretary_of_another_cell_cannot_open_a_members_report(setup, tree):
    response = _send(
        _as(setup.sibling_secretary),
        "post",
        "reports_open",
        {"campaign_id": setup.campaign.pk, "member_id": tree.member_a.pk},
    )
    assert response.status_code == 404
    assert not SelfReview.objects.exists()


def test_submit_with_parts_missing_is_400_listing_them(setup, tree):
    report = _open_report(setup, tree)
    response = _send(_as(setup.writer), "post", "reports_submit", {}, id=report.pk)
    assert response.status_code == 400
    problems = response.json()["errors"]["__all__"]
    assert len(problems) >= 3
    assert any("Ưu điểm" in p for p in problems)
    report.refresh_from_db()
    assert report.status == "draft"


def test_stale_submit_is_409_with_the_current_version(setup, tree):
    report = _open_report(setup, tree)
    report_save(report=report, actor=setup.writer, content=filled_content(report), base_version=0)
    response = _send(_as(setup.writer), "post", "reports_submit", {"version": 0}, id=report.pk)
    assert response.status_code == 409
    assert response.json()["current_version"] == 1
    assert response.json()["kept_revision"] is None


def test_only_the_secretary_returns_a_report(setup, tree):
    report = _open_report(setup, tree)
    report = report_save(
        report=report, actor=setup.writer, content=filled_content(report), base_version=0
    )
    report_submit(report=report, actor=setup.writer)
    api, auth = _with_token(setup.writer)
    response = _send(api, "post", "reports_return", {"reason": "Tự trả"}, auth, id=report.pk)
    assert response.status_code == 403
    empty = _send(_as(setup.secretary), "post", "reports_return", {"reason": "  "}, id=report.pk)
    assert empty.status_code == 400
    assert "reason" in empty.json()["errors"]


# Who reads what -----------------------------------------------------------------------------------


def _submitted_with_secret(setup, tree) -> SelfReview:
    report = _open_report(setup, tree)
    content = filled_content(report)
    content["sections"]["uu-diem"] = SECRET_TEXT + " " + content["sections"]["uu-diem"]
    report = report_save(report=report, actor=setup.writer, content=content, base_version=0)
    return report_submit(report=report, actor=setup.writer)


def test_committee_above_sees_states_but_never_the_text(setup, tree):
    report = _submitted_with_secret(setup, tree)
    committee = _as(setup.committee)
    assert _send(committee, "get", "reports_detail", id=report.pk).status_code == 404
    assert _send(committee, "get", "reports_revisions", id=report.pk).status_code == 404
    response = _send(
        committee,
        "get",
        "reports_cell_states",
        campaign_id=setup.campaign.pk,
        org_id=tree.cell_a.pk,
    )
    states = _ok(response)
    assert SECRET_TEXT not in response.content.decode()
    [row] = states["members"]
    assert row["member"] == {"id": tree.member_a.pk, "full_name": "Nguyễn Văn An"}
    assert row["state"] == "submitted"
    assert row["report_id"] == report.pk
    assert set(row) == {
        "member",
        "member_status",
        "report_id",
        "state",
        "late",
        "proxy",
        "confirmed",
    }


def test_cell_text_readers_read_the_report(setup, tree, make_user):
    report = _submitted_with_secret(setup, tree)
    supervisor = make_user(tree.cell_a, Role.SUPERVISOR)
    for reader in (setup.secretary, supervisor, setup.writer):
        detail = _ok(_send(_as(reader), "get", "reports_detail", id=report.pk))
        assert detail["content"]["sections"]["uu-diem"].startswith(SECRET_TEXT)


def test_sibling_branch_gets_404_for_report_and_cell(setup, tree):
    report = _submitted_with_secret(setup, tree)
    for outsider in (setup.sibling_committee, setup.sibling_secretary):
        client = _as(outsider)
        assert _send(client, "get", "reports_detail", id=report.pk).status_code == 404
        response = _send(
            client,
            "get",
            "reports_cell_states",
            campaign_id=setup.campaign.pk,
            org_id=tree.cell_a.pk,
        )
        assert response.status_code == 404


def test_cell_states_list_exempt_members_apart_and_unstarted_ones(setup, tree):
    exempt = make_member(tree.cell_a, "Vũ Văn Miễn")
    Member.objects.filter(pk=exempt.pk).update(status=MemberStatus.EXEMPT)
    make_member(tree.cell_a, "Đỗ Thị Chưa")
    states = _ok(
        _send(
            _as(setup.committee),
            "get",
            "reports_cell_states",
            campaign_id=setup.campaign.pk,
            org_id=tree.cell_a.pk,
        )
    )
    assert [r["member"]["full_name"] for r in states["listed_apart"]] == ["Vũ Văn Miễn"]
    assert states["listed_apart"][0]["member_status"] == MemberStatus.EXEMPT
    assert {r["state"] for r in states["members"]} == {"not_started"}
    assert states["cell"]["id"] == tree.cell_a.pk


def test_cell_outside_the_campaign_is_404(setup, tree, make_user):
    campaign_b = make_open_campaign(tree.branch_b, title="Đợt của xã Bình Minh")
    client = _as(make_user(tree.province, Role.COMMITTEE))
    response = _send(
        client, "get", "reports_cell_states", campaign_id=campaign_b.pk, org_id=tree.cell_a.pk
    )
    assert response.status_code == 404


def test_cell_states_take_the_same_queries_for_three_members_as_for_thirty(
    setup, tree, django_assert_max_num_queries
):
    client = _as(setup.committee)

    def fetch():
        return _send(
            client,
            "get",
            "reports_cell_states",
            campaign_id=setup.campaign.pk,
            org_id=tree.cell_a.pk,
        )

    for n in range(2):
        make_member(tree.cell_a, f"Thành Viên {n}")
    fetch()  # the session and scope are read once per request; count a warm request
    with django_assert_max_num_queries(10) as few:
        assert len(fetch().json()["members"]) == 3
    for n in range(2, 29):
        make_member(tree.cell_a, f"Thành Viên {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(fetch().json()["members"]) == 30


def test_revision_list_does_not_grow_in_queries_with_revisions(
    setup, tree, django_assert_max_num_queries
):
    report = _open_report(setup, tree)
    client = _as(setup.writer)
    for version in range(2):
        report = report_save(
            report=report,
            actor=setup.writer,
            content={"sections": {"uu-diem": f"Lần {version}"}},
            base_version=version,
        )
    with django_assert_max_num_queries(12) as few:
        _ok(_send(client, "get", "reports_revisions", id=report.pk))
    for version in range(2, 12):
        report = report_save(
            report=report,
            actor=setup.writer,
            content={"sections": {"uu-diem": f"Lần {version}"}},
            base_version=version,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert _ok(_send(client, "get", "reports_revisions", id=report.pk))["count"] == 12


# Commitments --------------------------------------------------------------------------------------


def test_member_records_progress_on_a_commitment(setup, tree):
    _submitted_with_secret(setup, tree)
    api, auth = _with_token(setup.writer)
    mine = _ok(_send(api, "get", "reports_commitments_mine", headers=auth))
    assert mine["count"] == 1
    commitment = mine["items"][0]
    assert commitment["what"] == "Đọc và làm theo Điều lệ Đảng"
    assert commitment["status"] == "not_started"
    assert commitment["campaign"]["id"] == setup.campaign.pk

    updated = _ok(
        _send(
            api,
            "post",
            "reports_commitment_progress",
            {"status": "in_progress", "note": "Đã đọc xong chương I."},
            auth,
            id=commitment["id"],
        )
    )
    assert updated["status"] == "in_progress"
    assert updated["progress_note"] == "Đã đọc xong chương I."
    assert Commitment.objects.get(pk=commitment["id"]).progress.count() == 1


def test_progress_with_an_unknown_state_is_400(setup, tree):
    _submitted_with_secret(setup, tree)
    commitment = Commitment.objects.get()
    response = _send(
        _as(setup.secretary),
        "post",
        "reports_commitment_progress",
        {"status": "gần xong"},
        id=commitment.pk,
    )
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


def test_committee_above_cannot_touch_a_commitment(setup, tree):
    _submitted_with_secret(setup, tree)
    commitment = Commitment.objects.get()
    response = _send(
        _as(setup.committee),
        "post",
        "reports_commitment_progress",
        {"status": "done"},
        id=commitment.pk,
    )
    assert response.status_code == 404
