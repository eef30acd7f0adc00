from tusoi.orgs.permissions import Role
from tusoi.testing.scope import ScopeCase

PUBLIC = {"members:search": "searches only inside the caller's own scope"}
CASES = [
    ScopeCase("members:detail", kwargs=lambda t: {"pk": t.member_a.pk}, role=Role.COMMITTEE),
]
