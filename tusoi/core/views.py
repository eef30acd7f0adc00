from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from tusoi.members.selectors import members_visible_to
from tusoi.orgs.selectors import organization_roots_visible_to


@login_required
def home(request):
    """The user's own member record (when linked), the open campaigns covering their cell with
    the member's report for each, and the organisations they follow."""
    # core is the UI shell above the apps; reports imports core helpers, so import it here.
    from tusoi.reports.selectors.reviews import my_reports

    member = None
    entries: list = []
    if request.user.member_id:
        member = (
            members_visible_to(request.user)
            .select_related("cell")
            .filter(pk=request.user.member_id)
            .first()
        )
        if member is not None:
            entries = my_reports(member)
    return render(
        request,
        "core/home.html",
        {
            "member": member,
            "open_campaigns": [entry.campaign for entry in entries],
            # Each entry also carries its campaign as a one-item list for the campaign card.
            "campaign_reports": [
                {"campaign": e.campaign, "cards": [e.campaign], "report": e.report} for e in entries
            ],
            "roots": organization_roots_visible_to(request.user),
        },
    )
