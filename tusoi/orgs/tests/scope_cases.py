from tusoi.orgs.permissions import Role
from tusoi.testing.scope import ScopeCase

CASES = [
    ScopeCase("orgs:detail", kwargs=lambda t: {"pk": t.cell_a.pk}, role=Role.COMMITTEE),
]
