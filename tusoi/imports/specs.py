"""Which import spec serves which kind, and the permission each needs on the target root."""

import importlib
from dataclasses import dataclass, replace
from types import ModuleType

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tusoi.imports.models import ImportKind
from tusoi.orgs.permissions import Action


@dataclass(frozen=True)
class Spec:
    kind: str
    module_path: str
    action: Action
    title: Promise

    @property
    def module(self) -> ModuleType:
        return importlib.import_module(self.module_path)

    @property
    def columns(self) -> list:
        """The spec's columns with headers and notes translated now (they are lazy)."""
        return [replace(c, header=str(c.header), note=str(c.note)) for c in self.module.COLUMNS]


SPECS: dict[str, Spec] = {
    ImportKind.ORGS: Spec(
        ImportKind.ORGS, "tusoi.orgs.imports", Action.EDIT_ORGS, _("organisations")
    ),
    ImportKind.MEMBERS: Spec(
        ImportKind.MEMBERS, "tusoi.members.imports", Action.EDIT_MEMBERS, _("party members")
    ),
    ImportKind.ROLES: Spec(
        ImportKind.ROLES, "tusoi.accounts.imports", Action.GRANT_ROLES, _("role grants")
    ),
}
