"""Scope cases of the meeting record: the secretary of cell A (and a supervisor assigned to branch
A) reaches cell A's meeting record; the same role on the sibling (cell B, branch B) gets 404.
A committee above never reaches the record's words: test_record_views.py shows it."""

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from tusoi.meetings.models import Comment, Meeting, Presentation
from tusoi.orgs.permissions import Role
from tusoi.reports.tests.conftest import make_open_campaign
from tusoi.testing.factories import UserFactory
from tusoi.testing.scope import ScopeCase

from .test_record import PNG, make_meeting, submitted_report


def _meeting(t) -> Meeting:
    """Cell A's meeting, one phase today, in a new open campaign of the province."""
    return make_meeting(make_open_campaign(t.province), t.cell_a)


def _signed(t) -> Meeting:
    meeting = _meeting(t)
    meeting.signed_minutes.save(f"bien-ban-{meeting.pk}.png", ContentFile(PNG), save=False)
    meeting.signed_minutes_name = "bien-ban.png"
    meeting.save(update_fields=["signed_minutes", "signed_minutes_name"])
    return meeting


def _feedback(t) -> dict:
    """Member A's submitted report and a comment made on it at the held meeting."""
    meeting = _meeting(t)
    report = submitted_report(meeting.campaign, t.member_a, UserFactory(member=t.member_a))
    phase = meeting.phases.get()
    phase.held = True
    phase.save(update_fields=["held"])
    presentation = Presentation.objects.create(phase=phase, member=t.member_a, report=report)
    comment = Comment.objects.create(
        phase=phase, presentation=presentation, speaker_name="Khách mời", text="Cần gương mẫu hơn."
    )
    return {"report_pk": report.pk, "comment_pk": comment.pk}


def _cell(**kwargs) -> dict:
    return {
        "role": Role.SECRETARY,
        "grant_on": lambda t: t.cell_a,
        "sibling_on": lambda t: t.cell_b,
        **kwargs,
    }


def _supervisor(**kwargs) -> dict:
    return {"role": Role.SUPERVISOR, "label": "supervisor", **kwargs}


CASES = [
    ScopeCase("meetings:record", kwargs=lambda t: {"pk": _meeting(t).pk}, **_cell()),
    ScopeCase("meetings:record", kwargs=lambda t: {"pk": _meeting(t).pk}, **_supervisor()),
    ScopeCase(
        "meetings:record",
        kwargs=lambda t: {"pk": _meeting(t).pk},
        **_cell(
            method="post",
            data=lambda t: {
                "version": "1",
                "chair": "Nguyễn Thị Hà",
                "secretary_name": "Trần Văn Bảo",
                "conclusion": "Buổi sinh hoạt đạt yêu cầu.",
            },
            ok_status=302,
            label="conclusion",
        ),
    ),
    ScopeCase(
        "meetings:record_phase", kwargs=lambda t: {"pk": _meeting(t).pk, "number": 1}, **_cell()
    ),
    ScopeCase(
        "meetings:record_phase",
        kwargs=lambda t: {"pk": _meeting(t).pk, "number": 1},
        **_supervisor(),
    ),
    ScopeCase(
        "meetings:record_phase",
        kwargs=lambda t: {"pk": _meeting(t).pk, "number": 1},
        **_cell(
            method="post",
            data=lambda t: {"version": "1", f"a-{t.member_a.pk}": "present"},
            ok_status=302,
            label="save",
        ),
    ),
    ScopeCase("meetings:minutes_docx", kwargs=lambda t: {"pk": _meeting(t).pk}, **_cell()),
    ScopeCase("meetings:minutes_docx", kwargs=lambda t: {"pk": _meeting(t).pk}, **_supervisor()),
    ScopeCase(
        "meetings:signed_minutes",
        kwargs=lambda t: {"pk": _meeting(t).pk},
        **_cell(
            method="post",
            data=lambda t: {"file": SimpleUploadedFile("bien-ban.png", PNG)},
            ok_status=302,
        ),
    ),
    ScopeCase("meetings:signed_download", kwargs=lambda t: {"pk": _signed(t).pk}, **_cell()),
    # The secretary reaches the report; only its writer may turn the comment into a
    # commitment, so the service refuses with a message on the report page.
    ScopeCase(
        "meetings:comment_to_commitment",
        kwargs=_feedback,
        **_cell(method="post", data=lambda t: {}, ok_status=302),
    ),
    ScopeCase("api:meetings_record_detail", kwargs=lambda t: {"id": _meeting(t).pk}, **_cell()),
    ScopeCase(
        "api:meetings_record_detail",
        kwargs=lambda t: {"id": _meeting(t).pk},
        **_supervisor(),
    ),
    ScopeCase(
        "api:meetings_record_phase_save",
        kwargs=lambda t: {"id": _meeting(t).pk, "number": 1},
        **_cell(
            method="put",
            json=True,
            data=lambda t: {
                "version": 1,
                "attendance": [{"member_id": t.member_a.pk, "present": True}],
            },
        ),
    ),
    ScopeCase(
        "api:meetings_record_conclude",
        kwargs=lambda t: {"id": _meeting(t).pk},
        **_cell(
            method="post",
            json=True,
            data=lambda t: {"version": 1, "conclusion": "Buổi sinh hoạt đạt yêu cầu."},
        ),
    ),
]
