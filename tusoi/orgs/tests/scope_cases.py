from tusoi.orgs.models import OrgKind
from tusoi.orgs.permissions import Role
from tusoi.testing.scope import ScopeCase


def _cell_kind_pk() -> int:
    return OrgKind.objects.get(code="chi-bo").pk


PUBLIC = {"orgs:tree": "lists only the roots of the caller's own scope"}
CASES = [
    ScopeCase("orgs:detail", kwargs=lambda t: {"pk": t.cell_a.pk}, role=Role.COMMITTEE),
    ScopeCase(
        "orgs:detail",
        kwargs=lambda t: {"pk": t.cell_a.pk},
        role=Role.SECRETARY,
        grant_on=lambda t: t.cell_a,
        sibling_on=lambda t: t.cell_a2,
        label="secretary",
    ),
    ScopeCase("orgs:children", kwargs=lambda t: {"pk": t.branch_a.pk}, role=Role.COMMITTEE),
    ScopeCase("orgs:create_child", kwargs=lambda t: {"pk": t.branch_a.pk}, role=Role.COMMITTEE),
    ScopeCase(
        "orgs:create_child",
        kwargs=lambda t: {"pk": t.branch_a.pk},
        role=Role.COMMITTEE,
        method="post",
        data=lambda t: {"code": "A9", "name": "Chi bộ khu phố 9", "kind": _cell_kind_pk()},
        ok_status=302,
    ),
    ScopeCase("orgs:edit", kwargs=lambda t: {"pk": t.cell_a.pk}, role=Role.COMMITTEE),
    ScopeCase(
        "orgs:edit",
        kwargs=lambda t: {"pk": t.cell_a.pk},
        role=Role.COMMITTEE,
        method="post",
        data=lambda t: {"code": "A1", "name": "Chi bộ khu phố Một", "kind": _cell_kind_pk()},
        ok_status=302,
    ),
    ScopeCase("orgs:move", kwargs=lambda t: {"pk": t.cell_a.pk}, role=Role.COMMITTEE),
    ScopeCase(
        "orgs:move",
        kwargs=lambda t: {"pk": t.cell_a.pk},
        role=Role.COMMITTEE,
        method="post",
        data=lambda t: {"parent": "A2"},
        ok_status=302,
    ),
]
