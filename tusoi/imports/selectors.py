from typing import Any

from django.db.models import QuerySet

from tusoi.imports.models import ImportUpload


def import_uploads_visible_to(user: Any) -> QuerySet[ImportUpload]:
    """A person's own uploads: the workbook and its problems are theirs to read."""
    if not getattr(user, "is_authenticated", False):
        return ImportUpload.objects.none()
    return ImportUpload.objects.filter(owner=user).select_related(
        "organization", "check_job", "apply_job"
    )
