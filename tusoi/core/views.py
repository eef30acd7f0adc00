from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from tusoi.orgs.selectors import organization_roots_visible_to


@login_required
def home(request):
    return render(
        request, "core/home.html", {"roots": organization_roots_visible_to(request.user)}
    )
