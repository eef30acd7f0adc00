from tusoi.orgs.permissions import Role
from tusoi.testing.scope import ScopeCase

PUBLIC = {
    "imports:template": "a blank template holds no data",
    "imports:detail": "a user's own uploads only (tested in test_flow)",
    "imports:status": "a user's own uploads only (tested in test_flow)",
    "imports:confirm": "a user's own uploads only (tested in test_flow)",
    "imports:errors": "a user's own uploads only (tested in test_flow)",
}
CASES = [
    ScopeCase(
        "imports:start",
        kwargs=lambda t: {"kind": "members", "org_pk": t.branch_a.pk},
        role=Role.COMMITTEE,
        label="members",
    ),
    ScopeCase(
        "imports:start",
        kwargs=lambda t: {"kind": "orgs", "org_pk": t.branch_a.pk},
        role=Role.COMMITTEE,
        label="orgs",
    ),
    ScopeCase(
        "imports:start",
        kwargs=lambda t: {"kind": "roles", "org_pk": t.cell_a.pk},
        role=Role.COMMITTEE,
        grant_on=lambda t: t.branch_a,
        label="roles",
    ),
    ScopeCase(
        "imports:export",
        kwargs=lambda t: {"kind": "members", "org_pk": t.branch_a.pk},
        role=Role.COMMITTEE,
        label="members",
    ),
    ScopeCase(
        "imports:export",
        kwargs=lambda t: {"kind": "orgs", "org_pk": t.branch_a.pk},
        role=Role.COMMITTEE,
        label="orgs",
    ),
    ScopeCase(
        "imports:export",
        kwargs=lambda t: {"kind": "roles", "org_pk": t.branch_a.pk},
        role=Role.COMMITTEE,
        label="roles",
    ),
    ScopeCase(
        "imports:export",
        kwargs=lambda t: {"kind": "members", "org_pk": t.cell_a.pk},
        role=Role.SECRETARY,
        grant_on=lambda t: t.cell_a,
        sibling_on=lambda t: t.cell_b,
        label="secretary",
    ),
]
