from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from tusoi.members.selectors import member_search, members_visible_to


@login_required
def search(request):
    q = request.GET.get("q", "")
    return render(request, "members/search.html", {"q": q, "results": member_search(request.user, q)})


@login_required
def detail(request, pk: int):
    member = get_object_or_404(members_visible_to(request.user), pk=pk)
    return render(request, "members/detail.html", {"member": member})
