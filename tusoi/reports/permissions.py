"""Who may change what in reports, expressed through the one scope mechanism
(tusoi.orgs.permissions.scope_for)."""

from typing import Any

from tusoi.orgs.permissions import Action, Role, scope_for
from tusoi.orgs.tree import depth_of

# The reference lists are national texts: only a root organisation's committee edits them.
REFERENCE_EDIT_ROLES = frozenset({Role.COMMITTEE, Role.ADMIN})


def can_edit_reference_lists(user: Any) -> bool:
    scope = scope_for(user)
    if scope.is_global(Action.EDIT_ORGS):
        return True
    return any(
        role in REFERENCE_EDIT_ROLES and depth_of(path) == 0 for role, path, _org in scope.grants
    )


def can_edit_templates_of(user: Any, org_path: str) -> bool:
    """A committee edits the templates of organisations inside its subtree."""
    return scope_for(user).covers(Action.EDIT_ORGS, org_path)
