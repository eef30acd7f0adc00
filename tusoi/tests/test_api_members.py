"""Members over the API: scoped lists and records, create/edit/status through the services,
Vietnamese errors naming the field, nothing saved on bad input, 409 on a stale edit."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tusoi.audit.models import AuditEvent
from tusoi.members.models import Member, MembershipPeriod, MemberStatus
from tusoi.members.services import member_update
from tusoi.orgs.permissions import Role
from tusoi.testing.factories import make_member, make_org

MEMBERS = reverse("api:members_list")
CREATE = reverse("api:members_create")


def _names(response):
    assert response.status_code == 200, response.content
    return [m["full_name"] for m in response.json()["items"]]


def _send(client, method, url, body):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def _new(tree, **over):
    body = {
        "cell": tree.cell_a.pk,
        "card_number": "66600001",
        "full_name": "  Vũ   Thị Hoa ",
        "birth_date": "1988-02-29",
        "gender": "female",
        "admitted_on": "2012-07-01",
        "phone": "0912 345 678",
        "is_leader": True,
    }
    body.update(over)
    return body


@pytest.fixture
def committee_a(client, tree, make_user):
    user = make_user(tree.branch_a, Role.COMMITTEE)
    client.force_login(user)
    return user


# Lists ------------------------------------------------------------------------------------------


def test_list_is_in_vietnamese_name_order_within_scope(client, tree, committee_a):
    make_member(tree.cell_a, "Đặng Văn Ân")
    make_member(tree.cell_a2, "Bùi Thị Anh")
    # Given names first: An, Anh, Ân, Bình (a < ă < â, then the next letter).
    assert _names(client.get(MEMBERS)) == [
        "Nguyễn Văn An",
        "Bùi Thị Anh",
        "Đặng Văn Ân",
        "Trần Thị Bình",
    ]


def test_sibling_branch_users_list_holds_no_member_of_branch_a(client, tree, make_user):
    client.force_login(make_user(tree.branch_b, Role.ADMIN))
    assert _names(client.get(MEMBERS, {"limit": 500})) == ["Lê Văn Cường"]
    assert _names(client.get(MEMBERS, {"cell": tree.cell_a.pk})) == []
    assert _names(client.get(MEMBERS, {"q": "nguyen van an"})) == []


def test_member_sees_only_their_own_record(client, tree, make_user):
    client.force_login(make_user(tree.cell_a, Role.MEMBER, member=tree.member_a))
    assert _names(client.get(MEMBERS)) == ["Nguyễn Văn An"]


def test_list_filters_by_cell_status_and_accent_insensitive_text(client, tree, committee_a):
    make_member(tree.cell_a, "Phạm Thị Hồng", card_number="12345678")
    Member.objects.filter(pk=tree.member_a2.pk).update(status=MemberStatus.EXEMPT)
    assert _names(client.get(MEMBERS, {"cell": tree.cell_a.pk})) == [
        "Nguyễn Văn An",
        "Phạm Thị Hồng",
    ]
    assert _names(client.get(MEMBERS, {"status": "exempt"})) == ["Trần Thị Bình"]
    assert _names(client.get(MEMBERS, {"q": "pham thi hong"})) == ["Phạm Thị Hồng"]
    assert _names(client.get(MEMBERS, {"q": "BÌNH"})) == ["Trần Thị Bình"]
    assert _names(client.get(MEMBERS, {"q": "12345678"})) == ["Phạm Thị Hồng"]


def test_list_rejects_an_unknown_status_naming_the_field(client, tree, committee_a):
    response = client.get(MEMBERS, {"status": "retired"})
    assert response.status_code == 422
    assert "tình trạng sinh hoạt" in response.json()["detail"]
    assert "exempt" in response.json()["errors"]["status"][0]


def test_members_list_query_count_is_the_same_for_3_and_30_rows(client, tree, committee_a):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(MEMBERS, {"limit": 500})
        return len(ctx.captured_queries), response.json()["count"]

    few, n = count()
    assert n == 2
    make_member(tree.cell_a, "Ba")
    few, n = count()
    assert n == 3
    for i in range(27):
        make_member(make_org(f"Chi bộ {i}", parent=tree.branch_a), f"Người {i}")
    many, n = count()
    assert n == 30
    assert few == many <= 5


# Detail -----------------------------------------------------------------------------------------


def test_detail_has_iso_dates_and_history(client, tree, committee_a):
    response = client.get(reverse("api:members_detail", kwargs={"id": tree.member_a.pk}))
    assert response.status_code == 200
    body = response.json()
    assert body["birth_date"] == "1980-05-17"
    assert body["cell"] == {"id": tree.cell_a.pk, "code": "A1", "name": "Chi bộ khu phố 1"}
    assert body["periods"] == [
        {
            "cell": {"id": tree.cell_a.pk, "code": "A1", "name": "Chi bộ khu phố 1"},
            "status": "active",
            "change": "registered",
            "valid_from": "2020-01-01",
            "valid_to": None,
            "reason": "",
        }
    ]


def test_detail_of_a_member_outside_scope_is_404(client, tree, committee_a):
    response = client.get(reverse("api:members_detail", kwargs={"id": tree.member_b.pk}))
    assert response.status_code == 404


# Create -----------------------------------------------------------------------------------------


def test_create_registers_the_member_cleaned_with_history_and_audit(client, tree, committee_a):
    response = _send(client, "post", CREATE, _new(tree))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["full_name"] == "Vũ Thị Hoa"
    assert body["birth_date"] == "1988-02-29"
    assert body["is_leader"] is True
    assert body["is_probationary"] is True
    assert body["version"] == 1
    assert [p["change"] for p in body["periods"]] == ["registered"]
    member = Member.objects.get(pk=body["id"])
    assert member.cell == tree.cell_a
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, actor=committee_a).exists()


def test_create_with_missing_and_malformed_fields_is_422_and_saves_nothing(
    client, tree, committee_a
):
    body = _new(tree, birth_date="29/02/1988", is_leader="perhaps", status="active")
    del body["full_name"]
    response = _send(client, "post", CREATE, body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["full_name"] == ["Trường này là bắt buộc."]
    assert "YYYY-MM-DD" in errors["birth_date"][0]
    assert errors["is_leader"] == ["Nhập true hoặc false."]
    assert errors["status"] == ["Trường này không được nhận ở đây."]
    detail = response.json()["detail"]
    assert "họ và tên" in detail and "ngày sinh" in detail
    assert Member.objects.count() == 3


def test_create_rejected_by_the_service_is_400_naming_fields_and_saves_nothing(
    client, tree, committee_a
):
    response = _send(
        client,
        "post",
        CREATE,
        _new(tree, card_number=tree.member_b.card_number, admitted_on="1995-01-01"),
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body["errors"]) == {"card_number", "admitted_on"}
    assert "số thẻ đảng viên" in body["detail"] and "ngày vào Đảng" in body["detail"]
    assert Member.objects.count() == 3
    assert MembershipPeriod.objects.count() == 3


def test_create_with_a_bad_email_is_422(client, tree, committee_a):
    response = _send(client, "post", CREATE, _new(tree, email="hoa@"))
    assert response.status_code == 422
    assert response.json()["errors"] == {"email": ["Nhập địa chỉ thư điện tử hợp lệ."]}


def test_create_in_an_organisation_that_is_not_a_cell_is_400(client, tree, committee_a):
    response = _send(client, "post", CREATE, _new(tree, cell=tree.branch_a.pk))
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["cell"]
    assert "chi bộ" in response.json()["detail"]


def test_create_in_a_cell_outside_scope_is_404_and_saves_nothing(client, tree, committee_a):
    response = _send(client, "post", CREATE, _new(tree, cell=tree.cell_b.pk))
    assert response.status_code == 404
    assert not Member.objects.filter(card_number="66600001").exists()


def test_supervisor_may_read_but_not_create(client, tree, make_user):
    client.force_login(make_user(tree.branch_a, Role.SUPERVISOR))
    assert _names(client.get(MEMBERS, {"cell": tree.cell_a.pk})) == ["Nguyễn Văn An"]
    assert _send(client, "post", CREATE, _new(tree)).status_code == 404
    assert not Member.objects.filter(card_number="66600001").exists()


def test_invalid_json_body_is_400_in_vietnamese(client, tree, committee_a):
    response = client.post(CREATE, data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Nội dung yêu cầu không phải là JSON hợp lệ."


# Update -----------------------------------------------------------------------------------------


def _patch_url(member):
    return reverse("api:members_update", kwargs={"id": member.pk})


def test_patch_changes_only_the_fields_sent(client, tree, committee_a):
    response = _send(
        client, "patch", _patch_url(tree.member_a), {"version": 1, "job": " Giáo  viên "}
    )
    assert response.status_code == 200, response.content
    assert response.json()["job"] == "Giáo viên"
    assert response.json()["version"] == 2
    tree.member_a.refresh_from_db()
    assert (tree.member_a.job, tree.member_a.full_name) == ("Giáo viên", "Nguyễn Văn An")


def test_patch_null_official_date_makes_member_probationary(client, tree, committee_a):
    response = _send(
        client, "patch", _patch_url(tree.member_a), {"version": 1, "official_on": None}
    )
    assert response.status_code == 200
    assert response.json()["is_probationary"] is True


def test_patch_on_a_stale_version_is_409_and_keeps_the_other_edit(client, tree, committee_a):
    member_update(actor=None, member=tree.member_a, expected_version=1, position="Chi ủy viên")
    response = _send(client, "patch", _patch_url(tree.member_a), {"version": 1, "job": "Kỹ sư"})
    assert response.status_code == 409
    assert response.json()["detail"]  # the service's explanation, in the caller's language
    assert response.json()["errors"] == {}
    tree.member_a.refresh_from_db()
    assert (tree.member_a.job, tree.member_a.position) == ("", "Chi ủy viên")


def test_patch_with_bad_input_is_refused_naming_the_field_and_saves_nothing(
    client, tree, committee_a
):
    url = _patch_url(tree.member_a)
    null = _send(client, "patch", url, {"version": 1, "full_name": None, "cell": 5})
    assert null.status_code == 422
    assert set(null.json()["errors"]) == {"full_name", "cell"}
    no_version = _send(client, "patch", url, {"job": "Kỹ sư"})
    assert no_version.status_code == 422
    assert no_version.json()["errors"] == {"version": ["Trường này là bắt buộc."]}
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    service = _send(client, "patch", url, {"version": 1, "job": "Kỹ sư", "birth_date": future})
    assert service.status_code == 400
    assert "birth_date" in service.json()["errors"]
    assert "ngày sinh" in service.json()["detail"]
    tree.member_a.refresh_from_db()
    assert (tree.member_a.job, tree.member_a.version) == ("", 1)


def test_patch_outside_scope_is_404(client, tree, committee_a):
    response = _send(client, "patch", _patch_url(tree.member_b), {"version": 1, "job": "X"})
    assert response.status_code == 404
    tree.member_b.refresh_from_db()
    assert tree.member_b.job == ""


# Status -----------------------------------------------------------------------------------------


def _status_url(member):
    return reverse("api:members_status", kwargs={"id": member.pk})


def test_status_change_closes_the_period_and_opens_a_new_one(client, tree, committee_a):
    response = _send(
        client,
        "post",
        _status_url(tree.member_a),
        {"change": "exempted", "on": "2024-03-01", "reason": "Tuổi cao, sức yếu"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["status_since"]) == ("exempt", "2024-03-01")
    assert [(p["valid_from"], p["valid_to"]) for p in body["periods"]] == [
        ("2020-01-01", "2024-03-01"),
        ("2024-03-01", None),
    ]


def test_move_to_another_cell_in_scope(client, tree, committee_a):
    response = _send(
        client,
        "post",
        _status_url(tree.member_a),
        {"change": "moved", "on": "2024-03-01", "to_cell": tree.cell_a2.pk},
    )
    assert response.status_code == 200
    assert response.json()["cell"]["code"] == "A2"


def test_move_to_a_cell_outside_scope_is_404_and_changes_nothing(client, tree, committee_a):
    response = _send(
        client,
        "post",
        _status_url(tree.member_a),
        {"change": "moved", "on": "2024-03-01", "to_cell": tree.cell_b.pk},
    )
    assert response.status_code == 404
    tree.member_a.refresh_from_db()
    assert tree.member_a.cell == tree.cell_a
    assert tree.member_a.periods.count() == 1


def test_status_change_with_bad_input_names_the_field_and_saves_nothing(client, tree, committee_a):
    url = _status_url(tree.member_a)
    early = _send(client, "post", url, {"change": "exempted", "on": "2019-12-31"})
    assert early.status_code == 400
    assert list(early.json()["errors"]) == ["on"]
    assert "ngày thay đổi" in early.json()["detail"]
    wrong = _send(client, "post", url, {"change": "returned", "on": "2024-01-01"})
    assert wrong.status_code == 400
    assert "thay đổi" in wrong.json()["detail"]
    no_date = _send(client, "post", url, {"change": "exempted"})
    assert no_date.status_code == 422
    assert no_date.json()["errors"] == {"on": ["Trường này là bắt buộc."]}
    tree.member_a.refresh_from_db()
    assert tree.member_a.status == MemberStatus.ACTIVE
    assert tree.member_a.periods.count() == 1
