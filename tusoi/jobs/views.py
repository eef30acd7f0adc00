from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tusoi.jobs.selectors import jobs_recent_of, jobs_visible_to
from tusoi.jobs.services import job_cancel

PAGE_SIZE = 30


@login_required
def job_list(request):
    page = Paginator(jobs_recent_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "jobs/list.html",
        {"page": page, "crumbs": [(_("Background jobs"), None)]},
    )


@login_required
def job_detail(request, pk: int):
    job = get_object_or_404(jobs_visible_to(request.user), pk=pk)
    crumbs = [(_("Background jobs"), reverse("jobs:list")), (job.label, None)]
    return render(request, "jobs/detail.html", {"job": job, "crumbs": crumbs})


@login_required
def job_progress(request, pk: int):
    """The progress fragment alone: htmx polls it every second while the job is active."""
    job = get_object_or_404(jobs_visible_to(request.user), pk=pk)
    return render(request, "jobs/_progress.html", {"job": job})


@login_required
def job_download(request, pk: int):
    job = get_object_or_404(jobs_visible_to(request.user), pk=pk)
    if not job.result_file or not default_storage.exists(job.result_file.name):
        raise Http404
    return FileResponse(
        default_storage.open(job.result_file.name, "rb"),
        as_attachment=True,
        filename=job.result_name or job.result_file.name.rsplit("/", 1)[-1],
    )


@login_required
@require_POST
def job_cancel_view(request, pk: int):
    job = get_object_or_404(jobs_visible_to(request.user), pk=pk)
    try:
        job_cancel(job=job, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The job was cancelled."))
    return redirect("jobs:detail", pk=job.pk)
