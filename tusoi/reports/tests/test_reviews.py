"""The self-review report's rules, through its services (both engines)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tusoi.audit.models import AuditEvent
from tusoi.campaigns.models import Campaign
from tusoi.members.models import MemberStatus
from tusoi.notifications.models import Notification, NotificationKind
from tusoi.orgs.permissions import Role
from tusoi.reports.models import (
    Audience,
    Commitment,
    CommitmentStatus,
    ReportRevision,
    ReportStatus,
    RevisionKind,
)
from tusoi.reports.selectors import template_effective_sections
from tusoi.reports.selectors.reviews import (
    cell_report_rows,
    overdue_commitments,
    previous_commitments,
    reports_readable_by,
    reports_visible_to,
)
from tusoi.reports.services import (
    StaleReport,
    commitment_progress_record,
    docx_to_sections,
    report_accept,
    report_confirm,
    report_open,
    report_restore,
    report_return,
    report_save,
    report_submit,
    reports_remind,
)
from tusoi.testing.factories import make_member

from .conftest import filled_content, make_open_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(tree, make_user):
    class S:
        campaign = make_open_campaign(tree.province)
        writer = make_user(member=tree.member_a)
        secretary = make_user(tree.cell_a, Role.SECRETARY)
        committee = make_user(tree.branch_a, Role.COMMITTEE)
        sibling_secretary = make_user(tree.cell_b, Role.SECRETARY)

    # A second member of cell A (tree.member_a2 is in cell A2).
    S.mate = make_member(tree.cell_a, "Phạm Thị Cúc")
    S.report = report_open(member=tree.member_a, campaign=S.campaign, actor=S.writer)
    return S


def _first_text_key(report):
    return next(s.key for s in template_effective_sections(report.template) if s.kind == "text")


def test_open_picks_the_members_template_and_starts_a_draft(setup, tree):
    assert setup.report.status == ReportStatus.DRAFT
    assert setup.report.template.audience == Audience.MEMBER
    assert setup.report.state_changes.get().status == ReportStatus.DRAFT
    again = report_open(member=tree.member_a, campaign=setup.campaign, actor=setup.writer)
    assert again.pk == setup.report.pk


def test_open_gives_a_leader_the_leader_template(setup, tree, make_user):
    tree.member_a2.is_leader = True
    tree.member_a2.save()
    report = report_open(
        member=tree.member_a2, campaign=setup.campaign, actor=make_user(member=tree.member_a2)
    )
    assert report.template.audience == Audience.LEADER


def test_open_refuses_an_exempt_member(setup, tree):
    setup.mate.status = MemberStatus.EXEMPT
    setup.mate.save()
    with pytest.raises(ValidationError, match="miễn sinh hoạt|exempt"):
        report_open(member=setup.mate, campaign=setup.campaign, actor=setup.secretary)


def test_open_refuses_someone_else(setup, tree, make_user):
    other = make_user(member=tree.member_b)
    with pytest.raises(PermissionDenied):
        report_open(member=setup.mate, campaign=setup.campaign, actor=other)


def test_open_refuses_a_member_outside_the_campaign(tree, make_user):
    campaign = make_open_campaign(tree.branch_a, title="Đợt của nhánh A")
    with pytest.raises(ValidationError):
        report_open(member=tree.member_b, campaign=campaign, actor=make_user(member=tree.member_b))


def test_save_keeps_every_save_as_a_revision(setup):
    key = _first_text_key(setup.report)
    report = report_save(
        report=setup.report,
        actor=setup.writer,
        content={"sections": {key: "Bản nháp đầu"}},
        base_version=0,
    )
    report = report_save(
        report=report,
        actor=setup.writer,
        content={"sections": {key: "Bản nháp thứ hai"}},
        base_version=1,
        kind=RevisionKind.AUTOSAVE,
    )
    assert report.version == 2
    numbers = list(report.revisions.order_by("number").values_list("number", "kind"))
    assert numbers == [(1, RevisionKind.SAVE), (2, RevisionKind.AUTOSAVE)]
    assert report.revisions.get(number=1).content["sections"][key] == "Bản nháp đầu"


def test_save_normalises_to_nfc_and_keeps_html_as_text(setup):
    key = _first_text_key(setup.report)
    decomposed = "Hoa\u0300 thu\u0309y <script>alert(1)</script>"
    report = report_save(
        report=setup.report,
        actor=setup.writer,
        content={"sections": {key: decomposed}},
        base_version=0,
    )
    assert report.content["sections"][key] == "Hoà thủy <script>alert(1)</script>"
    assert "<script>" in report.full_text


def test_stale_save_is_refused_and_kept_as_a_conflict_revision(setup):
    key = _first_text_key(setup.report)
    report_save(
        report=setup.report,
        actor=setup.writer,
        content={"sections": {key: "Tab A"}},
        base_version=0,
    )
    with pytest.raises(StaleReport) as info:
        report_save(
            report=setup.report,
            actor=setup.writer,
            content={"sections": {key: "Tab B, viết sau"}},
            base_version=0,
        )
    assert info.value.current.version == 1
    kept = ReportRevision.objects.get(report=setup.report, kind=RevisionKind.CONFLICT)
    assert kept.content["sections"][key] == "Tab B, viết sau"
    setup.report.refresh_from_db()
    assert setup.report.content["sections"][key] == "Tab A"
    # The kept text can be restored on purpose.
    restored = report_restore(
        report=setup.report, actor=setup.writer, revision=kept, base_version=1
    )
    assert restored.content["sections"][key] == "Tab B, viết sau"
    assert restored.revisions.filter(kind=RevisionKind.RESTORE).exists()


def test_unknown_section_and_checklist_item_are_refused_and_nothing_saved(setup):
    sections = template_effective_sections(setup.report.template)
    checklist = next(s for s in sections if s.kind == "checklist")
    with pytest.raises(ValidationError) as info:
        report_save(
            report=setup.report,
            actor=setup.writer,
            content={
                "sections": {"khong-co": "x"},
                "checklist": {checklist.key: {"99.99": {"answer": "no"}}},
            },
            base_version=0,
        )
    text = " ".join(m for ms in info.value.message_dict.values() for m in ms)
    assert "khong-co" in text and "99.99" in text
    setup.report.refresh_from_db()
    assert setup.report.version == 0
    assert not setup.report.revisions.exists()


def test_oversized_section_is_refused_with_its_heading(setup):
    section = next(
        s for s in template_effective_sections(setup.report.template) if s.kind == "text"
    )
    with pytest.raises(ValidationError) as info:
        report_save(
            report=setup.report,
            actor=setup.writer,
            content={"sections": {section.key: "a" * (section.max_chars + 1)}},
            base_version=0,
        )
    assert section.heading in str(info.value)
    setup.report.refresh_from_db()
    assert setup.report.version == 0


def test_bad_commitment_date_names_the_commitment(setup):
    with pytest.raises(ValidationError, match="2"):
        report_save(
            report=setup.report,
            actor=setup.writer,
            content={"commitments": [{"what": "Một"}, {"what": "Hai", "due_on": "31/02/xx"}]},
            base_version=0,
        )


def test_submit_refuses_empty_required_sections_and_keeps_the_draft(setup):
    key = _first_text_key(setup.report)
    report = report_save(
        report=setup.report,
        actor=setup.writer,
        content={"sections": {key: "Ngắn"}},
        base_version=0,
    )
    with pytest.raises(ValidationError):
        report_submit(report=report, actor=setup.writer)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert report.content["sections"][key] == "Ngắn"


def _submit(setup, report=None, actor=None):
    report = report or setup.report
    actor = actor or setup.writer
    report = report_save(
        report=report,
        actor=actor,
        content=filled_content(report),
        base_version=report.version,
        proxy_reason="Đảng viên cao tuổi, không tự viết được" if actor is setup.secretary else "",
    )
    return report_submit(report=report, actor=actor, base_version=report.version)


def test_submit_makes_the_report_read_only_to_its_writer(setup):
    report = _submit(setup)
    assert report.status == ReportStatus.SUBMITTED
    assert report.submitted_at is not None and not report.submitted_late
    with pytest.raises(ValidationError):
        report_save(
            report=report,
            actor=setup.writer,
            content=filled_content(report),
            base_version=report.version,
        )
    assert report.commitments.count() == 1
    assert AuditEvent.objects.filter(
        target_type="reports.selfreview", target_id=report.pk, action="status"
    ).exists()


def test_submit_after_the_due_date_is_marked_late(setup):
    Campaign.objects.filter(pk=setup.campaign.pk).update(
        report_due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    setup.report.refresh_from_db()
    report = _submit(setup)
    assert report.submitted_late


def test_submit_outside_the_period_is_refused(setup):
    today = timezone.localdate()
    Campaign.objects.filter(pk=setup.campaign.pk).update(
        starts_on=today - datetime.timedelta(days=60), ends_on=today - datetime.timedelta(days=1)
    )
    setup.report.refresh_from_db()
    with pytest.raises(ValidationError, match=r"\d\d/\d\d/\d{4}"):
        _submit(setup)
    setup.report.refresh_from_db()
    assert setup.report.status == ReportStatus.DRAFT


def test_closing_the_campaign_freezes_its_reports(setup):
    Campaign.objects.filter(pk=setup.campaign.pk).update(status="closed")
    setup.report.refresh_from_db()
    with pytest.raises(ValidationError):
        report_save(
            report=setup.report,
            actor=setup.writer,
            content=filled_content(setup.report),
            base_version=0,
        )


def test_return_needs_a_reason_and_notifies_the_writer(setup):
    report = _submit(setup)
    with pytest.raises(ValidationError):
        report_return(report=report, actor=setup.secretary, reason="  ")
    report = report_return(report=report, actor=setup.secretary, reason="Nêu rõ nguyên nhân")
    assert report.status == ReportStatus.RETURNED
    note = Notification.objects.get(user=setup.writer)
    assert note.kind == NotificationKind.REPORT_RETURNED
    assert note.body == "Nêu rõ nguyên nhân"


def test_only_the_cells_secretary_returns_or_accepts(setup):
    report = _submit(setup)
    for actor in (setup.committee, setup.sibling_secretary, setup.writer):
        with pytest.raises(PermissionDenied):
            report_accept(report=report, actor=actor)


def test_returned_report_is_resubmitted_then_accepted_and_commitment_progress_survives(setup):
    report = _submit(setup)
    commitment = report.commitments.get()
    commitment_progress_record(
        commitment=commitment,
        actor=setup.writer,
        status=CommitmentStatus.IN_PROGRESS,
        note="Đã bắt đầu",
    )
    report = report_return(report=report, actor=setup.secretary, reason="Bổ sung")
    content = filled_content(report)
    content["commitments"].append({"key": "c2", "what": "Tham gia sinh hoạt đều", "due_on": ""})
    report = report_save(
        report=report, actor=setup.writer, content=content, base_version=report.version
    )
    report = report_submit(report=report, actor=setup.writer)
    assert report.status == ReportStatus.RESUBMITTED
    assert report.commitments.count() == 2
    assert report.commitments.get(key="c1").status == CommitmentStatus.IN_PROGRESS
    report = report_accept(report=report, actor=setup.secretary)
    assert report.status == ReportStatus.ACCEPTED
    assert list(report.state_changes.values_list("status", flat=True)) == [
        "draft",
        "submitted",
        "returned",
        "resubmitted",
        "accepted",
    ]


def test_proxy_entry_needs_a_reason_records_who_and_the_member_confirms(setup, tree, make_user):
    member_user = make_user(member=setup.mate)
    report = report_open(member=setup.mate, campaign=setup.campaign, actor=setup.secretary)
    with pytest.raises(ValidationError):
        report_save(
            report=report, actor=setup.secretary, content=filled_content(report), base_version=0
        )
    report = _submit(setup, report=report, actor=setup.secretary)
    assert report.entered_by == setup.secretary
    assert report.proxy_reason
    assert report.revisions.filter(kind=RevisionKind.PROXY).exists()
    assert Notification.objects.filter(
        user=member_user, kind=NotificationKind.REPORT_PROXY
    ).exists()
    with pytest.raises(PermissionDenied):
        report_confirm(report=report, actor=setup.secretary)
    report = report_confirm(report=report, actor=member_user)
    assert report.confirmed_at is not None


def test_text_readers_and_state_viewers(setup, make_user, tree):
    supervisor = make_user(tree.cell_a, Role.SUPERVISOR)
    readable = lambda user: reports_readable_by(user).filter(pk=setup.report.pk).exists()  # noqa: E731
    visible = lambda user: reports_visible_to(user).filter(pk=setup.report.pk).exists()  # noqa: E731
    assert readable(setup.writer) and readable(setup.secretary) and readable(supervisor)
    assert not readable(setup.committee) and visible(setup.committee)
    assert not readable(setup.sibling_secretary) and not visible(setup.sibling_secretary)
    admin = make_user(is_superuser=True)
    assert not readable(admin)


def test_cell_rows_list_excluded_members_apart(setup, tree):
    setup.mate.status = MemberStatus.TRANSFERRED_OUT
    setup.mate.save()
    in_scope, apart = cell_report_rows(setup.campaign, tree.cell_a)
    assert [r.member.pk for r in in_scope] == [tree.member_a.pk]
    assert in_scope[0].status == ReportStatus.DRAFT
    assert [r.member.pk for r in apart] == [setup.mate.pk]


def test_commitment_progress_by_member_or_secretary_only(setup):
    report = _submit(setup)
    commitment = report.commitments.get()
    commitment_progress_record(
        commitment=commitment, actor=setup.secretary, status=CommitmentStatus.DONE, note="Xong"
    )
    with pytest.raises(PermissionDenied):
        commitment_progress_record(
            commitment=commitment, actor=setup.committee, status=CommitmentStatus.DONE
        )
    assert commitment.progress.count() == 1


def test_overdue_commitments_and_next_campaign_shows_previous_ones(setup, tree):
    report = _submit(setup)
    Commitment.objects.filter(report=report).update(
        due_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    assert [c.report_id for c in overdue_commitments(tree.cell_a)] == [report.pk]
    later = make_open_campaign(tree.province, title="Đợt sau")
    Campaign.objects.filter(pk=later.pk).update(starts_on=timezone.localdate())
    later.refresh_from_db()
    assert [c.report_id for c in previous_commitments(tree.member_a, later)] == [report.pk]


def test_reminders_at_most_once_a_day(setup, tree, make_user):
    make_user(member=setup.mate)
    first = reports_remind(actor=setup.secretary, campaign=setup.campaign, cell=tree.cell_a)
    assert first.sent == 2 and first.already_today == 0
    second = reports_remind(actor=setup.secretary, campaign=setup.campaign, cell=tree.cell_a)
    assert second.sent == 0 and second.already_today == 2
    with pytest.raises(PermissionDenied):
        reports_remind(actor=setup.committee, campaign=setup.campaign, cell=tree.cell_a)


def test_docx_text_is_split_by_the_templates_headings(setup):
    sections = [s for s in template_effective_sections(setup.report.template) if s.kind == "text"]
    first, second = sections[0], sections[1]
    text = "\n".join(
        [
            "BÁO CÁO TỰ RÀ SOÁT",
            f"1. {first.heading.upper()}:",
            "Nội dung phần một.",
            f"II. {second.heading}",
            "Nội dung phần hai.",
        ]
    )
    split = docx_to_sections(text, sections)
    assert split[second.key] == "Nội dung phần hai."
    assert "Nội dung phần một." in split[first.key]


def test_a_report_read_at_the_meeting_counts_whatever_its_state(setup, tree):
    from tusoi.reports.models import SelfReview
    from tusoi.reports.selectors.reviews import members_without_counted_report

    assert tree.member_a in members_without_counted_report(setup.campaign, tree.cell_a)
    SelfReview.objects.filter(pk=setup.report.pk).update(presented_at=timezone.now())
    setup.report.refresh_from_db()
    assert setup.report.status == ReportStatus.DRAFT and setup.report.is_counted
    assert tree.member_a not in members_without_counted_report(setup.campaign, tree.cell_a)
