from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tusoi.imports import services
from tusoi.imports.forms import UploadForm
from tusoi.imports.selectors import import_uploads_visible_to
from tusoi.imports.specs import SPECS
from tusoi.orgs.selectors import organizations_visible_to
from tusoi.tabular import write_csv, write_template, write_xlsx


def _spec(kind: str):
    if kind not in SPECS:
        raise Http404
    return SPECS[kind]


def _target(request, kind: str, org_pk: int):
    spec = _spec(kind)
    org = get_object_or_404(organizations_visible_to(request.user, spec.action), pk=org_pk)
    return spec, org


@login_required
def start(request, kind: str, org_pk: int):
    spec, org = _target(request, kind, org_pk)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            upload = services.import_upload_create(
                owner=request.user, organization=org, kind=kind, uploaded=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("imports:detail", pk=upload.pk)
    recent = import_uploads_visible_to(request.user).filter(kind=kind, organization=org)[:5]
    return render(
        request, "imports/start.html", {"spec": spec, "org": org, "form": form, "recent": recent}
    )


@login_required
def template(request, kind: str):
    spec = _spec(kind)
    data = write_template(spec.columns, title=str(spec.title))
    return _download(data, f"mau-nhap-{kind}.xlsx")


@login_required
def export(request, kind: str, org_pk: int):
    spec, org = _target(request, kind, org_pk)
    rows = spec.module.export_rows(org)
    if request.GET.get("format") == "csv":
        return _download(write_csv(spec.columns, rows), f"{kind}-{org.code}.csv")
    return _download(
        write_xlsx(spec.columns, rows, title=str(spec.title)), f"{kind}-{org.code}.xlsx"
    )


def _download(data: bytes, filename: str) -> HttpResponse:
    content_type = (
        "text/csv; charset=utf-8"
        if filename.endswith(".csv")
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _context(upload):
    spec = SPECS[upload.kind]
    problems = upload.problems or []
    return {
        "upload": upload,
        "spec": spec,
        "job": upload.apply_job if upload.apply_job_id else upload.check_job,
        "errors": [p for p in problems if not p["warning"]],
        "warnings": [p for p in problems if p["warning"]],
        "form": UploadForm(),
    }


@login_required
def detail(request, pk: int):
    upload = get_object_or_404(import_uploads_visible_to(request.user), pk=pk)
    return render(request, "imports/detail.html", _context(upload))


@login_required
def status(request, pk: int):
    """The part of the page that changes while a job runs (polled by htmx)."""
    upload = get_object_or_404(import_uploads_visible_to(request.user), pk=pk)
    return render(request, "imports/_status.html", _context(upload))


@login_required
@require_POST
def confirm(request, pk: int):
    upload = get_object_or_404(import_uploads_visible_to(request.user), pk=pk)
    try:
        services.import_upload_confirm(upload=upload)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("imports:detail", pk=upload.pk)


@login_required
def error_file(request, pk: int):
    upload = get_object_or_404(import_uploads_visible_to(request.user), pk=pk)
    if not upload.error_file:
        raise Http404
    stem = upload.original_name.rsplit(".", 1)[0]
    return FileResponse(
        upload.error_file.open("rb"), as_attachment=True, filename=f"{stem}.loi.xlsx"
    )
