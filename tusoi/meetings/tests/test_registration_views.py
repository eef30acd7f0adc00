"""The registration pages and the registration API: the secretary registers (one phase, or
split into phases without JavaScript), changes with a reason, cancels; the committee follows
the overview and the calendar; supervisors write notes and see their assignments. Both
engines."""

import datetime
import json
import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tusoi.meetings.models import Meeting, MeetingChange, MeetingPhase, MeetingStatus, VisitNote
from tusoi.testing.factories import make_member, make_org

from .conftest import day, phase, register, secretary_of

pytestmark = pytest.mark.django_db


def _vn(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def _phase_data(n: int, on: datetime.date, place: str = "Hội trường khu phố 1", **extra) -> dict:
    data = {
        f"phase-{n}-on": _vn(on),
        f"phase-{n}-at": "08:00",
        f"phase-{n}-place": place,
        f"phase-{n}-online_link": "",
    }
    data.update({f"phase-{n}-{k}": v for k, v in extra.items()})
    return data


def _text(response) -> str:
    return response.content.decode()


@pytest.fixture
def more_members(tree):
    return [make_member(tree.cell_a, name) for name in ("Phạm Thị Dung", "Hoàng Văn Em")]


# Registering ------------------------------------------------------------------------------------


def test_register_page_offers_one_phase_by_default(client, tree, campaign, secretary):
    client.force_login(secretary)
    response = client.get(reverse("meetings:register", args=[campaign.pk, tree.cell_a.pk]))
    assert response.status_code == 200
    body = _text(response)
    assert 'name="phase-1-on"' in body
    assert 'name="phase-2-on"' not in body
    assert 'name="phase-1-members"' not in body  # one phase covers everyone


def test_splitting_into_phases_re_renders_the_form_keeping_what_was_typed(
    client, tree, campaign, secretary, more_members
):
    client.force_login(secretary)
    url = reverse("meetings:register", args=[campaign.pk, tree.cell_a.pk])
    response = client.post(
        url,
        {"phase_count": "2", "relayout": "1", **_phase_data(1, day(4), "Nhà văn hóa tổ 3")},
    )
    assert response.status_code == 200
    body = _text(response)
    assert 'name="phase-2-on"' in body
    assert 'value="Nhà văn hóa tổ 3"' in body
    assert f'value="{_vn(day(4))}"' in body
    boxes = re.findall(rf'name="phase-(\d)-members" value="{tree.member_a.pk}"', body)
    assert boxes == ["1", "2"]  # a checkbox per phase
    assert not Meeting.objects.exists()


def test_registering_two_phases_through_the_page(client, tree, campaign, secretary, more_members):
    client.force_login(secretary)
    url = reverse("meetings:register", args=[campaign.pk, tree.cell_a.pk])
    first, second = [tree.member_a.pk, more_members[0].pk], [more_members[1].pk]
    data = {
        "phase_count": "2",
        "save": "1",
        **_phase_data(1, day(4)),
        **_phase_data(2, day(6), "Phòng họp tổ 2"),
        "phase-1-members": first,
        "phase-2-members": second,
    }
    response = client.post(url, data)
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:detail", args=[meeting.pk])
    assert meeting.is_phased
    assert sorted(meeting.phases.get(number=1).members.values_list("pk", flat=True)) == first


def test_a_refused_registration_keeps_the_typed_values_and_names_the_member(
    client, tree, campaign, secretary, more_members
):
    client.force_login(secretary)
    url = reverse("meetings:register", args=[campaign.pk, tree.cell_a.pk])
    data = {
        "phase_count": "2",
        "save": "1",
        **_phase_data(1, day(4), "Nhà văn hóa tổ 3"),
        **_phase_data(2, day(6)),
        "phase-1-members": [tree.member_a.pk],
        "phase-2-members": [more_members[0].pk],
    }
    response = client.post(url, data)
    assert response.status_code == 200
    body = _text(response)
    assert "Hoàng Văn Em" in re.search(r'class="card form-errors".*?</div>', body, re.S).group(0)
    assert 'value="Nhà văn hóa tổ 3"' in body
    assert not Meeting.objects.exists()


def test_a_bad_date_is_shown_on_its_field(client, tree, campaign, secretary):
    client.force_login(secretary)
    url = reverse("meetings:register", args=[campaign.pk, tree.cell_a.pk])
    data = {"phase_count": "1", "save": "1", **_phase_data(1, day(4))}
    data["phase-1-on"] = "31/02/2025"
    response = client.post(url, data)
    assert response.status_code == 200
    assert 'value="31/02/2025"' in _text(response)
    assert not Meeting.objects.exists()


def test_register_redirects_to_the_meeting_once_registered(client, tree, campaign, secretary):
    meeting = register(campaign, tree.cell_a, actor=secretary)
    client.force_login(secretary)
    response = client.get(reverse("meetings:register", args=[campaign.pk, tree.cell_a.pk]))
    assert response["Location"] == reverse("meetings:detail", args=[meeting.pk])


def test_committee_cannot_open_the_register_page(client, tree, campaign, committee):
    client.force_login(committee)
    response = client.get(reverse("meetings:register", args=[campaign.pk, tree.cell_a.pk]))
    assert response.status_code == 404


def test_pasted_html_in_a_place_is_shown_as_text(client, tree, campaign, secretary, committee):
    meeting = register(
        campaign, tree.cell_a, actor=secretary, phases=[phase(day(3), place="<script>x()</script>")]
    )
    client.force_login(committee)
    body = _text(client.get(reverse("meetings:detail", args=[meeting.pk])))
    assert "<script>x()</script>" not in body
    assert "&lt;script&gt;x()&lt;/script&gt;" in body


# Changing ---------------------------------------------------------------------------------------


def test_change_page_refuses_a_moved_date_without_reason_keeping_values(
    client, tree, campaign, secretary
):
    meeting = register(campaign, tree.cell_a, actor=secretary)
    client.force_login(secretary)
    url = reverse("meetings:change", args=[meeting.pk])
    page = _text(client.get(url))
    assert f'value="{_vn(day(7))}"' in page
    data = {"phase_count": "1", "version": meeting.version, "save": "1", "reason": ""}
    data.update(_phase_data(1, day(14), "Hội trường mới"))
    response = client.post(url, data)
    assert response.status_code == 200
    body = _text(response)
    assert 'value="Hội trường mới"' in body
    assert 'class="card field has-error change-reason"' in body
    assert MeetingPhase.objects.get().on == day(7)

    data["reason"] = "Trùng ngày bầu cử tổ trưởng"
    response = client.post(url, data)
    assert response.status_code == 302
    detail = _text(client.get(reverse("meetings:detail", args=[meeting.pk])))
    assert "Trùng ngày bầu cử tổ trưởng" in detail
    assert _vn(day(14)) in detail


def test_a_stale_change_page_is_refused_with_the_values_kept(client, tree, campaign, secretary):
    meeting = register(campaign, tree.cell_a, actor=secretary)
    Meeting.objects.filter(pk=meeting.pk).update(version=meeting.version + 1)
    client.force_login(secretary)
    data = {"phase_count": "1", "version": meeting.version, "save": "1", "reason": "Hoãn"}
    data.update(_phase_data(1, day(9), "Nơi mới"))
    response = client.post(reverse("meetings:change", args=[meeting.pk]), data)
    assert response.status_code == 200
    body = _text(response)
    assert 'class="card form-errors"' in body
    assert 'value="Nơi mới"' in body
    assert not MeetingChange.objects.exists()


def test_cancelling_from_the_change_page(client, tree, campaign, secretary):
    meeting = register(campaign, tree.cell_a, actor=secretary)
    client.force_login(secretary)
    url = reverse("meetings:change", args=[meeting.pk])
    response = client.post(url, {"action": "cancel", "version": meeting.version, "reason": ""})
    assert response["Location"] == url
    assert Meeting.objects.get().status == MeetingStatus.REGISTERED
    response = client.post(
        url, {"action": "cancel", "version": meeting.version, "reason": "Chi bộ giải thể"}
    )
    assert response["Location"] == reverse("meetings:detail", args=[meeting.pk])
    assert Meeting.objects.get().status == MeetingStatus.CANCELLED


# A meeting's page, notes, assignments ----------------------------------------------------------


def test_detail_shows_supervisors_and_links_by_role(
    client, tree, campaign, secretary, committee, supervisor
):
    meeting = register(campaign, tree.cell_a, actor=secretary)
    url = reverse("meetings:detail", args=[meeting.pk])
    record = reverse("meetings:record", args=[meeting.pk])
    client.force_login(committee)
    body = _text(client.get(url))
    assert "Lê Bình" in body or "Bình Lê" in body
    assert record not in body
    assert reverse("meetings:change", args=[meeting.pk]) not in body
    assert 'class="visit-note-form' not in body
    client.force_login(secretary)
    body = _text(client.get(url))
    assert record in body and reverse("meetings:change", args=[meeting.pk]) in body
    client.force_login(supervisor)
    body = _text(client.get(url))
    assert record in body
    assert 'class="visit-note-form' in body


def test_a_supervisor_posts_a_visit_note_and_committee_cannot(
    client, tree, campaign, committee, supervisor
):
    meeting = register(campaign, tree.cell_a)
    url = reverse("meetings:visit_note", args=[meeting.pk])
    client.force_login(committee)
    response = client.post(url, {"attended": "on", "text": "Tôi đã dự"})
    assert response.status_code == 302
    assert not VisitNote.objects.exists()
    client.force_login(supervisor)
    client.post(url, {"attended": "on", "text": "Buổi sinh hoạt nghiêm túc, thẳng thắn."})
    note = VisitNote.objects.get()
    assert note.attended and note.author == supervisor
    body = _text(client.get(reverse("meetings:detail", args=[meeting.pk])))
    assert "Buổi sinh hoạt nghiêm túc, thẳng thắn." in body


def test_my_assignments_lists_the_supervised_meetings(client, tree, campaign, supervisor):
    mine = register(campaign, tree.cell_a, phases=[phase(day(3))])
    other = register(campaign, tree.cell_b)
    client.force_login(supervisor)
    body = _text(client.get(reverse("meetings:my_assignments")))
    assert reverse("meetings:detail", args=[mine.pk]) in body
    assert reverse("meetings:detail", args=[other.pk]) not in body


# The committee's overview and calendar ---------------------------------------------------------


def _state_of(body: str, cell) -> str:
    return re.search(rf'id="cell-{cell.pk}" data-state="([a-z_]+)"', body).group(1)


def test_overview_shows_counts_and_lists(client, tree, campaign, committee, make_user):
    register(campaign, tree.cell_a, phases=[phase(day(2))])
    register(campaign, tree.cell_b, phases=[phase(day(2))])
    client.force_login(committee)
    response = client.get(reverse("meetings:overview", args=[campaign.pk]))
    body = _text(response)
    assert response.context["org"] == tree.branch_a  # the user's top organisation
    assert response.context["states"].counts == {
        "not_registered": 1,
        "registered": 1,
        "overdue": 0,
        "held": 0,
    }
    assert _state_of(body, tree.cell_a) == "registered"
    assert _state_of(body, tree.cell_a2) == "not_registered"
    assert f"cell-{tree.cell_b.pk}" not in body
    # The committee may not register for a cell: no register link.
    assert reverse("meetings:register", args=[campaign.pk, tree.cell_a2.pk]) not in body
    # The cell's own secretary sees the register link.
    client.force_login(secretary_of(tree.cell_a2))
    body = _text(client.get(reverse("meetings:overview", args=[campaign.pk])))
    assert reverse("meetings:register", args=[campaign.pk, tree.cell_a2.pk]) in body


def test_overview_drills_down_and_refuses_organisations_outside(client, tree, campaign, committee):
    sub = make_org("Đảng bộ cơ sở trường học", parent=tree.branch_a, kind_code="dang-bo-co-so")
    make_org("Chi bộ giáo viên", parent=sub)
    client.force_login(committee)
    url = reverse("meetings:overview", args=[campaign.pk])
    body = _text(client.get(url))
    assert f'href="?org={sub.pk}"' in body
    response = client.get(url, {"org": sub.pk})
    assert response.context["states"].total == 1
    assert f'href="?org={tree.branch_a.pk}"' in _text(response)  # up again
    assert client.get(url, {"org": tree.branch_b.pk}).status_code == 404
    assert client.get(url, {"org": "x"}).status_code == 404


def test_overview_queries_do_not_grow_with_cells(
    client, tree, campaign, committee, django_assert_max_num_queries
):
    def cells(prefix):
        for n, offset in enumerate((3, -3, 5)):
            cell = make_org(f"{prefix} {n}", parent=tree.branch_a)
            meeting = register(campaign, cell, phases=[phase(day(offset))])
            if n == 2:
                Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.HELD)

    cells("Chi bộ A")
    client.force_login(committee)
    url = reverse("meetings:overview", args=[campaign.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        cells(f"Chi bộ {n}")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few.captured_queries) == len(many.captured_queries)
    with django_assert_max_num_queries(14):
        client.get(url)


def test_calendar_shows_the_month_s_phases(client, tree, campaign, committee, more_members):
    register(
        campaign,
        tree.cell_a,
        phases=[
            phase(day(0), place="Hội trường A", members=[tree.member_a, more_members[0]]),
            phase(day(1), place="Hội trường B", members=[more_members[1]]),
        ],
    )
    client.force_login(committee)
    url = reverse("meetings:calendar", args=[campaign.pk])
    month = day(0).strftime("%Y-%m")
    body = _text(client.get(url, {"month": month}))
    assert "Hội trường A" in body
    assert "1/2" in body
    assert f'data-cell="{tree.cell_a.pk}"' in body
    other = (day(0).replace(day=1) - datetime.timedelta(days=40)).strftime("%Y-%m")
    assert "Hội trường A" not in _text(client.get(url, {"month": other}))
    assert client.get(url, {"month": "không-phải"}).status_code == 200


# The API ----------------------------------------------------------------------------------------


def _api(client, method, url, body=None):
    call = getattr(client, method)
    if body is None:
        return call(url)
    return call(url, data=json.dumps(body), content_type="application/json")


def test_api_registers_reads_and_changes_a_meeting(client, tree, campaign, secretary):
    client.force_login(secretary)
    url = reverse("api:meetings_registration", args=[campaign.pk, tree.cell_a.pk])
    empty = _api(client, "get", url).json()
    assert empty["meeting"] is None
    assert [m["id"] for m in empty["members"]] == [tree.member_a.pk]

    bad = _api(client, "post", url, {"phases": [{"on": "2000-01-01", "place": "Hội trường"}]})
    assert bad.status_code == 400
    assert "01/01/2000" in bad.json()["detail"]

    created = _api(
        client,
        "post",
        url,
        {"phases": [{"on": day(3).isoformat(), "at": "08:00", "place": "Hội trường"}]},
    )
    assert created.status_code == 201, created.content
    meeting = created.json()
    assert meeting["state"] == "registered"
    assert meeting["phases"][0]["on"] == day(3).isoformat()

    detail = reverse("api:meetings_detail", args=[meeting["id"]])
    stale = _api(
        client,
        "patch",
        detail,
        {"version": meeting["version"] - 1, "phases": [{"on": day(9).isoformat(), "place": "X"}]},
    )
    assert stale.status_code == 409
    no_reason = _api(
        client,
        "patch",
        detail,
        {"version": meeting["version"], "phases": [{"on": day(9).isoformat(), "place": "X"}]},
    )
    assert no_reason.status_code == 400
    assert "reason" in no_reason.json()["errors"]
    changed = _api(
        client,
        "patch",
        detail,
        {
            "version": meeting["version"],
            "phases": [{"on": day(9).isoformat(), "place": "X"}],
            "reason": "Hoãn vì mưa bão",
        },
    ).json()
    assert changed["version"] == meeting["version"] + 1
    assert changed["changes"][0]["reason"] == "Hoãn vì mưa bão"
    assert changed["changes"][0]["phases"][0]["fields"]["on"][1] == day(9).isoformat()
    assert "conclusion" not in changed and "comments_to_committee" not in changed


def test_api_cell_states_and_calendar_for_a_committee(client, tree, campaign, committee):
    register(campaign, tree.cell_a, phases=[phase(day(0))])
    client.force_login(committee)
    url = reverse("api:meetings_cell_states", args=[campaign.pk, tree.branch_a.pk])
    data = client.get(url).json()
    assert data["counts"] == {"not_registered": 1, "registered": 1, "overdue": 0, "held": 0}
    assert {c["id"] for c in data["cells"]} == {tree.cell_a.pk, tree.cell_a2.pk}
    only = client.get(url, {"state": "not_registered"}).json()
    assert [c["id"] for c in only["cells"]] == [tree.cell_a2.pk]
    assert client.get(url, {"state": "nonsense"}).status_code == 422
    calendar = reverse("api:meetings_calendar", args=[campaign.pk, tree.branch_a.pk])
    phases = client.get(calendar, {"month": day(0).strftime("%Y-%m")}).json()
    assert [p["cell"]["id"] for p in phases] == [tree.cell_a.pk]
    other = reverse("api:meetings_cell_states", args=[campaign.pk, tree.branch_b.pk])
    assert client.get(other).status_code == 404


def test_api_cancel_and_visit_note(client, tree, campaign, secretary, supervisor, committee):
    meeting = register(campaign, tree.cell_a, actor=secretary)
    note_url = reverse("api:meetings_visit_note", args=[meeting.pk])
    client.force_login(committee)
    assert _api(client, "post", note_url, {"text": "Ghi chú"}).status_code == 403
    client.force_login(supervisor)
    created = _api(client, "post", note_url, {"attended": False, "text": "Không dự được"})
    assert created.status_code == 201
    assert created.json()["attended"] is False
    supervision = client.get(reverse("api:meetings_my_assignments")).json()
    assert [m["id"] for m in supervision["items"]] == [meeting.pk]
    client.force_login(secretary)
    cancel = reverse("api:meetings_cancel", args=[meeting.pk])
    done = _api(client, "post", cancel, {"version": meeting.version, "reason": "Giải thể"})
    assert done.status_code == 200
    assert done.json()["state"] == "cancelled"


def test_messages_of_the_register_page_address_the_user(client, tree, campaign, secretary):
    client.force_login(secretary)
    url = reverse("meetings:register", args=[campaign.pk, tree.cell_a.pk])
    response = client.post(url, {"phase_count": "1", "save": "1", **_phase_data(1, day(2))})
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"]
