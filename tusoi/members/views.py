"""Pages of the member registry. Each view starts from `members_visible_to(user, action)` (or
the organisations the user may edit), so a record outside the user's scope is simply not found."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tusoi.core.forms import apply_service_errors
from tusoi.members.forms import (
    MemberCreateForm,
    MemberEditForm,
    MemberForm,
    StatusChangeForm,
)
from tusoi.members.models import Member
from tusoi.members.selectors import (
    member_duplicate_pairs,
    member_history,
    member_search,
    members_visible_to,
)
from tusoi.members.services import (
    StaleEdit,
    member_change_status,
    member_create,
    member_duplicate_dismiss,
    member_merge,
    member_update,
)
from tusoi.orgs.permissions import Action, scope_for
from tusoi.orgs.selectors import cells, organizations_visible_to


def _pk(value: Any) -> int:
    """A primary key from the query string or a form; anything else is "not found"."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


@login_required
def detail(request, pk: int):
    member = get_object_or_404(members_visible_to(request.user).select_related("home_cell"), pk=pk)
    scope = scope_for(request.user)
    can = {
        action.value: scope.covers(action, member.cell.path)
        for action in (Action.EDIT_MEMBERS, Action.MANAGE_ACCOUNTS, Action.VIEW_AUDIT)
    }
    context = {"member": member, "history": member_history(member), "can": can}
    return render(request, "members/detail.html", context)


@login_required
def create(request):
    editable_cells = cells(organizations_visible_to(request.user, Action.EDIT_MEMBERS))
    cell = get_object_or_404(editable_cells, pk=_pk(request.GET.get("cell")))
    form = MemberCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = member_create(
                actor=request.user,
                cell=cell,
                registered_on=form.cleaned_data["registered_on"],
                **form.member_fields(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Member %(name)s added.") % {"name": member.full_name})
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/form.html", {"form": form, "cell": cell, "member": None})


def _display(member: Member, name: str) -> str:
    """How a saved field reads on the page, to set beside what the user typed."""
    value = getattr(member, name)
    field = Member._meta.get_field(name)
    if getattr(field, "choices", None):
        return str(getattr(member, f"get_{name}_display")())
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if value is None or value == "":
        return "—"
    if hasattr(value, "strftime"):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


@login_required
def edit(request, pk: int):
    member = get_object_or_404(members_visible_to(request.user, Action.EDIT_MEMBERS), pk=pk)
    initial = {name: getattr(member, name) for name in MemberForm.base_fields}
    initial["version"] = member.version
    form = MemberEditForm(request.POST or None, initial=initial)
    saved: dict[str, str] = {}  # name -> saved value differing from the typed one
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            member = member_update(
                actor=request.user,
                member=member,
                expected_version=form.cleaned_data["version"],
                **form.member_fields(),
            )
        except StaleEdit:
            # Keep every value the user typed; show the saved ones beside them. The form now
            # carries the saved version, so saving again is a deliberate choice, never silent.
            current = Member.objects.get(pk=member.pk)
            data = request.POST.copy()
            data["version"] = str(current.version)
            form = MemberEditForm(data, initial=initial)
            form.is_valid()
            form.add_error(
                None, _("Someone else changed this record after you opened it. Nothing was saved.")
            )
            saved = {
                name: _display(current, name)
                for name in MemberForm.base_fields
                if form.cleaned_data.get(name) != getattr(current, name)
            }
            member, conflict = current, True
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Changes to %(name)s saved.") % {"name": member.full_name})
            return redirect("members:detail", pk=member.pk)
    rows = [(form[name], saved.get(name)) for name in MemberForm.base_fields]
    context = {
        "form": form,
        "rows": rows,
        "member": member,
        "cell": member.cell,
        "conflict": conflict,
    }
    return render(request, "members/form.html", context)


@login_required
def status(request, pk: int):
    member = get_object_or_404(members_visible_to(request.user, Action.EDIT_MEMBERS), pk=pk)
    form = StatusChangeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = member_change_status(
                actor=request.user,
                member=member,
                change=data["change"],
                on=data["on"],
                to_cell=data["to_cell"],
                reason=data["reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("Change recorded for %(name)s.") % {"name": member.full_name}
            )
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/status.html", {"form": form, "member": member})


@login_required
def search(request):
    q = request.GET.get("q", "").strip()
    results = list(member_search(request.user, q)) if q else []
    scope = scope_for(request.user)
    edits = scope.is_global(Action.EDIT_MEMBERS) or bool(scope.paths(Action.EDIT_MEMBERS))
    context = {"q": q, "results": results, "can_review_duplicates": edits}
    template = "members/_search_results.html" if request.htmx else "members/search.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
def duplicates(request):
    pairs = member_duplicate_pairs(request.user)
    return render(request, "members/duplicates.html", {"pairs": pairs})


@login_required
@require_POST
def merge(request):
    editable = members_visible_to(request.user, Action.EDIT_MEMBERS)
    keep = get_object_or_404(editable, pk=_pk(request.POST.get("keep")))
    drop = get_object_or_404(editable, pk=_pk(request.POST.get("drop")))
    try:
        member_merge(actor=request.user, keep=keep, drop=drop)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Record %(drop)s merged into %(keep)s.") % {"drop": drop.card_number, "keep": keep},
        )
    return redirect("members:duplicates")


@login_required
@require_POST
def dismiss(request):
    editable = members_visible_to(request.user, Action.EDIT_MEMBERS)
    a = get_object_or_404(editable, pk=_pk(request.POST.get("a")))
    b = get_object_or_404(editable, pk=_pk(request.POST.get("b")))
    try:
        member_duplicate_dismiss(actor=request.user, a=a, b=b)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(a)s and %(b)s are kept as two different people.") % {"a": a, "b": b},
        )
    return redirect("members:duplicates")
