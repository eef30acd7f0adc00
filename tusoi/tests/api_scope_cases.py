"""Scope cases for the JSON API (tusoi/api.py and each app's api.py). Anonymous callers get 401,
a user granted the sibling branch 404, a user granted branch A the success status."""

from tusoi.orgs.permissions import Role
from tusoi.testing.scope import ScopeCase


def _new_member(t):
    return {
        "cell": t.cell_a.pk,
        "card_number": "77000001",
        "full_name": "Phạm Thị Dung",
        "birth_date": "1990-04-30",
        "gender": "female",
        "admitted_on": "2015-09-02",
    }


PUBLIC = {
    "api:me": "the caller's own account",
    # Lists take no object: they answer from the caller's scope. test_api_scope.py shows a
    # sibling-branch user's list holds nothing of branch A.
    "api:orgs_list": "lists only organisations inside the caller's own scope",
    "api:members_list": "lists only members inside the caller's own scope",
}

CASES = [
    ScopeCase("api:orgs_detail", kwargs=lambda t: {"id": t.cell_a.pk}, role=Role.COMMITTEE),
    ScopeCase("api:orgs_children", kwargs=lambda t: {"id": t.branch_a.pk}, role=Role.SUPERVISOR),
    ScopeCase("api:members_detail", kwargs=lambda t: {"id": t.member_a.pk}, role=Role.COMMITTEE),
    ScopeCase(
        "api:members_create",
        kwargs=lambda t: {},
        role=Role.SECRETARY,
        grant_on=lambda t: t.cell_a,
        sibling_on=lambda t: t.cell_b,
        method="post",
        data=_new_member,
        json=True,
        ok_status=201,
    ),
    ScopeCase(
        "api:members_update",
        kwargs=lambda t: {"id": t.member_a.pk},
        role=Role.COMMITTEE,
        method="patch",
        data=lambda t: {"version": t.member_a.version, "job": "Giáo viên"},
        json=True,
    ),
    ScopeCase(
        "api:members_status",
        kwargs=lambda t: {"id": t.member_a.pk},
        role=Role.ADMIN,
        method="post",
        data=lambda t: {"change": "exempted", "on": "2024-03-01", "reason": "Tuổi cao"},
        json=True,
    ),
]
