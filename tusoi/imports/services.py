"""The web import flow: store an upload, check it in the background, show the result, and apply
it all-or-nothing in the background once a person confirms."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from tusoi.imports.models import ImportUpload
from tusoi.imports.specs import SPECS
from tusoi.jobs.services import job_create, job_enqueue
from tusoi.orgs.models import Organization
from tusoi.orgs.permissions import scope_for
from tusoi.tabular import CellError, UnreadableFile, read_table, write_error_copy

MAX_PROBLEMS_SHOWN = 2000


@transaction.atomic
def import_upload_create(
    *, owner: Any, organization: Organization, kind: str, uploaded: UploadedFile
) -> ImportUpload:
    """Keep the uploaded workbook and start checking it in the background."""
    spec = SPECS[kind]
    if not scope_for(owner).covers(spec.action, organization.path):
        raise ValidationError(_("You may not import into this organisation."))
    limit = settings.TUSOI_UPLOAD_MAX_BYTES
    if uploaded.size is not None and uploaded.size > limit:
        raise ValidationError(
            {
                "file": _("The file is %(size)s; the limit is %(limit)s.")
                % {"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)}
            }
        )
    if not uploaded.size:
        raise ValidationError({"file": _("The file is empty.")})
    upload = ImportUpload(
        owner=owner,
        organization=organization,
        kind=kind,
        original_name=(uploaded.name or "tep")[:255],
        size=uploaded.size or 0,
    )
    upload.file.save(upload.original_name, uploaded, save=False)
    upload.save()
    job = job_create(
        owner=owner,
        kind="imports.check",
        label=_("Checking %(file)s") % {"file": upload.original_name},
        organization=organization,
        params={"upload": upload.pk},
    )
    upload.check_job = job
    upload.save(update_fields=["check_job"])
    job_enqueue(job)
    return upload


def _problem(error: CellError, headers: dict[str, str]) -> dict[str, Any]:
    value = error.value
    if value is not None and not isinstance(value, str | int | float | bool):
        value = str(value)
    return {
        "row": error.row,
        "column": error.column,
        "header": headers.get(error.column, ""),
        "value": value,
        "message": str(error.message),
        "warning": bool(error.warning),
    }


def _count(value: Any) -> int:
    return value if isinstance(value, int) else len(value or ())


def _check(upload: ImportUpload) -> tuple[Any, Any, list[CellError]]:
    """Read and validate the stored file; returns (table, plan, problems)."""
    spec = SPECS[upload.kind]
    with upload.file.open("rb") as fh:
        data = fh.read()
    try:
        table = read_table(data, upload.original_name, spec.columns)
    except UnreadableFile as exc:
        return None, None, [CellError(row=0, column="", value=None, message=exc.message)]
    plan = spec.module.validate(table, root=upload.organization, actor=upload.owner)
    return table, plan, [*plan.errors, *plan.warnings]


def import_upload_check(*, upload: ImportUpload, progress: Any = None) -> ImportUpload:
    """Background step 1: validate without writing; keep the problems and the plan's counts."""
    spec = SPECS[upload.kind]
    headers = {c.key: c.header for c in spec.columns}
    table, plan, problems = _check(upload)
    errors = [p for p in problems if not p.warning]
    upload.problems = [_problem(p, headers) for p in problems[:MAX_PROBLEMS_SHOWN]]
    upload.summary = {
        "rows": len(table.rows) if table else 0,
        "errors": len(errors),
        "warnings": len(problems) - len(errors),
    }
    if plan is not None:
        upload.summary |= {
            "created": _count(plan.creates),
            "updated": _count(plan.updates),
            "unchanged": _count(plan.unchanged),
        }
    if errors:
        upload.state = ImportUpload.State.INVALID
        if table is not None:
            with upload.file.open("rb") as fh:
                copy = write_error_copy(fh.read(), upload.original_name, spec.columns, problems)
            stem = upload.original_name.rsplit(".", 1)[0]
            upload.error_file.save(f"{stem}.loi.xlsx", ContentFile(copy), save=False)
    else:
        upload.state = ImportUpload.State.READY
    upload.save()
    if progress is not None:
        progress.info(
            _("%(rows)d rows checked: %(errors)d errors, %(warnings)d warnings.") % upload.summary
        )
    return upload


@transaction.atomic
def import_upload_confirm(*, upload: ImportUpload) -> ImportUpload:
    """A person confirmed the checked upload: apply it in the background."""
    locked = ImportUpload.objects.select_for_update().get(pk=upload.pk)
    if locked.state != ImportUpload.State.READY:
        raise ValidationError(
            _("This upload cannot be imported now (%(state)s).")
            % {"state": locked.get_state_display()}
        )
    job = job_create(
        owner=locked.owner,
        kind="imports.apply",
        label=_("Importing %(file)s") % {"file": locked.original_name},
        organization=locked.organization,
        params={"upload": locked.pk},
    )
    locked.state = ImportUpload.State.APPLYING
    locked.apply_job = job
    locked.save(update_fields=["state", "apply_job", "updated_at"])
    job_enqueue(job)
    return locked


def import_upload_apply(*, upload: ImportUpload, progress: Any = None) -> ImportUpload:
    """Background step 2: validate again (the registry may have changed since the check) and
    apply in one transaction; any error leaves the database untouched."""
    spec = SPECS[upload.kind]
    table, plan, problems = _check(upload)
    if plan is None or plan.errors:
        import_upload_check(upload=upload, progress=progress)
        return upload
    result = spec.module.apply(plan, actor=upload.owner, progress=progress)
    upload.state = ImportUpload.State.DONE
    upload.summary = {
        **upload.summary,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
    }
    upload.save(update_fields=["state", "summary", "updated_at"])
    return upload


def import_upload_failed(*, upload_id: int) -> None:
    ImportUpload.objects.filter(pk=upload_id).exclude(state=ImportUpload.State.DONE).update(
        state=ImportUpload.State.FAILED
    )
