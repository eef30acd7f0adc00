import datetime
import unicodedata

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tusoi.activities.models import Activity, ActivityAttachment, ActivityKind, Commendation
from tusoi.activities.services import (
    MAX_ATTACHMENTS,
    activity_attach,
    activity_create,
    commendation_create,
)
from tusoi.audit.models import AuditEvent
from tusoi.orgs.permissions import Role
from tusoi.reports.tests.conftest import make_campaign

from .conftest import PDF, PNG, make_activity, office_file, upload, yesterday

pytestmark = pytest.mark.django_db


def test_activity_is_saved_with_its_attachments_and_audited(tree, make_user):
    secretary = make_user(tree.cell_a, Role.SECRETARY)
    activity = make_activity(
        tree.cell_a,
        files=[
            upload("Biên bản.pdf"),
            upload("anh.png", PNG),
            upload("ke-hoach.docx", office_file("docx")),
            upload("danh-sach.xlsx", office_file("xlsx")),
        ],
    )
    activity_attach(actor=secretary, activity=activity, files=[upload("them.pdf")])
    names = list(activity.attachments.values_list("name", flat=True))
    assert names == ["Biên bản.pdf", "anh.png", "ke-hoach.docx", "danh-sach.xlsx", "them.pdf"]
    stored = activity.attachments.first().file
    assert stored.name.endswith(".pdf") and "Biên" not in stored.name
    assert stored.open("rb").read() == PDF
    events = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE)
    assert events.filter(target_type="activities.activity", target_id=activity.pk).exists()
    assert events.filter(target_type="activities.activityattachment").count() == 5
    assert events.filter(actor=secretary).count() == 1


def test_text_is_cleaned_to_nfc(tree):
    decomposed = unicodedata.normalize("NFD", "Tọa đàm  cựu chiến binh ")
    activity = make_activity(tree.cell_a, title=decomposed, summary=decomposed)
    assert activity.title == "Tọa đàm cựu chiến binh"
    assert unicodedata.is_normalized("NFC", activity.summary)


def test_future_date_is_refused(tree):
    with pytest.raises(ValidationError) as error:
        make_activity(tree.cell_a, on=timezone.localdate() + datetime.timedelta(days=1))
    assert "on" in error.value.message_dict
    assert not Activity.objects.exists()


def test_todays_activity_is_accepted(tree):
    assert make_activity(tree.cell_a, on=timezone.localdate()).pk


def test_every_bad_field_is_named(tree):
    with pytest.raises(ValidationError) as error:
        activity_create(
            actor=None,
            organization=tree.cell_a,
            kind="picnic",
            title="  ",
            on=None,
            participants=-1,
        )
    assert set(error.value.message_dict) == {"kind", "title", "on", "participants"}


def test_one_bad_file_saves_nothing(tree):
    disguised = upload("bao-cao.pdf", b"MZ\x90\x00 not a pdf at all")
    with pytest.raises(ValidationError) as error:
        make_activity(tree.cell_a, files=[upload("dung.pdf"), disguised])
    assert "bao-cao.pdf" in error.value.message_dict["files"][0]
    assert not Activity.objects.exists()
    assert not ActivityAttachment.objects.exists()
    assert not AuditEvent.objects.filter(target_type__startswith="activities.").exists()


def test_file_whose_name_does_not_match_its_content_is_refused(tree):
    with pytest.raises(ValidationError):
        make_activity(tree.cell_a, files=[upload("anh.pdf", PNG)])
    with pytest.raises(ValidationError):
        make_activity(tree.cell_a, files=[upload("bang.docx", office_file("xlsx"))])
    with pytest.raises(ValidationError):
        make_activity(tree.cell_a, files=[upload("khong-duoi", PDF)])


def test_empty_or_oversized_files_are_refused(tree, settings):
    settings.TUSOI_UPLOAD_MAX_BYTES = 40
    with pytest.raises(ValidationError) as error:
        make_activity(tree.cell_a, files=[upload("rong.pdf", b""), upload("lon.pdf", PDF * 2)])
    problems = error.value.message_dict["files"]
    assert len(problems) == 2
    assert "rong.pdf" in problems[0] and "lon.pdf" in problems[1]


def test_attachments_are_limited_per_activity(tree):
    activity = make_activity(tree.cell_a, files=[upload(f"{n}.pdf") for n in range(3)])
    extra = [upload(f"x{n}.pdf") for n in range(MAX_ATTACHMENTS - 2)]
    with pytest.raises(ValidationError):
        activity_attach(actor=None, activity=activity, files=extra)
    assert activity.attachments.count() == 3


def test_campaign_must_cover_the_organisation(tree):
    other = make_campaign(tree.branch_b, title="Đợt của xã Bình Minh")
    with pytest.raises(ValidationError) as error:
        make_activity(tree.cell_a, campaign=other)
    assert "campaign" in error.value.message_dict
    ours = make_campaign(tree.province)
    assert make_activity(tree.cell_a, campaign=ours).campaign == ours


def test_only_writers_of_the_organisation_may_record(tree, make_user):
    other_secretary = make_user(tree.cell_b, Role.SECRETARY)
    supervisor = make_user(tree.branch_a, Role.SUPERVISOR)
    for actor in (other_secretary, supervisor):
        with pytest.raises(PermissionDenied):
            activity_create(
                actor=actor,
                organization=tree.cell_a,
                kind=ActivityKind.FORUM,
                title="Diễn đàn",
                on=yesterday(),
            )
    committee = make_user(tree.branch_a, Role.COMMITTEE)
    activity = activity_create(
        actor=committee,
        organization=tree.cell_a,
        kind=ActivityKind.FORUM,
        title="Diễn đàn",
        on=yesterday(),
    )
    assert activity.created_by == committee
    with pytest.raises(PermissionDenied):
        activity_attach(actor=other_secretary, activity=activity, files=[upload("a.pdf")])


def _commend(org, **fields):
    data = {"level": "grassroots", "reason": "Gương mẫu, tận tụy", "on": yesterday()}
    data.update(fields)
    return commendation_create(actor=None, organization=org, **data)


def test_member_is_commended_by_an_organisation_above_their_cell(tree):
    commendation = _commend(tree.branch_a, member=tree.member_a)
    assert commendation.member == tree.member_a
    assert AuditEvent.objects.filter(
        target_type="activities.commendation", target_id=commendation.pk
    ).exists()


def test_member_outside_the_subtree_is_refused(tree):
    with pytest.raises(ValidationError) as error:
        _commend(tree.branch_a, member=tree.member_b)
    assert "member" in error.value.message_dict
    with pytest.raises(ValidationError):
        _commend(tree.cell_a, member=tree.member_a2)
    assert not Commendation.objects.exists()


def test_organisation_commends_only_those_below_it(tree):
    assert _commend(tree.branch_a, commended_organization=tree.cell_a).pk
    for target in (tree.branch_a, tree.cell_b, tree.province):
        with pytest.raises(ValidationError) as error:
            _commend(tree.branch_a, commended_organization=target)
        assert "commended_organization" in error.value.message_dict


def test_commendation_names_exactly_one_subject(tree):
    with pytest.raises(ValidationError):
        _commend(tree.branch_a)
    with pytest.raises(ValidationError):
        _commend(tree.branch_a, member=tree.member_a, commended_organization=tree.cell_a)


def test_commendation_checks_level_reason_and_date(tree):
    with pytest.raises(ValidationError) as error:
        _commend(
            tree.branch_a,
            member=tree.member_a,
            level="galaxy",
            reason=" ",
            on=timezone.localdate() + datetime.timedelta(days=3),
        )
    assert set(error.value.message_dict) == {"level", "reason", "on"}


def test_member_who_left_is_not_commended(tree):
    tree.member_a.status = "left"
    tree.member_a.save(update_fields=["status"])
    with pytest.raises(ValidationError):
        _commend(tree.branch_a, member=tree.member_a)
