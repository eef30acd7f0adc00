"""Scope cases of meeting registration (pages and API). Writes: the secretary of cell A gets
through, the secretary of cell B gets 404. Reads: committee staff of branch A get through, of
branch B 404. Visit notes: a supervisor of branch A, not one of branch B."""

from tusoi.meetings.models import Meeting
from tusoi.orgs.permissions import Role
from tusoi.testing.scope import ScopeCase

from .conftest import day, make_open_campaign, register


def _campaign(t):
    return make_open_campaign(t.province)


def _meeting(t) -> Meeting:
    """Cell A's meeting in a new open province campaign, registered by its secretary."""
    return register(_campaign(t), t.cell_a)


def _version(t) -> int:
    return Meeting.objects.get(cell=t.cell_a).version


def _secretary(**kwargs) -> dict:
    return {
        "role": Role.SECRETARY,
        "grant_on": lambda t: t.cell_a,
        "sibling_on": lambda t: t.cell_b,
        **kwargs,
    }


COMMITTEE = {"role": Role.COMMITTEE}
SUPERVISOR = {"role": Role.SUPERVISOR}


def _page_phase(t) -> dict:
    return {
        "phase_count": "1",
        "save": "1",
        "version": _version(t) if Meeting.objects.filter(cell=t.cell_a).exists() else "",
        "phase-1-on": day(3).strftime("%d/%m/%Y"),
        "phase-1-at": "08:00",
        "phase-1-place": "Hội trường khu phố 1",
        "phase-1-online_link": "",
        "reason": "Hoãn vì trùng lịch",
    }


def _api_phases() -> list[dict]:
    return [{"on": day(4).isoformat(), "at": "08:00", "place": "Hội trường khu phố 1"}]


PUBLIC = {
    # Per owner: the logged-in supervisor's own assignments, no object in the URL (tested in
    # test_registration_views.py: another branch's meetings are not listed).
    "meetings:my_assignments": "the caller's own supervision assignments",
    "api:meetings_my_assignments": "the caller's own supervision assignments",
}

CASES = [
    # Pages
    ScopeCase(
        "meetings:overview",
        kwargs=lambda t: {"campaign_pk": _campaign(t).pk},
        data=lambda t: {"org": t.branch_a.pk},
        **COMMITTEE,
    ),
    ScopeCase(
        "meetings:calendar",
        kwargs=lambda t: {"campaign_pk": _meeting(t).campaign_id},
        data=lambda t: {"org": t.branch_a.pk},
        **COMMITTEE,
    ),
    ScopeCase(
        "meetings:register",
        kwargs=lambda t: {"campaign_pk": _campaign(t).pk, "org_pk": t.cell_a.pk},
        **_secretary(),
    ),
    ScopeCase(
        "meetings:register",
        kwargs=lambda t: {"campaign_pk": _campaign(t).pk, "org_pk": t.cell_a.pk},
        **_secretary(method="post", data=_page_phase, ok_status=302),
    ),
    ScopeCase("meetings:detail", kwargs=lambda t: {"pk": _meeting(t).pk}, **COMMITTEE),
    ScopeCase(
        "meetings:detail",
        kwargs=lambda t: {"pk": _meeting(t).pk},
        label="supervisor",
        **SUPERVISOR,
    ),
    ScopeCase("meetings:change", kwargs=lambda t: {"pk": _meeting(t).pk}, **_secretary()),
    ScopeCase(
        "meetings:change",
        kwargs=lambda t: {"pk": _meeting(t).pk},
        **_secretary(method="post", data=_page_phase, ok_status=302),
    ),
    ScopeCase(
        "meetings:visit_note",
        kwargs=lambda t: {"pk": _meeting(t).pk},
        method="post",
        data=lambda t: {"attended": "on", "text": "Chi bộ chuẩn bị chu đáo."},
        ok_status=302,
        **SUPERVISOR,
    ),
    # API
    ScopeCase(
        "api:meetings_cell_states",
        kwargs=lambda t: {"campaign_id": _campaign(t).pk, "org_id": t.branch_a.pk},
        **COMMITTEE,
    ),
    ScopeCase(
        "api:meetings_calendar",
        kwargs=lambda t: {"campaign_id": _meeting(t).campaign_id, "org_id": t.branch_a.pk},
        data=lambda t: {"month": day(0).strftime("%Y-%m")},
        **COMMITTEE,
    ),
    ScopeCase(
        "api:meetings_registration",
        kwargs=lambda t: {"campaign_id": _campaign(t).pk, "org_id": t.cell_a.pk},
        **_secretary(),
    ),
    ScopeCase(
        "api:meetings_register",
        kwargs=lambda t: {"campaign_id": _campaign(t).pk, "org_id": t.cell_a.pk},
        **_secretary(
            method="post", data=lambda t: {"phases": _api_phases()}, json=True, ok_status=201
        ),
    ),
    ScopeCase("api:meetings_detail", kwargs=lambda t: {"id": _meeting(t).pk}, **COMMITTEE),
    ScopeCase(
        "api:meetings_change",
        kwargs=lambda t: {"id": _meeting(t).pk},
        **_secretary(
            method="patch",
            data=lambda t: {
                "version": _version(t),
                "phases": _api_phases(),
                "reason": "Hoãn vì trùng lịch",
            },
            json=True,
        ),
    ),
    ScopeCase(
        "api:meetings_cancel",
        kwargs=lambda t: {"id": _meeting(t).pk},
        **_secretary(
            method="post",
            data=lambda t: {"version": _version(t), "reason": "Chi bộ sáp nhập"},
            json=True,
        ),
    ),
    ScopeCase(
        "api:meetings_visit_note",
        kwargs=lambda t: {"id": _meeting(t).pk},
        method="post",
        data=lambda t: {"attended": True, "text": "Chi bộ chuẩn bị chu đáo."},
        json=True,
        ok_status=201,
        **SUPERVISOR,
    ),
]
