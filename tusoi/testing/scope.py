"""The scope-test registry. Each app lists, in `tusoi/<app>/tests/scope_cases.py`, one ScopeCase
per URL pattern it defines (and PUBLIC names that need no scope, each with its reason).
`tusoi/tests/test_scope.py` runs every case three ways and fails when a URL pattern has no case:
- anonymous: sent to log in (pages) or refused with 401 (API);
- a user holding the same role on the sibling branch: 404, never the object;
- a user holding the role where the object is: the expected success status.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ScopeCase:
    url_name: str  # "orgs:detail", or "api:<operation url_name>"
    kwargs: Callable[[Any], dict[str, Any]]  # tree -> URL kwargs naming an object in branch A
    role: str  # a tusoi.orgs.permissions.Role value
    # tree -> the organisation the in-scope user holds the role on, and its sibling-branch twin
    grant_on: Callable[[Any], Any] = field(default=lambda t: t.branch_a)
    sibling_on: Callable[[Any], Any] = field(default=lambda t: t.branch_b)
    method: str = "get"
    data: Callable[[Any], dict[str, Any]] | None = None  # tree -> POST/JSON body
    ok_status: int = 200
    json: bool = False  # send `data` as a JSON body (API)
    label: str = ""  # distinguishes two cases of one URL name

    @property
    def is_api(self) -> bool:
        return self.url_name.startswith("api:")

    @property
    def id(self) -> str:
        return f"{self.url_name}[{self.method}{'/' + self.label if self.label else ''}]"
