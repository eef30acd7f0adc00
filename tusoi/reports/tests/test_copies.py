"""Copy detection of self-review reports (issue 7): what a check finds and stores, formulaic
language, incremental indexing, the campaign re-check job, counts and the side-by-side view."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from tusoi.dedup.models import IndexedSignature
from tusoi.dedup.normalize import normalize, to_tcvn3
from tusoi.jobs.models import JobState
from tusoi.reports.models import (
    CopyCheck,
    CopyMatch,
    CopyMatchKind,
    CopyPhrase,
    CopySample,
    SelfReview,
    TemplateSection,
)
from tusoi.reports.selectors import template_effective_sections
from tusoi.reports.selectors.copies import (
    copy_flag_counts,
    report_copy_view,
    side_by_side,
)
from tusoi.reports.services import copies
from tusoi.reports.services.copies import (
    CopyText,
    campaign_copy_recheck,
    copy_recheck_start,
    report_copy_check,
    report_copy_precheck,
)
from tusoi.testing.factories import UserFactory, grant, make_member, make_org

from .conftest import make_open_campaign
from .scope_cases_copies import paragraphs, write_report, writer_of

pytestmark = pytest.mark.django_db


def _check(report) -> CopyCheck:
    return CopyCheck.objects.get(report=report)


def _old_style(text: str) -> str:
    """The old tone placement: "hòa, khỏe, thủy" -> "hoà, khoẻ, thuỷ"."""
    for new, old in (("òa", "oà"), ("ỏe", "oẻ"), ("ủy", "uỷ"), ("óa", "oá"), ("ũy", "uỹ")):
        text = text.replace(new, old)
    return text


@pytest.fixture
def campaign(tree):
    return make_open_campaign(tree.province)


def test_half_copied_report_is_flagged_with_containment_half_and_jaccard_a_third(tree, campaign):
    campaign.copy_threshold = 0.4
    campaign.save(update_fields=["copy_threshold"])
    original = paragraphs(10, 10)
    source = write_report(tree.member_b, campaign, original)
    copy = write_report(tree.member_a, campaign, original[:5] + paragraphs(11, 5))

    check = _check(copy)
    assert check.flagged
    assert check.containment == pytest.approx(0.5, abs=0.03)
    assert check.jaccard == pytest.approx(1 / 3, abs=0.03)
    match = check.matches.get()
    assert (match.kind, match.other_report_id) == (CopyMatchKind.REPORT, source.pk)
    assert match.score == pytest.approx(0.5, abs=0.03)


def test_a_copy_in_the_other_tone_style_or_typed_in_tcvn3_is_still_found(tree, campaign):
    original = paragraphs(20, 10)
    assert any(w in " ".join(original) for w in ("hòa", "khỏe", "thủy", "tòa", "họa", "túy"))
    source = write_report(tree.member_b, campaign, original)
    edited = [_old_style(p) for p in original]
    edited[3] = edited[3].replace("chi bộ", "chi bộ khu phố")  # small edits
    edited.reverse()  # and the paragraphs in another order
    old_style = write_report(tree.member_a, campaign, edited)
    typed_tcvn3 = write_report(
        make_member(tree.cell_a, "Phạm Thị Dung"), campaign, [to_tcvn3(p) for p in original]
    )

    assert normalize(typed_tcvn3.full_text) == normalize(source.full_text)
    for report in (old_style, typed_tcvn3):
        check = _check(report)
        assert check.flagged, report
        assert check.containment > 0.9
        assert check.matches.filter(other_report=source).exists()


def test_an_original_report_is_not_flagged(tree, campaign):
    write_report(tree.member_b, campaign, paragraphs(30, 10))
    original = write_report(tree.member_a, campaign, paragraphs(31, 10))
    check = _check(original)
    assert not check.flagged
    assert check.match_count == 0
    assert check.score == 0


def test_template_headings_and_guidance_alone_do_not_make_two_reports_similar(tree, campaign):
    first = write_report(tree.member_b, campaign, paragraphs(40, 10, words=30))
    sections = template_effective_sections(first.template)
    structure = [s.heading for s in sections] + [s.guidance for s in sections if s.guidance]
    one = write_report(tree.member_a, campaign, [*structure, *paragraphs(41, 5, words=30)])
    two = write_report(tree.member_a2, campaign, [*structure, *paragraphs(42, 5, words=30)])

    # Without the template's structure removed, the two would share most of their phrases.
    a, b = CopyText.of(normalize(one.full_text)), CopyText.of(normalize(two.full_text))
    assert len(a.shingles & b.shingles) / len(a.shingles) > 0.4
    check = _check(two)
    assert not check.flagged
    assert not check.matches.filter(other_report=one).exists()


def test_formulaic_phrases_shared_by_most_reports_lower_the_apps_score(tree, monkeypatch):
    monkeypatch.setattr(copies, "MIN_SAMPLE", 5)
    campaign = make_open_campaign(tree.province)
    formula = paragraphs(50, 5)  # the phrases every cell's reports repeat
    cells = [make_org(f"Chi bộ {n}", parent=tree.branch_a) for n in range(7)]
    reports = [
        write_report(make_member(cell, f"Đảng viên {n}"), campaign, formula + paragraphs(60 + n, 5))
        for n, cell in enumerate(cells)
    ]
    sample = CopySample.objects.get(campaign=campaign)
    assert sample.reports == 7  # one report per cell
    assert CopyPhrase.objects.filter(campaign=campaign, reports=7).exists()
    # Plain containment: half of each report is found in the others; the score ignores it.
    rechecked = report_copy_check(report=reports[-1], index=False)
    assert not rechecked.flagged
    assert rechecked.score < 0.1
    findings = report_copy_precheck(reports[-1])
    assert findings == []
    # A real copy in the same campaign still stands out.
    copier = make_member(cells[0], "Người chép")
    copy = write_report(copier, campaign, formula + paragraphs(62, 5))
    check = _check(copy)
    assert check.flagged
    best = check.matches.first()
    assert best.other_report_id == reports[2].pk
    assert best.score > 0.9
    assert best.containment > 0.9


def test_pasting_the_templates_sample_text_is_flagged(tree, campaign):
    report = write_report(tree.member_a, campaign, paragraphs(70, 10), submit=False)
    section = TemplateSection.objects.get(template=report.template, key="uu-diem")
    section.sample_text = "\n".join(paragraphs(71, 6))
    section.save(update_fields=["sample_text"])
    pasted = write_report(tree.member_b, campaign, [*paragraphs(71, 6), *paragraphs(72, 2)])
    check = _check(pasted)
    assert check.flagged
    match = check.matches.get()
    assert (match.kind, match.other_report_id) == (CopyMatchKind.TEMPLATE, None)
    assert match.containment > 0.7


def test_the_members_own_report_of_another_campaign_is_found(tree, campaign):
    text = paragraphs(80, 10)
    earlier = write_report(tree.member_a, campaign, text)
    later_campaign = make_open_campaign(tree.province, title="Đợt sau")
    again = write_report(tree.member_a, later_campaign, text[:9] + paragraphs(81, 1))
    check = _check(again)
    assert check.flagged
    match = check.matches.get()
    assert (match.kind, match.other_report_id) == (CopyMatchKind.OWN, earlier.pk)
    # The earlier campaign's check is left as it was.
    assert _check(earlier).match_count == 0


def test_checking_a_new_report_leaves_earlier_checks_and_index_entries_in_place(tree, campaign):
    first = write_report(tree.member_b, campaign, paragraphs(90, 10))
    check = _check(first)
    entry = IndexedSignature.objects.get(collection=f"campaign:{campaign.pk}", key=str(first.pk))
    write_report(tree.member_a, campaign, paragraphs(91, 10))
    write_report(tree.member_a2, campaign, paragraphs(92, 10))
    again = _check(first)
    assert (again.pk, again.checked_at) == (check.pk, check.checked_at)
    assert IndexedSignature.objects.get(pk=entry.pk).signature == entry.signature
    assert IndexedSignature.objects.filter(collection=f"campaign:{campaign.pk}").count() == 3
    assert IndexedSignature.objects.filter(collection=f"member:{tree.member_a.pk}").count() == 1


def test_a_later_copy_adds_the_reverse_match_to_the_earlier_reports_check(tree, campaign):
    original = paragraphs(100, 10)
    source = write_report(tree.member_b, campaign, original)
    assert not _check(source).flagged
    copy = write_report(tree.member_a, campaign, original[:9] + paragraphs(101, 1))
    source_check = _check(source)
    assert source_check.flagged
    assert source_check.matches.get().other_report_id == copy.pk


def test_precheck_writes_nothing(tree, campaign):
    original = paragraphs(110, 10)
    write_report(tree.member_b, campaign, original)
    draft = write_report(tree.member_a, campaign, original, submit=False)

    def counts():
        return [m.objects.count() for m in (CopyCheck, CopyMatch, IndexedSignature, CopyPhrase)]

    before = counts()
    findings = report_copy_precheck(draft)
    assert [f.kind for f in findings] == [CopyMatchKind.REPORT]
    assert findings[0].score == pytest.approx(1.0)
    assert counts() == before


def test_recheck_job_processes_every_report_with_progress(
    tree, campaign, make_user, django_capture_on_commit_callbacks
):
    original = paragraphs(120, 10)
    reports = [
        write_report(tree.member_b, campaign, original),
        write_report(tree.member_a, campaign, original[:8] + paragraphs(121, 2)),
        write_report(tree.member_a2, campaign, paragraphs(122, 10)),
    ]
    CopyCheck.objects.all().delete()  # as if the checks were lost
    IndexedSignature.objects.filter(collection=f"campaign:{campaign.pk}").delete()
    admin = make_user(tree.province, "admin")
    started = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        job = copy_recheck_start(campaign=campaign, actor=admin)
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.error
    assert job.progress_total == job.progress_done == 2 * len(reports)
    assert any("3" in m["text"] for m in job.messages)
    checks = {c.report_id: c for c in CopyCheck.objects.filter(campaign=campaign)}
    assert set(checks) == {r.pk for r in reports}
    assert all(c.checked_at >= started for c in checks.values())
    assert checks[reports[0].pk].flagged and checks[reports[1].pk].flagged
    assert not checks[reports[2].pk].flagged
    assert IndexedSignature.objects.filter(collection=f"campaign:{campaign.pk}").count() == 3


@pytest.mark.parametrize("in_memory", [True, False], ids=["in-memory", "index-queries"])
def test_recheck_finds_the_same_as_the_submissions_did(tree, campaign, monkeypatch, in_memory):
    if not in_memory:
        monkeypatch.setattr(copies, "IN_MEMORY_LIMIT", 0)
    original = paragraphs(125, 10)
    reports = [
        write_report(tree.member_b, campaign, original),
        write_report(tree.member_a, campaign, original[:8] + paragraphs(126, 2)),
        write_report(tree.member_a2, campaign, paragraphs(127, 10)),
        write_report(make_member(tree.cell_a, "Đỗ Văn Em"), campaign, original[2:] + original[:2]),
    ]
    before = {
        c.report_id: (c.flagged, round(c.score, 6), c.match_count) for c in CopyCheck.objects.all()
    }
    assert campaign_copy_recheck(campaign=campaign, batch_size=2) == len(reports)
    after = {
        c.report_id: (c.flagged, round(c.score, 6), c.match_count) for c in CopyCheck.objects.all()
    }
    assert after == before
    assert [after[r.pk][0] for r in reports] == [True, True, False, True]


def test_the_sample_stops_at_its_bound_and_keeps_only_phrases_that_can_be_formulaic(
    tree, campaign, monkeypatch
):
    monkeypatch.setattr(copies, "SAMPLE_LIMIT", 2)
    common = paragraphs(128, 1)
    write_report(tree.member_a, campaign, common + paragraphs(129, 9))
    write_report(tree.member_b, campaign, common + paragraphs(130, 9))
    write_report(tree.member_a2, campaign, common + paragraphs(131, 9))
    sample = CopySample.objects.get(campaign=campaign)
    assert (sample.reports, sample.pruned) == (2, True)
    assert CopyCheck.objects.filter(in_sample=True).count() == 2
    # The cutoff of a two-report sample is FORMULAIC_MIN_REPORTS (3): nothing could reach it.
    assert not CopyPhrase.objects.filter(campaign=campaign).exists()


def test_recheck_run_again_changes_nothing_for_unchanged_texts(tree, campaign):
    original = paragraphs(130, 10)
    write_report(tree.member_b, campaign, original)
    copy = write_report(tree.member_a, campaign, original[:8] + paragraphs(131, 2))
    before = _check(copy)
    entries = set(IndexedSignature.objects.values_list("pk", "signature"))
    assert campaign_copy_recheck(campaign=campaign, batch_size=1) == 2
    after = _check(copy)
    assert (after.score, after.flagged, after.match_count) == (
        before.score,
        before.flagged,
        before.match_count,
    )
    assert set(IndexedSignature.objects.values_list("pk", "signature")) == entries


def test_only_the_issuing_committee_starts_a_recheck(tree, campaign, make_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        copy_recheck_start(campaign=campaign, actor=make_user(tree.branch_a, "committee"))


def test_a_second_recheck_request_joins_the_waiting_one(tree, campaign, make_user):
    admin = make_user(tree.province, "admin")
    first = copy_recheck_start(campaign=campaign, actor=admin)  # waits: nothing committed
    assert copy_recheck_start(campaign=campaign, actor=admin).pk == first.pk


def test_flag_counts_per_subtree_are_one_query(tree, campaign, django_assert_num_queries):
    original = paragraphs(140, 10)
    write_report(tree.member_b, campaign, original)
    write_report(tree.member_a, campaign, original)
    write_report(tree.member_a2, campaign, paragraphs(141, 10))
    with django_assert_num_queries(1):
        counts = copy_flag_counts(campaign, tree.branch_a.path)
    assert (counts.checked, counts.flagged) == (2, 1)
    assert copy_flag_counts(campaign, tree.province.path).flagged == 2
    assert copy_flag_counts(campaign, tree.cell_a2.path).flagged == 0


def test_counterpart_outside_the_viewers_scope_is_named_by_the_level_they_share(tree, campaign):
    original = paragraphs(150, 10)
    write_report(tree.member_b, campaign, original)
    near = write_report(tree.member_a2, campaign, original[:9] + paragraphs(151, 1))
    copy = write_report(tree.member_a, campaign, original[:9] + paragraphs(152, 1))
    secretary = UserFactory()
    grant(secretary, tree.cell_a, "secretary")
    view = report_copy_view(secretary, copy)
    outside = [c for c in view.counterparts if c.outside_scope]
    assert len(outside) == 2
    assert {c.level for c in outside} == {"Tỉnh ủy / Thành ủy", "Đảng ủy cấp trên cơ sở"}
    assert all(not (c.member_name or c.report_id) for c in outside)
    # A supervisor of branch A reads cell A2's report and sees the province by its kind only.
    supervisor = UserFactory()
    grant(supervisor, tree.branch_a, "supervisor")
    seen = {c.report_id or c.level for c in report_copy_view(supervisor, copy).counterparts}
    assert seen == {near.pk, "Tỉnh ủy / Thành ủy"}
    committee = UserFactory()
    grant(committee, tree.province, "committee")
    grant(committee, tree.cell_a, "secretary")
    levels = {c.level for c in report_copy_view(committee, copy).counterparts if c.level}
    assert levels == {tree.province.name, tree.branch_a.name}


def test_the_writer_never_reads_the_stored_check(tree, campaign):
    original = paragraphs(160, 10)
    write_report(tree.member_b, campaign, original)
    copy = write_report(tree.member_a, campaign, original)
    assert _check(copy).flagged
    assert report_copy_view(writer_of(tree.member_a), copy) is None


def test_side_by_side_marks_the_passages_both_texts_share():
    left = "Tôi luôn giữ gìn sức khỏe và đoàn kết.\nMột câu riêng của tôi."
    right = "Câu khác. TÔI LUÔN GIỮ GÌN SỨC KHOẺ và đoàn kết! <b>Hết</b>"
    sides = side_by_side(left, right)
    shared_left = "".join(s.text for s in sides.left if s.shared)
    assert shared_left == "Tôi luôn giữ gìn sức khỏe và đoàn kết."
    assert "Một câu riêng" not in shared_left
    shared_right = "".join(s.text for s in sides.right if s.shared)
    assert shared_right == "TÔI LUÔN GIỮ GÌN SỨC KHOẺ và đoàn kết!"
    assert "".join(s.text for s in sides.right) == right  # the text as written, nothing lost
    assert sides.left_shared == pytest.approx(9 / 14)


def test_side_by_side_reads_legacy_font_lines_converted():
    text = "Chi bộ đã hòa giải xong vụ tranh chấp đất đai ở thôn."
    sides = side_by_side(to_tcvn3(text), text)
    assert all(s.shared for s in sides.left)
    assert all(s.shared for s in sides.right)


def test_demo_plants_copies_that_bithus_cell_sees_flagged(db):
    import io

    from tusoi.accounts.models import User
    from tusoi.reports.selectors.reviews import cell_report_rows

    call_command("seed", scale="demo", stdout=io.StringIO())
    bithu = User.objects.get(username="bithu")
    cell = bithu.member.cell
    campaign = SelfReview.objects.filter(member__cell=cell).first().campaign
    rows, _apart = cell_report_rows(campaign, cell)
    flagged = [r for r in rows if r.copy_flagged]
    assert len(flagged) >= 3
    kinds = set(
        CopyMatch.objects.filter(copy_check__report__member__cell=cell).values_list(
            "kind", flat=True
        )
    )
    assert kinds == {CopyMatchKind.REPORT, CopyMatchKind.TEMPLATE}
    # Every submitted report of the campaign was checked, and ordinary ones are not flagged.
    compared = SelfReview.objects.filter(campaign=campaign, status__in=copies.COMPARED_STATUSES)
    assert CopyCheck.objects.filter(campaign=campaign).count() == compared.count()
    flagged_all = CopyCheck.objects.filter(campaign=campaign, flagged=True).count()
    assert flagged_all <= 10, flagged_all
