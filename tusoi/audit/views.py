from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tusoi.audit.models import AuditEvent
from tusoi.audit.selectors import (
    FieldChange,
    audit_events_of_member,
    audit_events_of_subtree,
    event_changes,
)
from tusoi.members.selectors import members_visible_to
from tusoi.orgs.permissions import Action
from tusoi.orgs.selectors import organizations_visible_to
from tusoi.orgs.views import org_breadcrumbs

PAGE_SIZE = 50


@dataclass(frozen=True)
class EventRow:
    event: AuditEvent
    changes: list[FieldChange]


def _render_events(request, events, context: dict):
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [EventRow(event=e, changes=event_changes(e)) for e in page.object_list]
    return render(request, "audit/events.html", {**context, "page": page, "rows": rows})


@login_required
def org_events(request, pk: int):
    org = get_object_or_404(organizations_visible_to(request.user, Action.VIEW_AUDIT), pk=pk)
    crumbs = [*org_breadcrumbs(request.user, org), (_("Change history"), None)]
    return _render_events(
        request,
        audit_events_of_subtree(request.user, org),
        {
            "title": _("Change history of %(org)s") % {"org": org.name},
            "subject": org,
            "crumbs": crumbs,
        },
    )


@login_required
def member_events(request, pk: int):
    member = get_object_or_404(members_visible_to(request.user, Action.VIEW_AUDIT), pk=pk)
    return _render_events(
        request,
        audit_events_of_member(request.user, member.pk),
        {
            "title": _("Change history of %(name)s") % {"name": member.full_name},
            "subject": member,
            "crumbs": [
                *org_breadcrumbs(request.user, member.cell),
                (member.full_name, reverse("members:detail", args=[member.pk])),
                (_("Change history"), None),
            ],
        },
    )
