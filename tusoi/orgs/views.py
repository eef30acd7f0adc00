from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from tusoi.orgs.selectors import organizations_visible_to


@login_required
def detail(request, pk: int):
    org = get_object_or_404(organizations_visible_to(request.user), pk=pk)
    return render(request, "orgs/detail.html", {"org": org})
