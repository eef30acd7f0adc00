"""Every URL pattern has a scope test: anonymous is sent away, a user granted the sibling subtree
gets 404, and a user granted the object's subtree gets through."""

import importlib
import json
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tusoi
from tusoi.testing.factories import grant
from tusoi.testing.scope import ScopeCase

# URL names outside the scope rules, each with why.
FRAMEWORK_PUBLIC = {
    "admin:*": "Django admin: superusers only, guarded by Django itself",
    "api:openapi-json": "the API's schema describes endpoints, not data",
    "api:openapi-view": "the API's interactive docs page, no data",
    "api:api-root": "the API index, no data",
}


def _collect():
    cases: list[ScopeCase] = []
    public: dict[str, str] = dict(FRAMEWORK_PUBLIC)
    for mod in pkgutil.iter_modules(tusoi.__path__):
        if not mod.ispkg:
            continue
        try:
            tests_package = importlib.import_module(f"tusoi.{mod.name}.tests")
        except ModuleNotFoundError:
            continue
        # scope_cases.py, and scope_cases_<part>.py where an app splits them by feature.
        for sub in pkgutil.iter_modules(tests_package.__path__):
            if sub.name != "scope_cases" and not sub.name.startswith("scope_cases_"):
                continue
            scope_module = importlib.import_module(f"tusoi.{mod.name}.tests.{sub.name}")
            cases.extend(getattr(scope_module, "CASES", []))
            public.update(getattr(scope_module, "PUBLIC", {}))
    # The JSON API's endpoints span apps; their cases live beside the API tests.
    api_module = importlib.import_module("tusoi.tests.api_scope_cases")
    cases.extend(api_module.CASES)
    public.update(api_module.PUBLIC)
    return cases, public


CASES, PUBLIC = _collect()


def _url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    resolver = resolver or get_resolver()
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            prefix = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            names |= _url_names(pattern, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def _is_public(name: str) -> bool:
    return name in PUBLIC or any(key.endswith(":*") and name.startswith(key[:-1]) for key in PUBLIC)


def test_every_url_pattern_has_a_scope_case():
    covered = {c.url_name for c in CASES}
    missing = sorted(n for n in _url_names() if n not in covered and not _is_public(n))
    assert not missing, f"URL patterns without a scope test: {missing}"


def _request(client, case: ScopeCase, tree):
    url = reverse(case.url_name, kwargs=case.kwargs(tree))
    body = case.data(tree) if case.data else None
    call = getattr(client, case.method)
    if case.json:
        return call(url, data=json.dumps(body or {}), content_type="application/json")
    return call(url, data=body) if body is not None else call(url)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_anonymous_is_sent_to_log_in(client, tree, case):
    response = _request(client, case, tree)
    if case.is_api:
        assert response.status_code == 401
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_user_of_sibling_subtree_gets_404(client, tree, make_user, case):
    user = make_user()
    grant(user, case.sibling_on(tree), case.role)
    client.force_login(user)
    response = _request(client, case, tree)
    assert response.status_code == 404, response.content[:300]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_user_in_scope_gets_through(client, tree, make_user, case):
    user = make_user()
    grant(user, case.grant_on(tree), case.role)
    client.force_login(user)
    response = _request(client, case, tree)
    assert response.status_code == case.ok_status, response.content[:500]
