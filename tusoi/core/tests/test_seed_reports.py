"""The demo campaign's reports (`tusoi seed --scale demo`): every state occurs, the demo logins
see something to work on, the bulk-written reports are exactly what the services would have
made, and only the demo scale gets reports."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from tusoi.accounts.models import RoleGrant, User
from tusoi.notifications.models import Notification, NotificationKind
from tusoi.orgs.permissions import Role
from tusoi.reports.models import (
    Commitment,
    CommitmentProgress,
    ReportRevision,
    ReportStatus,
    RevisionKind,
    SelfReview,
)
from tusoi.reports.selectors import template_effective_sections, template_for
from tusoi.reports.selectors.reviews import cell_report_rows
from tusoi.reports.services import content_clean, submit_problems


def _seed(scale: str) -> None:
    call_command("seed", scale=scale, stdout=io.StringIO())


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo seeded once for this module's tests (they only read)."""
    with django_db_blocker.unblock():
        from django.db import transaction

        atomic = transaction.atomic()
        atomic.__enter__()
        _seed("demo")
        yield
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


pytestmark = pytest.mark.django_db


def test_every_report_state_occurs_in_the_demo(demo):
    reports = SelfReview.objects.all()
    states = Counter(reports.values_list("status", flat=True))
    assert set(states) == set(ReportStatus.values)
    assert all(n >= 5 for n in states.values()), states
    # The demo's due date lies ahead, so no report can be late yet.
    assert not reports.filter(submitted_late=True).exists()
    assert reports.exclude(returned_reason="").filter(status=ReportStatus.RETURNED).exists()
    proxies = reports.filter(entered_by__isnull=False)
    assert proxies.filter(confirmed_at__isnull=False).exists()
    assert proxies.filter(confirmed_at__isnull=True).exists()
    assert all(r.member.elderly_frail for r in proxies.select_related("member"))
    # Not started: some members in scope have no report, and some cells none at all.
    assert reports.count() < 0.8 * _members_in_scope()


def _members_in_scope() -> int:
    from tusoi.members.models import Member

    return Member.objects.filter(status="active").count()


def test_dangvien_has_a_returned_report_and_was_told_why(demo):
    user = User.objects.get(username="dangvien")
    report = SelfReview.objects.get(member=user.member)
    assert report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)
    assert report.status == ReportStatus.RETURNED and report.returned_reason
    assert Notification.objects.filter(
        user=user, kind=NotificationKind.REPORT_RETURNED, read_at__isnull=True
    ).exists()


def test_bithus_cell_has_mixed_states(demo):
    secretary = User.objects.get(username="bithu")
    report = SelfReview.objects.filter(member=secretary.member).first()
    in_scope, _apart = cell_report_rows(report.campaign, secretary.member.cell)
    states = Counter(row.status for row in in_scope)
    assert {"", "draft", "submitted", "returned", "resubmitted", "accepted"} <= set(states)


def test_writers_have_accounts_and_each_cell_a_secretary(demo):
    from tusoi.orgs.models import Organization

    own = SelfReview.objects.filter(entered_by__isnull=True)
    assert not own.filter(member__user__isnull=True).exists()
    cells = Organization.objects.filter(kind__is_cell=True)
    secretaries = RoleGrant.objects.filter(role=Role.SECRETARY, valid_to__isnull=True)
    assert secretaries.values("organization").distinct().count() == cells.count()
    new = User.objects.exclude(
        username__in=["admin", "tinhuy", "phuong", "giamsat", "bithu", "dangvien"]
    )
    assert not any(u.has_usable_password() for u in new[:50])


def test_reports_are_what_the_services_would_have_made(demo):
    """Content as content_clean leaves it, complete when submitted, the template the member's
    audience gets, one state change per step ending in the current state, the revisions'
    versions in order, commitments as the last submission set them."""
    sections: dict[int, list] = {}
    sample = SelfReview.objects.select_related("template", "member__cell", "campaign").order_by(
        "?"
    )[:120]
    for report in sample:
        s = sections.setdefault(report.template_id, template_effective_sections(report.template))
        cleaned = content_clean(s, report.content)
        assert cleaned.content == report.content
        assert cleaned.full_text == report.full_text and report.char_count == len(report.full_text)
        assert report.template == template_for(report.member, report.campaign)
        history = list(report.state_changes.order_by("at", "id").values_list("status", flat=True))
        assert history[0] == ReportStatus.DRAFT and history[-1] == report.status
        revisions = list(report.revisions.order_by("number"))
        saves = [r for r in revisions if r.kind != RevisionKind.SUBMIT]
        assert len(saves) == report.version
        if report.status != ReportStatus.DRAFT:
            assert not submit_problems(report, s, report.content)
            assert report.first_submitted_at and report.submitted_at
            submitted = [r for r in revisions if r.kind == RevisionKind.SUBMIT][-1]
            keys = [c["key"] for c in submitted.content["commitments"]]
            assert list(report.commitments.values_list("key", flat=True)) == keys
        else:
            assert not report.commitments.exists()
        assert report.created_at <= report.updated_at <= timezone.now()


def test_commitments_have_progress_and_some_are_overdue(demo):
    today = timezone.localdate()
    assert CommitmentProgress.objects.filter(status="done").exists()
    assert CommitmentProgress.objects.filter(status="in_progress").exists()
    overdue = Commitment.objects.filter(due_on__lt=today).exclude(status="done")
    assert 0 < overdue.count() < Commitment.objects.count() / 3


def test_report_texts_differ_from_one_another(demo):
    texts = list(SelfReview.objects.exclude(status="draft").values_list("full_text", flat=True))
    assert len(set(texts)) == len(texts)


def test_seeding_the_demo_again_adds_no_report(demo):
    counts = (
        SelfReview.objects.count(),
        ReportRevision.objects.count(),
        Notification.objects.count(),
        User.objects.count(),
    )
    _seed("demo")
    assert counts == (
        SelfReview.objects.count(),
        ReportRevision.objects.count(),
        Notification.objects.count(),
        User.objects.count(),
    )


def test_only_the_demo_scale_gets_reports(db):
    from tusoi.orgs.models import Organization

    users = User.objects.count()
    _seed("tiny")
    tiny = Organization.objects.get(code="TINY")
    assert not SelfReview.objects.filter(member__cell__path__startswith=tiny.path).exists()
    assert User.objects.count() == users
