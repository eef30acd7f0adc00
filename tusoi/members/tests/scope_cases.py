from tusoi.orgs.permissions import Role
from tusoi.testing.scope import ScopeCase


def _member_fields(t, **overrides):
    """A complete, valid member form for branch A's first member."""
    m = t.member_a
    data = {
        "full_name": m.full_name,
        "card_number": m.card_number,
        "birth_date": m.birth_date.strftime("%d/%m/%Y"),
        "gender": m.gender,
        "admitted_on": m.admitted_on.strftime("%d/%m/%Y"),
        "official_on": m.official_on.strftime("%d/%m/%Y") if m.official_on else "",
        "phone": "0912 345 678",
        "version": m.version,
    }
    data.update(overrides)
    return data


PUBLIC = {
    "members:search": "searches only inside the caller's own scope",
    # Tested in test_views.py: a sibling-branch user does not see branch A's duplicates.
    "members:duplicates": "lists only the caller's own scope",
}
CASES = [
    ScopeCase("members:detail", kwargs=lambda t: {"pk": t.member_a.pk}, role=Role.COMMITTEE),
    ScopeCase(
        "members:detail",
        kwargs=lambda t: {"pk": t.member_a.pk},
        role=Role.SECRETARY,
        grant_on=lambda t: t.cell_a,
        sibling_on=lambda t: t.cell_a2,
        label="secretary",
    ),
    ScopeCase(
        "members:create",
        kwargs=lambda t: {},
        data=lambda t: {"cell": t.cell_a.pk},
        role=Role.COMMITTEE,
    ),
    ScopeCase(
        "members:create",
        kwargs=lambda t: {},
        data=lambda t: {"cell": t.cell_a.pk},
        role=Role.SECRETARY,
        grant_on=lambda t: t.cell_a,
        sibling_on=lambda t: t.cell_a2,
        label="secretary",
    ),
    ScopeCase("members:edit", kwargs=lambda t: {"pk": t.member_a.pk}, role=Role.COMMITTEE),
    ScopeCase(
        "members:edit",
        kwargs=lambda t: {"pk": t.member_a.pk},
        role=Role.SECRETARY,
        grant_on=lambda t: t.cell_a,
        sibling_on=lambda t: t.cell_a2,
        method="post",
        data=_member_fields,
        ok_status=302,
        label="secretary",
    ),
    ScopeCase("members:status", kwargs=lambda t: {"pk": t.member_a.pk}, role=Role.COMMITTEE),
    ScopeCase(
        "members:status",
        kwargs=lambda t: {"pk": t.member_a.pk},
        role=Role.COMMITTEE,
        method="post",
        data=lambda t: {"change": "exempted", "on": "01/02/2024", "reason": "Ốm dài ngày"},
        ok_status=302,
    ),
    ScopeCase(
        "members:merge",
        kwargs=lambda t: {},
        role=Role.COMMITTEE,
        method="post",
        data=lambda t: {"keep": t.member_a.pk, "drop": t.member_a2.pk},
        ok_status=302,
    ),
    ScopeCase(
        "members:dismiss",
        kwargs=lambda t: {},
        role=Role.COMMITTEE,
        method="post",
        data=lambda t: {"a": t.member_a.pk, "b": t.member_a2.pk},
        ok_status=302,
    ),
]
