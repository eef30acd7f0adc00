from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from tusoi.members.selectors import members_visible_to
from tusoi.orgs.selectors import organization_roots_visible_to


@login_required
def home(request):
    """The user's own member record (when linked) and the organisations they follow."""
    member = None
    if request.user.member_id:
        member = members_visible_to(request.user).filter(pk=request.user.member_id).first()
    return render(
        request,
        "core/home.html",
        {"member": member, "roots": organization_roots_visible_to(request.user)},
    )
