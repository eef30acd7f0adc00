"""The record of a thematic meeting: the overview with the agenda and the meeting's conclusion,
the live record of each phase (the secretary's phone at the meeting), the minutes .docx, the
signed scan, and the member turning a comment on their report into a commitment.

Reading starts from `meetings_readable_by` (the record's words: the cell and its supervisors);
writing from `meetings_recordable_by` (the cell's secretary); the member's click from
`reports_readable_by` and their own report. Out of scope is 404. A refused save shows the form
again with everything typed (400), a stale one with what is saved now beside it (409)."""

import io
import mimetypes
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tusoi.campaigns.models import CampaignStatus
from tusoi.meetings.minutes import (
    DOCX_CONTENT_TYPE,
    agenda_items,
    minutes_filename,
)
from tusoi.meetings.minutes import (
    minutes_docx as build_minutes,
)
from tusoi.meetings.models import Meeting, MeetingStatus
from tusoi.meetings.record_forms import (
    ConclusionForm,
    PhaseForm,
    SignedMinutesForm,
    form_from_post,
    form_from_record,
    phase_inputs,
    place_errors,
    speaker_labels,
    with_blank_rows,
)
from tusoi.meetings.selectors.record import (
    feedback_comment,
    meeting_phase,
    meeting_phases,
    meeting_record,
    phase_record,
    supervisors_for,
)
from tusoi.meetings.selectors.registration import (
    can_manage,
    meetings_readable_by,
    meetings_recordable_by,
)
from tusoi.meetings.services.record import (
    comment_to_commitment as make_commitment,
)
from tusoi.meetings.services.record import (
    meeting_conclude,
    phase_record_save,
    signed_minutes_attach,
)
from tusoi.members.services import StaleEdit
from tusoi.reports.selectors.reviews import reports_readable_by


def _readable(request: HttpRequest, pk: int) -> Meeting:
    return get_object_or_404(meetings_readable_by(request.user), pk=pk)


def _recordable(request: HttpRequest, pk: int) -> Meeting:
    return get_object_or_404(meetings_recordable_by(request.user), pk=pk)


def _open_for_recording(meeting: Meeting) -> bool:
    """Whether to offer the forms; the services decide again on every save."""
    return (
        meeting.status != MeetingStatus.CANCELLED and meeting.campaign.status == CampaignStatus.OPEN
    )


def _closed_message(meeting: Meeting) -> str:
    if meeting.status == MeetingStatus.CANCELLED:
        return _("This meeting was cancelled; its record cannot be changed.")
    return _("The campaign is no longer open: the record is read-only.")


def _crumbs(meeting: Meeting, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        (meeting.campaign.title, reverse("campaigns:detail", args=[meeting.campaign_id])),
        (meeting.cell.name, reverse("meetings:detail", args=[meeting.pk])),
        *tail,
    ]


def _messages_of(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {key: [str(m) for m in value] for key, value in error.message_dict.items()}
    return {"__all__": [str(m) for m in error.messages]}


# The overview ----------------------------------------------------------------------------------


def _render_record(
    request: HttpRequest,
    meeting: Meeting,
    *,
    form: ConclusionForm | None = None,
    conflict: str = "",
    status: int = 200,
) -> HttpResponse:
    can_record = can_manage(request.user, meeting.cell)
    editable = can_record and _open_for_recording(meeting)
    record = meeting_record(meeting)
    if editable and form is None:
        form = ConclusionForm(
            initial={
                "version": meeting.version,
                "chair": meeting.chair,
                "secretary_name": meeting.secretary_name,
                "conclusion": meeting.conclusion,
            }
        )
    context: dict[str, Any] = {
        "meeting": meeting,
        "record": record,
        "can_record": can_record,
        "editable": editable,
        "form": form if editable else None,
        "conflict": conflict,
        "agenda": agenda_items(
            concludes_per_member=meeting.campaign.chair_concludes_per_member,
            has_guests=True,
        ),
        "upload_form": SignedMinutesForm() if can_record else None,
        "crumbs": _crumbs(meeting, (_("Meeting record"), None)),
    }
    return render(request, "meetings/record.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the record overview. POST: the meeting's conclusion, chair and minutes-taker."""
    if request.method != "POST":
        return _render_record(request, _readable(request, pk))
    meeting = _recordable(request, pk)
    if not _open_for_recording(meeting):
        messages.error(request, _closed_message(meeting))
        return redirect("meetings:record", pk=meeting.pk)
    form = ConclusionForm(request.POST)
    if not form.is_valid():
        return _render_record(request, meeting, form=form, status=400)
    data = form.cleaned_data
    try:
        meeting_conclude(
            actor=request.user,
            meeting=meeting,
            base_version=data["version"],
            conclusion=data["conclusion"],
            chair=data["chair"],
            secretary_name=data["secretary_name"],
        )
    except StaleEdit as stale:
        meeting.refresh_from_db()
        # The typed values stay; the version moves on, so saving again is a choice made with
        # what is saved now in view.
        posted = request.POST.copy()
        posted["version"] = str(meeting.version)
        form = ConclusionForm(posted)
        form.is_valid()
        return _render_record(
            request, meeting, form=form, conflict=" ".join(stale.messages), status=409
        )
    except ValidationError as error:
        for key, texts in _messages_of(error).items():
            for text in texts:
                form.add_error(None if key == "__all__" else key, text)
        return _render_record(request, meeting, form=form, status=400)
    messages.success(request, _("The meeting's conclusion was saved."))
    return redirect("meetings:record", pk=meeting.pk)


# One phase, live ---------------------------------------------------------------------------------


def _render_phase(
    request: HttpRequest,
    meeting: Meeting,
    number: int,
    *,
    posted: PhaseForm | None = None,
    conflict: str = "",
    status: int = 200,
) -> HttpResponse:
    phases = meeting_phases(meeting)
    phase = next((p for p in phases if p.number == number), None)
    if phase is None:
        raise Http404
    record = phase_record(meeting, phase, phase_count=len(phases))
    editable = can_manage(request.user, meeting.cell) and _open_for_recording(meeting)
    form = None
    if editable:
        if posted is not None:
            form = with_blank_rows(posted)
            if conflict:
                form.version = meeting.version
        else:
            form = form_from_record(record, supervisors_for(meeting), meeting.version)
    context: dict[str, Any] = {
        "meeting": meeting,
        "phase": phase,
        "phases": phases,
        "is_phased": len(phases) > 1,
        "record": record,
        "form": form,
        "editable": editable,
        "concludes": meeting.campaign.chair_concludes_per_member,
        "conflict": conflict,
        "speaker_options": sorted(speaker_labels(record.members).values()),
        "crumbs": _crumbs(
            meeting,
            (_("Meeting record"), reverse("meetings:record", args=[meeting.pk])),
            (
                _("Phase %(number)s") % {"number": phase.number}
                if len(phases) > 1
                else _("Live record"),
                None,
            ),
        ),
    }
    return render(request, "meetings/record_phase.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def record_phase(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """GET: the phase's record (a form for the secretary, the text for its readers).
    POST: save the phase's whole record."""
    if request.method != "POST":
        return _render_phase(request, _readable(request, pk), number)
    meeting = _recordable(request, pk)
    phase = meeting_phase(meeting, number)
    if phase is None:
        raise Http404
    if not _open_for_recording(meeting):
        messages.error(request, _closed_message(meeting))
        return redirect("meetings:record_phase", pk=meeting.pk, number=number)
    phases = meeting_phases(meeting)
    record = phase_record(meeting, phase, phase_count=len(phases))
    form = form_from_post(request.POST, record, supervisors_for(meeting))
    inputs = phase_inputs(form, record.members)
    if form.version is None:
        form.errors.append(_("The page is out of date; reload it and try again."))
        return _render_phase(request, meeting, number, posted=form, status=400)
    was_held = meeting.status == MeetingStatus.HELD
    try:
        meeting = phase_record_save(
            actor=request.user,
            meeting=meeting,
            phase_number=number,
            base_version=form.version,
            attendance=inputs.attendance,
            guests=inputs.guests,
            presentations=inputs.presentations,
            committee_comments=inputs.committee_comments,
            held=inputs.held,
        )
    except StaleEdit as stale:
        meeting.refresh_from_db()
        return _render_phase(
            request, meeting, number, posted=form, conflict=" ".join(stale.messages), status=409
        )
    except ValidationError as error:
        place_errors(form, inputs, _messages_of(error))
        return _render_phase(request, meeting, number, posted=form, status=400)
    saved_at = timezone.localtime().strftime("%H:%M")
    if meeting.status == MeetingStatus.HELD and not was_held:
        messages.success(
            request,
            _(
                "Saved at %(time)s. The meeting is recorded as held; the members who presented "
                "were told their comments are recorded."
            )
            % {"time": saved_at},
        )
        return redirect("meetings:record", pk=meeting.pk)
    messages.success(request, _("Saved at %(time)s") % {"time": saved_at})
    return redirect("meetings:record_phase", pk=meeting.pk, number=number)


# The minutes -----------------------------------------------------------------------------------


@login_required
def minutes_docx(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _readable(request, pk)
    response: Any = FileResponse(
        io.BytesIO(build_minutes(meeting)),
        as_attachment=True,
        filename=minutes_filename(meeting),
        content_type=DOCX_CONTENT_TYPE,
    )
    return response


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


@login_required
@require_POST
def signed_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _recordable(request, pk)
    upload = request.FILES.get("file")
    try:
        signed_minutes_attach(
            actor=request.user,
            meeting=meeting,
            data=_read_upload(upload),
            filename=upload.name if upload else "",
        )
    except (ValidationError, PermissionDenied) as error:
        reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, _("The file was not kept: %(reason)s") % {"reason": reason})
    else:
        messages.success(request, _("The scan of the signed minutes is kept with the meeting."))
    return redirect("meetings:record", pk=meeting.pk)


@login_required
def signed_minutes_download(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _readable(request, pk)
    if not meeting.signed_minutes:
        raise Http404
    stored = meeting.signed_minutes.name.rsplit("/", 1)[-1]
    extension = "." + stored.rsplit(".", 1)[-1].lower() if "." in stored else ""
    name = meeting.signed_minutes_name or stored
    if extension and not name.lower().endswith(extension):
        name += extension
    content_type = mimetypes.guess_type(stored)[0] or "application/octet-stream"
    handle = meeting.signed_minutes.open("rb")
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)


# What the member does with the comments ------------------------------------------------------


@login_required
@require_POST
def comment_to_commitment(request: HttpRequest, report_pk: int, comment_pk: int) -> HttpResponse:
    report = get_object_or_404(reports_readable_by(request.user), pk=report_pk)
    comment = feedback_comment(report, comment_pk)
    if comment is None:
        raise Http404
    back = reverse("reports:report", args=[report.pk]) + "#meeting-feedback"
    try:
        make_commitment(actor=request.user, report=report, comment=comment)
    except (ValidationError, PermissionDenied) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
    else:
        messages.success(
            request,
            _(
                "The comment is now one of your commitments; record how it goes under "
                "“My commitments”."
            ),
        )
    return redirect(back)
