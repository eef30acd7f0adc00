"""The JSON API at /api/v1/: one NinjaAPI; each app adds its router from its own api.py.

Callers authenticate with a bearer token (`Authorization: Bearer <key>`) or the browser session
(CSRF-checked on writes). Every error has one shape, `{"detail": message, "errors": {field:
[messages]}}`, in the caller's language; out-of-scope objects answer 404 exactly like missing ones.
Dates travel as ISO (YYYY-MM-DD), the API convention; pages show dd/mm/yyyy.
"""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from tusoi.accounts.services import api_token_authenticate
from tusoi.members.services import StaleEdit
from tusoi.reports.services.reviews import StaleReport

MAX_PAGE = 500

# The names people read for the fields the API accepts; error details name fields with these.
FIELD_LABELS: dict[str, Any] = {
    "card_number": gettext_lazy("party card number"),
    "full_name": gettext_lazy("full name"),
    "birth_date": gettext_lazy("date of birth"),
    "gender": gettext_lazy("gender"),
    "citizen_id": gettext_lazy("citizen ID number"),
    "phone": gettext_lazy("phone"),
    "email": gettext_lazy("e-mail"),
    "admitted_on": gettext_lazy("date admitted"),
    "official_on": gettext_lazy("official date"),
    "job": gettext_lazy("job"),
    "position": gettext_lazy("position"),
    "is_leader": gettext_lazy("leader or manager"),
    "life_situation": gettext_lazy("life situation"),
    "works_away": gettext_lazy("working far from home"),
    "elderly_frail": gettext_lazy("elderly or frail"),
    "cell": gettext_lazy("cell"),
    "version": gettext_lazy("version of the record you read"),
    "change": gettext_lazy("change"),
    "on": gettext_lazy("date of the change"),
    "to_cell": gettext_lazy("destination cell"),
    "reason": gettext_lazy("reason"),
    "status": gettext_lazy("activity status"),
    "parent": gettext_lazy("parent organisation"),
    "kind": gettext_lazy("organisation kind"),
    "q": gettext_lazy("search text"),
    "limit": gettext_lazy("page size"),
    "offset": gettext_lazy("offset"),
    # Self-review reports (tusoi/reports/api.py)
    "campaign_id": gettext_lazy("campaign"),
    "member_id": gettext_lazy("member"),
    "content": gettext_lazy("report content"),
    "sections": gettext_lazy("report sections"),
    "checklist": gettext_lazy("self-assessment checklist"),
    "commitments": gettext_lazy("self-correction plan"),
    "proxy_reason": gettext_lazy("why you are entering the member's report"),
    "note": gettext_lazy("note"),
}


def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name.split(".")[0], name))


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict)


# Documented on each operation; the handlers below produce these bodies.
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class PasswordChangeRequired(HttpError):
    def __init__(self) -> None:
        super().__init__(
            403,
            _(
                "Set your own password first: log in on the website and change the one-time "
                "password, then use the API."
            ),
        )


def _usable(user: Any, *, allow_pending_password: bool) -> Any | None:
    if user is None or not user.is_active:
        return None
    if user.must_change_password and not allow_pending_password:
        raise PasswordChangeRequired()
    return user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <key>`; revoked tokens and inactive users are refused."""

    def __init__(self, *, allow_pending_password: bool = False) -> None:
        self.allow_pending_password = allow_pending_password
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = api_token_authenticate(token) if token else None
        return _usable(user, allow_pending_password=self.allow_pending_password)


class SessionAuth(APIKeyCookie):
    """The browser's Django session; writes need the CSRF token like any form. An anonymous
    caller gets 401 (not a CSRF 403), so the answer says what is actually missing."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self, *, allow_pending_password: bool = False) -> None:
        self.allow_pending_password = allow_pending_password
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Any | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise HttpError(
                403, _("The security token (CSRF) is missing or wrong; reload the page and retry.")
            )
        return _usable(user, allow_pending_password=self.allow_pending_password)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        return None  # __call__ does the work; required by the base class


AUTH = [TokenAuth(), SessionAuth()]
# Only "who am I" answers a user who still has to set their password, so a client can tell them.
AUTH_PENDING_PASSWORD_OK = [
    TokenAuth(allow_pending_password=True),
    SessionAuth(allow_pending_password=True),
]


class Pagination(LimitOffsetPagination):
    """limit/offset, at most 500 rows a page."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_PAGE)
        offset: int = Field(0, ge=0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_PAGE, **kwargs)


# Validation errors -------------------------------------------------------------------------------

_PYDANTIC_MESSAGES: dict[str, Any] = {
    "missing": gettext_lazy("This field is required."),
    "not_null": gettext_lazy("This field cannot be null; send an empty text to clear it."),
    "date_parsing": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_inexact": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "date_type": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_type": gettext_lazy("Enter a whole number."),
    "int_from_float": gettext_lazy("Enter a whole number."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "bool_type": gettext_lazy("Enter true or false."),
    "string_type": gettext_lazy("Enter text."),
    "extra_forbidden": gettext_lazy("This field is not accepted here."),
    "model_attributes_type": gettext_lazy("Send a JSON object."),
    "dict_type": gettext_lazy("Send a JSON object."),
    "model_type": gettext_lazy("Send a JSON object."),
    "email": gettext_lazy("Enter a valid e-mail address."),
}


def _pydantic_message(error: Mapping[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "greater_than_equal":
        return _("Enter a number of at least %(limit)s.") % {"limit": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("Enter a number of at most %(limit)s.") % {"limit": ctx.get("le")}
    if kind == "string_too_long":
        return _("Enter at most %(n)s characters.") % {"n": ctx.get("max_length")}
    if kind == "enum":
        values = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return _("Choose one of: %(values)s.") % {"values": ", ".join(values)}
    return str(_PYDANTIC_MESSAGES.get(kind, gettext_lazy("This value is not valid.")))


def _field_path(loc: Iterable[Any]) -> str:
    """("body", "payload", "birth_date") -> "birth_date"; ("query", "limit") -> "limit"."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form", "file"}:
        parts = parts[1:]
        if parts and parts[0] in {"payload", "filters", "pagination"}:
            parts = parts[1:]  # the operation's parameter name, not a field the caller sent
    return ".".join(parts) or "__all__"


def _invalid(request: HttpRequest, errors: dict[str, list[str]], *, status: int) -> HttpResponse:
    fields = [name for name in errors if name != "__all__"]
    if fields:
        detail = _("Please correct: %(fields)s.") % {
            "fields": ", ".join(field_label(name) for name in fields)
        }
    else:
        detail = " ".join(errors.get("__all__", [])) or _("The request is not valid.")
    return api.create_response(request, {"detail": detail, "errors": errors}, status=status)


def _on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_field_path(error.get("loc", ())), []).append(_pydantic_message(error))
    return _invalid(request, errors, status=422)


def _on_service_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = {
            ("__all__" if name == "__all__" else name): [str(m) for m in messages]
            for name, messages in exc.message_dict.items()
        }
    else:
        errors = {"__all__": [str(m) for m in exc.messages]}
    return _invalid(request, errors, status=400)


def _on_stale_edit(request: HttpRequest, exc: StaleEdit) -> HttpResponse:
    return api.create_response(
        request, {"detail": " ".join(exc.messages), "errors": {}}, status=409
    )


def _on_stale_report(request: HttpRequest, exc: StaleReport) -> HttpResponse:
    """A report saved elsewhere first: the client learns the version to reload and the
    revision that keeps the text it sent (None when nothing was kept, as for a stale submit)."""
    return api.create_response(
        request,
        {
            "detail": " ".join(exc.messages),
            "errors": {},
            "current_version": exc.current.version,
            "kept_revision": exc.kept.number if exc.kept is not None else None,
        },
        status=409,
    )


def _on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(
        request, {"detail": _("Not found (or outside your scope)."), "errors": {}}, status=404
    )


def _on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": _("Log in, or send an API token: Authorization: Bearer <key>."), "errors": {}},
        status=401,
    )


def _on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    detail = str(exc) or _("You may not do this.")
    return api.create_response(request, {"detail": detail, "errors": {}}, status=403)


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    detail = str(exc)
    if detail.startswith("Cannot parse request body"):
        detail = _("The request body is not valid JSON.")
    return api.create_response(request, {"detail": detail, "errors": {}}, status=exc.status_code)


api = NinjaAPI(
    title="TuSoi API",
    version="1",
    description=(
        "Organisations, members and the caller's own account, within the caller's scope. "
        "Authenticate with `Authorization: Bearer <key>` or the browser session (send the "
        "CSRF token on writes). Errors: `{detail, errors: {field: [messages]}}`; "
        "dates are YYYY-MM-DD."
    ),
    urls_namespace="api",
    auth=AUTH,
)
api.add_exception_handler(NinjaValidationError, _on_schema_error)
api.add_exception_handler(DjangoValidationError, _on_service_error)
api.add_exception_handler(StaleEdit, _on_stale_edit)
# Looked up along the exception's MRO, so this subclass's handler wins over StaleEdit's.
api.add_exception_handler(StaleReport, _on_stale_report)
api.add_exception_handler(Http404, _on_not_found)
api.add_exception_handler(AuthenticationError, _on_unauthenticated)
api.add_exception_handler(PermissionDenied, _on_forbidden)
api.add_exception_handler(HttpError, _on_http_error)

# Routers are named by import path: they import the helpers above from this module.
api.add_router("/orgs", "tusoi.orgs.api.router", tags=["organisations"])
api.add_router("/members", "tusoi.members.api.router", tags=["members"])
api.add_router("", "tusoi.accounts.api.router", tags=["account"])
api.add_router("/jobs", "tusoi.jobs.api.router", tags=["jobs"])
api.add_router("/campaigns", "tusoi.campaigns.api.router", tags=["campaigns"])
api.add_router("/reports", "tusoi.reports.api.router", tags=["reports"])
api.add_router("/notifications", "tusoi.notifications.api.router", tags=["notifications"])
api.add_router("/meetings", "tusoi.meetings.api.router", tags=["meetings"])
api.add_router("/activities", "tusoi.activities.api.router", tags=["activities"])
api.add_router("/monitoring", "tusoi.monitoring.api.router", tags=["monitoring"])
