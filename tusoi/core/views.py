from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from tusoi.campaigns.selectors import campaigns_open_for_member
from tusoi.members.selectors import members_visible_to
from tusoi.orgs.selectors import organization_roots_visible_to


@login_required
def home(request):
    """The user's own member record (when linked), the open campaigns covering their cell and
    the organisations they follow."""
    member = None
    open_campaigns: list = []
    if request.user.member_id:
        member = (
            members_visible_to(request.user)
            .select_related("cell")
            .filter(pk=request.user.member_id)
            .first()
        )
        if member is not None:
            open_campaigns = list(campaigns_open_for_member(member))
    return render(
        request,
        "core/home.html",
        {
            "member": member,
            "open_campaigns": open_campaigns,
            "roots": organization_roots_visible_to(request.user),
        },
    )
