from tusoi.orgs.permissions import Role
from tusoi.testing.scope import ScopeCase

CASES = [
    ScopeCase("audit:org", kwargs=lambda t: {"pk": t.cell_a.pk}, role=Role.COMMITTEE),
    ScopeCase(
        "audit:org",
        kwargs=lambda t: {"pk": t.branch_a.pk},
        role=Role.ADMIN,
        label="admin",
    ),
    ScopeCase("audit:member", kwargs=lambda t: {"pk": t.member_a.pk}, role=Role.COMMITTEE),
]
