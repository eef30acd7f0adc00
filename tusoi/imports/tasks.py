"""Background handlers of the import flow (registered with the jobs app)."""

from tusoi.imports.models import ImportUpload
from tusoi.imports.services import import_upload_apply, import_upload_check, import_upload_failed
from tusoi.jobs.services import job_handler


@job_handler("imports.check")
def check_upload(job, progress):
    upload = ImportUpload.objects.select_related("organization", "owner").get(
        pk=job.params["upload"]
    )
    try:
        import_upload_check(upload=upload, progress=progress)
    except Exception:
        import_upload_failed(upload_id=upload.pk)
        raise


@job_handler("imports.apply")
def apply_upload(job, progress):
    upload = ImportUpload.objects.select_related("organization", "owner").get(
        pk=job.params["upload"]
    )
    try:
        import_upload_apply(upload=upload, progress=progress)
    except Exception:
        import_upload_failed(upload_id=upload.pk)
        raise
