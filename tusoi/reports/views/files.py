"""A report's files: the .docx a member uploads instead of typing, the scan of a handwritten
report, the stored original, and the report exported as a party-layout .docx or PDF.
Every view starts from reports_readable_by (DOMAIN.md "Who reads what"): the text and its files
belong to the writer and the cell's text readers; anyone else gets 404."""

import io
import mimetypes
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tusoi.documents import PdfConversionError, build_party_docx, convert_to_pdf
from tusoi.reports.documents import DOCX_CONTENT_TYPE, report_document, report_filename
from tusoi.reports.models import SelfReview
from tusoi.reports.selectors.reviews import reports_readable_by
from tusoi.reports.services.reviews import (
    StaleReport,
    report_attach_scan,
    report_upload_docx,
)


def _readable(request, pk: int) -> SelfReview:
    return get_object_or_404(reports_readable_by(request.user), pk=pk)


def _back(report: SelfReview):
    return redirect("reports:report", pk=report.pk)


def _read_upload(upload: UploadedFile | None) -> bytes:
    """The uploaded bytes; a file above the limit is refused before it is read into memory."""
    if upload is None:
        raise ValidationError(_("Choose a file to upload."))
    limit = settings.TUSOI_UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s MB; files up to %(max)s MB are accepted.")
            % {"size": round(upload.size / 1048576, 1), "max": round(limit / 1048576)}
        )
    return upload.read()


def _refused(request, error: ValidationError) -> None:
    reason = " ".join(str(m) for m in error.messages)
    messages.error(
        request,
        _("The file was not taken: %(reason)s The report is unchanged.") % {"reason": reason},
    )


def _version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        raise ValidationError(_("Reload the report and try again.")) from None


@login_required
@require_POST
def report_upload(request, pk: int):
    """A .docx instead of typing: its text goes into the sections its headings name."""
    report = _readable(request, pk)
    upload = request.FILES.get("file")
    try:
        data = _read_upload(upload)
        report = report_upload_docx(
            report=report,
            actor=request.user,
            data=data,
            filename=upload.name,
            base_version=_version(request),
            proxy_reason=request.POST.get("proxy_reason", ""),
        )
    except StaleReport as stale:
        messages.error(request, " ".join(stale.messages))
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _(
                "The text of “%(name)s” was taken into the report. Read it through: text the "
                "headings did not place is in the first section."
            )
            % {"name": report.original_name},
        )
    return _back(report)


@login_required
@require_POST
def report_scan(request, pk: int):
    """The scan of a handwritten report; its text is then typed or pasted in."""
    report = _readable(request, pk)
    upload = request.FILES.get("file")
    try:
        data = _read_upload(upload)
        report = report_attach_scan(
            report=report,
            actor=request.user,
            data=data,
            filename=upload.name,
            proxy_reason=request.POST.get("proxy_reason", ""),
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("The scan was kept with the report. Now type or paste its text into the sections."),
        )
    return _back(report)


@login_required
def report_original(request, pk: int):
    report = _readable(request, pk)
    if not report.original_file:
        raise Http404
    stored = report.original_file.name.rsplit("/", 1)[-1]
    extension = "." + stored.rsplit(".", 1)[-1].lower() if "." in stored else ""
    content_type = mimetypes.guess_type(stored)[0] or "application/octet-stream"
    if extension == ".docx":
        content_type = DOCX_CONTENT_TYPE
    # The person's own file name, but always with the extension of what was actually stored.
    name = report.original_name or stored
    if extension and not name.lower().endswith(extension):
        name += extension
    handle = report.original_file.open("rb")
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)


def _docx(report: SelfReview) -> bytes:
    return build_party_docx(report_document(report))


@login_required
def report_docx(request, pk: int):
    report = _readable(request, pk)
    return _attachment(_docx(report), report_filename(report, "docx"), DOCX_CONTENT_TYPE)


@login_required
def report_pdf(request, pk: int):
    report = _readable(request, pk)
    try:
        pdf = convert_to_pdf(_docx(report))
    except PdfConversionError as error:
        messages.error(
            request,
            _("The PDF could not be made: %(reason)s Download the .docx instead.")
            % {"reason": str(error)},
        )
        return _back(report)
    if pdf is None:
        messages.warning(
            request,
            _(
                "PDF export needs LibreOffice, which is not installed on this server. Download "
                "the report as .docx instead: it opens in Word or LibreOffice and prints the same."
            ),
        )
        return _back(report)
    return _attachment(pdf, report_filename(report, "pdf"), "application/pdf")


def _attachment(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response: Any = FileResponse(
        io.BytesIO(data), as_attachment=True, filename=filename, content_type=content_type
    )
    return response
