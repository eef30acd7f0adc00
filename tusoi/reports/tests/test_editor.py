"""The writer's pages: "Báo cáo của tôi", the editor (form and JSON saves, conflicts, bad input),
submitting, what each reader sees, revisions and restoring."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tusoi.campaigns.models import Campaign
from tusoi.orgs.permissions import Role
from tusoi.reports.models import (
    Commitment,
    ReportRevision,
    ReportStatus,
    RevisionKind,
    SelfReview,
    TemplateSection,
)
from tusoi.reports.selectors import template_for
from tusoi.reports.services import (
    campaign_templates_create_defaults,
    report_open,
    report_return,
    report_save,
    report_submit,
)
from tusoi.testing.factories import make_member

from .conftest import filled_content, make_campaign, make_open_campaign

pytestmark = pytest.mark.django_db

SENTENCE = "Tôi nhận thấy mình còn ngại va chạm khi góp ý cho đồng chí trong chi bộ."


@pytest.fixture
def writer(tree, make_user):
    return make_user(member=tree.member_a)


@pytest.fixture
def report(open_campaign, tree, writer):
    return report_open(member=tree.member_a, campaign=open_campaign, actor=writer)


def _url(name, report, *args):
    return reverse(f"reports:{name}", args=[report.pk, *args])


def _json_save(client, report, content, version, **extra):
    body = {"content": content, "version": version, **extra}
    return client.post(
        _url("report_save", report), data=json.dumps(body), content_type="application/json"
    )


def _content(**sections):
    return {"sections": sections, "checklist": {}, "commitments": []}


def _html(response):
    return response.content.decode()


# "Báo cáo của tôi" ---------------------------------------------------------------------------


def test_my_reports_lists_the_open_campaign_with_a_start_button(client, writer, open_campaign):
    client.force_login(writer)
    html = _html(client.get(reverse("reports:mine")))
    assert open_campaign.title in html
    assert reverse("reports:mine_open", args=[open_campaign.pk]) in html
    assert reverse("reports:commitments_mine") in html


def test_starting_opens_the_editor_with_the_members_template_sections(
    client, writer, open_campaign, tree
):
    client.force_login(writer)
    response = client.post(reverse("reports:mine_open", args=[open_campaign.pk]))
    report = SelfReview.objects.get(member=tree.member_a, campaign=open_campaign)
    assert response.status_code == 302
    assert response["Location"] == _url("report", report)
    html = _html(client.get(response["Location"]))
    assert "Việc giữ trọn lời thề đảng viên" in html
    assert 'name="s-loi-the"' in html
    assert 'name="c-dieu-2-D1-answer"' in html  # Article 2 duty 1, answered per item
    assert 'name="m-0-what"' in html and 'name="m-1-what"' in html  # two blank plan rows
    assert "Việc thực hiện lời hứa" not in html  # the leader-only section
    assert 'id="save-status"' in html and 'name="version" value="0"' in html


def test_a_leader_gets_the_leader_template(client, make_user, open_campaign, tree):
    leader = make_member(tree.cell_a, "Phạm Thị Dung", is_leader=True)
    user = make_user(member=leader)
    client.force_login(user)
    client.post(reverse("reports:mine_open", args=[open_campaign.pk]))
    report = SelfReview.objects.get(member=leader)
    html = _html(client.get(_url("report", report)))
    assert "Việc thực hiện lời hứa khi được bổ nhiệm, ứng cử, bầu cử" in html
    assert 'name="s-giai-phap-lanh-dao"' in html


def test_opening_twice_goes_to_the_same_report(client, writer, report, open_campaign):
    client.force_login(writer)
    url = reverse("reports:mine_open", args=[open_campaign.pk])
    assert client.get(url)["Location"] == _url("report", report)
    assert client.post(url)["Location"] == _url("report", report)
    assert SelfReview.objects.count() == 1


def test_opening_by_get_asks_before_starting(client, writer, open_campaign):
    client.force_login(writer)
    response = client.get(reverse("reports:mine_open", args=[open_campaign.pk]))
    assert response.status_code == 200
    assert 'method="post"' in _html(response)
    assert not SelfReview.objects.exists()


def test_a_campaign_of_another_branch_cannot_be_opened(client, writer, tree):
    other = make_open_campaign(tree.branch_b, title="Đợt của xã Bình Minh")
    client.force_login(writer)
    assert client.post(reverse("reports:mine_open", args=[other.pk])).status_code == 404


def test_an_account_without_member_record_gets_an_explanation(client, make_user, tree):
    client.force_login(make_user(tree.cell_a, Role.SECRETARY))
    response = client.get(reverse("reports:mine"))
    assert response.status_code == 200
    assert "data-no-member" in _html(response)


def test_my_reports_shows_state_lateness_and_past_reports(client, writer, tree, report):
    past = make_campaign(tree.province, title="Đợt năm trước")
    campaign_templates_create_defaults(actor=None, campaign=past)
    SelfReview.objects.create(
        campaign=past,
        member=tree.member_a,
        template=template_for(tree.member_a, past),
        status=ReportStatus.ACCEPTED,
        submitted_late=True,
    )
    Campaign.objects.filter(pk=past.pk).update(status="closed")
    client.force_login(writer)
    html = _html(client.get(reverse("reports:mine")))
    assert 'data-status="draft"' in html
    assert "Đợt năm trước" in html
    assert _url("report", report) in html


# Saving ---------------------------------------------------------------------------------------


def test_form_save_keeps_the_text_as_a_new_version(client, writer, report):
    client.force_login(writer)
    response = client.post(
        _url("report_save", report),
        {
            "version": "0",
            "s-uu-diem": SENTENCE,
            "c-dieu-2-D1-answer": "yes",
            "c-dieu-2-D1-note": "Đi sinh hoạt đều",
            "m-0-what": "Góp ý thẳng thắn hơn",
            "m-0-due_on": "2026-12-31",
            "m-0-measure": "Chi bộ nhận xét",
            "m-1-what": "",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.version == 1
    assert report.content["sections"] == {"uu-diem": SENTENCE}
    assert report.content["checklist"] == {
        "dieu-2": {"D1": {"answer": "yes", "note": "Đi sinh hoạt đều"}}
    }
    assert [c["what"] for c in report.content["commitments"]] == ["Góp ý thẳng thắn hơn"]
    assert report.revisions.get().kind == RevisionKind.SAVE
    html = _html(client.get(response["Location"]))
    assert SENTENCE in html
    assert 'value="2026-12-31"' in html
    assert 'name="version" value="1"' in html


def test_json_save_answers_with_version_time_and_length(client, writer, report):
    client.force_login(writer)
    response = _json_save(client, report, _content(**{"uu-diem": SENTENCE}), 0)
    assert response.status_code == 200
    data = response.json()
    assert data["version"] == 1
    assert re.fullmatch(r"\d\d:\d\d", data["saved_at"])
    assert data["char_count"] == len(SENTENCE)
    assert report.revisions.get().kind == RevisionKind.AUTOSAVE


def test_stale_json_save_is_a_conflict_and_keeps_the_refused_text(client, writer, report):
    client.force_login(writer)
    first = _json_save(client, report, _content(**{"uu-diem": "Bản của thẻ thứ nhất."}), 0)
    assert first.status_code == 200
    response = _json_save(client, report, _content(**{"uu-diem": "Bản của thẻ thứ hai."}), 0)
    assert response.status_code == 409
    data = response.json()
    assert data["conflict"] is True
    assert data["current_version"] == 1
    assert data["revisions_url"] == _url("report_revisions", report)
    assert data["detail"]
    kept = ReportRevision.objects.get(report=report, kind=RevisionKind.CONFLICT)
    assert kept.number == data["kept_revision"]
    assert kept.content["sections"]["uu-diem"] == "Bản của thẻ thứ hai."
    report.refresh_from_db()
    assert report.content["sections"]["uu-diem"] == "Bản của thẻ thứ nhất."


def test_stale_form_save_comes_back_with_the_typed_text_and_the_conflict(client, writer, report):
    client.force_login(writer)
    _json_save(client, report, _content(**{"uu-diem": "Bản đã lưu ở máy khác."}), 0)
    response = client.post(_url("report_save", report), {"version": "0", "s-uu-diem": SENTENCE})
    assert response.status_code == 409
    html = _html(response)
    assert SENTENCE in html
    assert "data-conflict-server" in html
    assert _url("report_revisions", report) in html
    assert ReportRevision.objects.filter(report=report, kind=RevisionKind.CONFLICT).exists()


def test_oversized_text_is_refused_and_the_report_is_unchanged(client, writer, report):
    client.force_login(writer)
    _json_save(client, report, _content(**{"uu-diem": SENTENCE}), 0)
    long_text = "Dài quá. " * 2300  # beyond the section's 20.000 characters
    response = _json_save(client, report, _content(**{"uu-diem": long_text}), 1)
    assert response.status_code == 400
    errors = response.json()["errors"]
    message = errors["sections.uu-diem"][0]
    assert "Ưu điểm" in message and "20.699" in message and "20.000" in message
    report.refresh_from_db()
    assert report.version == 1
    assert report.content["sections"]["uu-diem"] == SENTENCE

    form = client.post(_url("report_save", report), {"version": "1", "s-uu-diem": long_text})
    assert form.status_code == 400
    html = _html(form)
    section = html[html.index('id="sec-uu-diem"') :]
    section = section[: section.index("</section>")]
    assert "20.699" in section  # the message sits with its section
    assert "Dài quá. Dài quá." in section  # and the typed text is still there
    report.refresh_from_db()
    assert report.version == 1


def test_unknown_checklist_item_is_refused(client, writer, report):
    client.force_login(writer)
    response = client.post(
        _url("report_save", report),
        {"version": "0", "s-uu-diem": SENTENCE, "c-dieu-2-99-answer": "yes"},
    )
    assert response.status_code == 400
    html = _html(response)
    assert "99" in html[html.index('id="sec-dieu-2"') :]
    assert SENTENCE in html
    report.refresh_from_db()
    assert report.version == 0 and report.content["sections"] == {}

    content = {"sections": {}, "checklist": {"dieu-2": {"99": {"answer": "yes"}}}}
    data = _json_save(client, report, content, 0).json()
    assert "99" in data["errors"]["checklist.dieu-2"][0]


def test_an_answer_outside_the_choices_is_refused(client, writer, report):
    client.force_login(writer)
    response = client.post(
        _url("report_save", report), {"version": "0", "c-dieu-2-D1-answer": "maybe"}
    )
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.version == 0


def test_malformed_json_and_version_are_refused_without_saving(client, writer, report):
    client.force_login(writer)
    url = _url("report_save", report)
    assert client.post(url, data="{", content_type="application/json").status_code == 400
    bad = client.post(
        url, data=json.dumps({"content": {}, "version": "x"}), content_type="application/json"
    )
    assert bad.status_code == 400 and "version" in bad.json()["errors"]
    form = client.post(url, {"version": "", "s-uu-diem": SENTENCE})
    assert form.status_code == 400
    assert SENTENCE in _html(form)  # typed text comes back even from a broken form
    report.refresh_from_db()
    assert report.version == 0


def test_pasted_html_is_shown_as_text_never_run(client, writer, report):
    client.force_login(writer)
    pasted = '<script>alert("x")</script><b>đậm</b>'
    _json_save(client, report, _content(**{"uu-diem": pasted}), 0)
    for url in (_url("report", report), _url("report_revision", report, 1)):
        html = _html(client.get(url))
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;đậm&lt;/b&gt;" in html
        assert '<script>alert("x")' not in html
        assert "<b>đậm</b>" not in html


def test_logged_out_json_save_gets_json_and_form_post_goes_to_log_in(client, report):
    response = _json_save(client, report, _content(), 0)
    assert response.status_code == 403
    assert response.json()["detail"]
    form = client.post(_url("report_save", report), {"version": "0"})
    assert form.status_code == 302 and form["Location"].startswith(reverse("accounts:login"))


# Submitting ----------------------------------------------------------------------------------


def test_submit_with_required_sections_empty_explains_and_stays_a_draft(client, writer, report):
    client.force_login(writer)
    response = client.post(_url("report_submit", report), {"version": "0", "s-uu-diem": SENTENCE})
    assert response.status_code == 400
    html = _html(response)
    assert "Việc giữ trọn lời thề đảng viên" in html[html.index('data-error-slot="__all__"') :]
    assert SENTENCE in html
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    # What was typed was saved as the draft before the submission was refused.
    assert report.content["sections"]["uu-diem"] == SENTENCE
    assert 'name="version" value="1"' in html


def test_submitted_report_is_read_only_for_its_writer(client, writer, report):
    content = filled_content(report)
    content["sections"]["uu-diem"] = SENTENCE + " " + content["sections"]["uu-diem"]
    report = report_save(report=report, actor=writer, content=content, base_version=0)
    client.force_login(writer)
    response = client.post(_url("report_submit", report), {"version": str(report.version)})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED

    html = _html(client.get(_url("report", report)))
    assert 'data-status="submitted"' in html
    assert "<textarea" not in html
    assert SENTENCE in html

    refused = client.post(
        _url("report_save", report), {"version": str(report.version), "s-uu-diem": "Sửa lén"}
    )
    assert refused.status_code == 400
    assert "Sửa lén" in _html(refused)  # shown back as "not saved", never lost silently
    report.refresh_from_db()
    assert report.content["sections"]["uu-diem"].startswith(SENTENCE)
    assert _json_save(client, report, _content(), report.version).status_code == 400


def test_submit_saves_the_posted_fields_first(client, writer, report):
    content = filled_content(report)
    report = report_save(report=report, actor=writer, content=content, base_version=0)
    client.force_login(writer)
    added = content["sections"]["uu-diem"] + " Đã bổ sung thêm ý."
    fields = {"version": str(report.version), "s-uu-diem": added}
    fields.update({f"s-{k}": v for k, v in content["sections"].items() if k != "uu-diem"})
    for key, answers in content["checklist"].items():
        fields.update({f"c-{key}-{code}-answer": "yes" for code in answers})
    fields.update({"m-0-key": "c1", "m-0-what": "Đọc Điều lệ", "m-0-due_on": "31/12/2026"})
    response = client.post(_url("report_submit", report), fields)
    assert response.status_code == 302, re.findall(r"<li>[^<]+", _html(response))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.content["sections"]["uu-diem"].endswith("Đã bổ sung thêm ý.")
    assert Commitment.objects.get(report=report).what == "Đọc Điều lệ"


def test_submit_from_a_stale_page_is_refused(client, writer, report):
    report = report_save(
        report=report, actor=writer, content=filled_content(report), base_version=0
    )
    client.force_login(writer)
    response = client.post(_url("report_submit", report), {"version": "0"})
    assert response.status_code == 409
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_returned_report_shows_the_reason_in_the_editor(client, writer, report, make_user, tree):
    report = report_save(
        report=report, actor=writer, content=filled_content(report), base_version=0
    )
    report_submit(report=report, actor=writer)
    secretary = make_user(tree.cell_a, Role.SECRETARY)
    report_return(report=report, actor=secretary, reason="Phần hạn chế còn chung chung.")
    client.force_login(writer)
    html = _html(client.get(_url("report", report)))
    assert "Phần hạn chế còn chung chung." in html
    assert "<textarea" in html


# Who sees what -------------------------------------------------------------------------------


def test_committee_above_sees_the_state_but_not_the_text(client, writer, report, make_user, tree):
    report_save(
        report=report, actor=writer, content=_content(**{"uu-diem": SENTENCE}), base_version=0
    )
    client.force_login(make_user(tree.province, Role.COMMITTEE))
    response = client.get(_url("report", report))
    assert response.status_code == 200
    html = _html(response)
    assert 'data-status="draft"' in html
    assert "data-outside-scope" in html
    assert tree.member_a.full_name in html
    assert SENTENCE not in html
    assert "<textarea" not in html
    assert client.get(_url("report_revisions", report)).status_code == 404
    assert client.get(_url("report_revision", report, 1)).status_code == 404
    assert _json_save(client, report, _content(), 1).status_code == 404


def test_secretary_of_a_sibling_branch_gets_404(client, report, make_user, tree):
    client.force_login(make_user(tree.cell_b, Role.SECRETARY))
    assert client.get(_url("report", report)).status_code == 404
    assert client.post(_url("report_save", report), {"version": "0"}).status_code == 404
    response = _json_save(client, report, _content(), 0)
    assert response.status_code == 404 and response.json()["detail"]
    assert client.get(_url("report_revisions", report)).status_code == 404


def test_a_supervisor_reads_the_text_without_an_editor(client, writer, report, make_user, tree):
    report_save(
        report=report, actor=writer, content=_content(**{"uu-diem": SENTENCE}), base_version=0
    )
    client.force_login(make_user(tree.cell_a, Role.SUPERVISOR))
    html = _html(client.get(_url("report", report)))
    assert SENTENCE in html
    assert "<textarea" not in html
    assert client.post(_url("report_save", report), {"version": "1"}).status_code == 403


def test_cell_secretary_enters_a_report_in_proxy_mode(client, report, make_user, tree):
    secretary = make_user(tree.cell_a, Role.SECRETARY)
    client.force_login(secretary)
    html = _html(client.get(_url("report", report)))
    assert "data-proxy-banner" in html
    assert tree.member_a.full_name in html
    assert re.search(r'name="proxy_reason"[^>]*required', html)

    refused = client.post(_url("report_save", report), {"version": "0", "s-uu-diem": SENTENCE})
    assert refused.status_code == 400
    refused_html = _html(refused)
    slot = refused_html[refused_html.index('data-error-slot="proxy_reason"') :]
    assert "<li>" in slot[: slot.index("</ul>")]
    assert SENTENCE in refused_html

    saved = client.post(
        _url("report_save", report),
        {"version": "0", "s-uu-diem": SENTENCE, "proxy_reason": "Đồng chí đi làm ăn xa"},
    )
    assert saved.status_code == 302
    report.refresh_from_db()
    assert report.entered_by == secretary
    assert report.proxy_reason == "Đồng chí đi làm ăn xa"
    assert report.revisions.get().kind == RevisionKind.PROXY
    html = _html(client.get(_url("report", report)))
    assert not re.search(r'name="proxy_reason"[^>]*required', html)


# Revisions -----------------------------------------------------------------------------------


def test_revisions_list_marks_conflicts_and_a_revision_can_be_restored(client, writer, report):
    client.force_login(writer)
    _json_save(client, report, _content(**{"uu-diem": "Bản đầu tiên của tôi."}), 0)
    _json_save(client, report, _content(**{"uu-diem": "Bản thứ hai."}), 1)
    _json_save(client, report, _content(**{"uu-diem": "Bản từ thẻ cũ."}), 1)  # conflict
    html = _html(client.get(_url("report_revisions", report)))
    for number in (1, 2, 3):
        assert _url("report_revision", report, number) in html
    assert len(re.findall(r'<tr class="rev-conflict conflict"', html)) == 1

    page = _html(client.get(_url("report_revision", report, 1)))
    assert "Bản đầu tiên của tôi." in page
    assert _url("report_restore", report, 1) in page

    response = client.post(_url("report_restore", report, 1), {"version": "2"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.content["sections"]["uu-diem"] == "Bản đầu tiên của tôi."
    assert report.revisions.order_by("-number").first().kind == RevisionKind.RESTORE

    # The text kept aside by the conflict is restorable too.
    client.post(_url("report_restore", report, 3), {"version": str(report.version)})
    report.refresh_from_db()
    assert report.content["sections"]["uu-diem"] == "Bản từ thẻ cũ."


def test_restore_from_a_stale_page_changes_nothing(client, writer, report):
    client.force_login(writer)
    _json_save(client, report, _content(**{"uu-diem": "Một."}), 0)
    _json_save(client, report, _content(**{"uu-diem": "Hai."}), 1)
    response = client.post(_url("report_restore", report, 1), {"version": "1"}, follow=True)
    assert response.status_code == 200
    assert response.context["messages"]
    report.refresh_from_db()
    assert report.content["sections"]["uu-diem"] == "Hai."


def test_a_submitted_report_offers_no_restore(client, writer, report):
    report = report_save(
        report=report, actor=writer, content=filled_content(report), base_version=0
    )
    report_submit(report=report, actor=writer)
    client.force_login(writer)
    page = _html(client.get(_url("report_revision", report, 1)))
    assert _url("report_restore", report, 1) not in page
    client.post(_url("report_restore", report, 1), {"version": "1"})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


# Queries -------------------------------------------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow(report, writer, tree, start, extra):
    """More sections, revisions, previous commitments and past reports."""
    for n in range(start, start + extra):
        TemplateSection.objects.create(
            template=report.template,
            key=f"them-{n}",
            heading=f"Phần thêm {n}",
            required=False,
            position=100 + n,
        )
    for n in range(start, start + extra):
        report = report_save(
            report=report,
            actor=writer,
            content=_content(**{"uu-diem": f"Lần {n}"}),
            base_version=report.version,
        )
    for n in range(start, start + extra):
        past = make_campaign(tree.province, title=f"Đợt cũ {n}")
        campaign_templates_create_defaults(actor=None, campaign=past)
        old = SelfReview.objects.create(
            campaign=past, member=tree.member_a, template=template_for(tree.member_a, past)
        )
        Commitment.objects.create(report=old, member=tree.member_a, key="k", what=f"Việc {n}")
        Campaign.objects.filter(pk=past.pk).update(status="closed")
    return report


def test_report_and_my_reports_queries_do_not_grow(
    client, writer, report, tree, django_assert_max_num_queries
):
    client.force_login(writer)
    urls = [reverse("reports:mine"), _url("report", report), _url("report_revisions", report)]
    report = _grow(report, writer, tree, 0, 1)
    baseline = [_count(client, url) for url in urls]
    _grow(report, writer, tree, 1, 6)
    for url, count in zip(urls, baseline, strict=True):
        with django_assert_max_num_queries(count):
            html = _html(client.get(url))
        assert html
    assert "Phần thêm 5" in _html(client.get(urls[1]))
    assert "Việc 5" in _html(client.get(urls[1]))
