"""The home page shows, under each open campaign, the member's own report state and the one
button that leads on: write (not started), continue (draft or returned), view (submitted)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tusoi.orgs.permissions import Role
from tusoi.reports.services import report_open, report_return, report_save, report_submit
from tusoi.reports.tests.conftest import filled_content, make_open_campaign

HOME = reverse("core:home")


def _report_card(html: str, campaign) -> str:
    start = html.index(f"{campaign.title}</a></h2>")
    card = html[start:].split('class="card home-report"', 1)[1]
    return card.split("</section>", 1)[0]


def test_home_offers_to_write_the_report_of_each_open_campaign(client, tree, make_user):
    campaign = make_open_campaign(tree.province)
    client.force_login(make_user(member=tree.member_a))
    card = _report_card(client.get(HOME).content.decode(), campaign)
    assert f'action="{reverse("reports:mine_open", args=[campaign.pk])}"' in card
    assert 'method="post"' in card and "csrfmiddlewaretoken" in card


def test_home_offers_to_continue_a_draft_and_shows_why_a_report_was_returned(
    client, tree, make_user
):
    writer = make_user(member=tree.member_a)
    secretary = make_user(tree.cell_a, Role.SECRETARY)
    draft_campaign = make_open_campaign(tree.province, "Đợt một")
    returned_campaign = make_open_campaign(tree.branch_a, "Đợt hai")
    draft = report_open(member=tree.member_a, campaign=draft_campaign, actor=writer)
    returned = report_open(member=tree.member_a, campaign=returned_campaign, actor=writer)
    report_save(report=returned, actor=writer, content=filled_content(returned), base_version=0)
    returned = report_submit(report=returned, actor=writer)
    report_return(report=returned, actor=secretary, reason="Bổ sung <b>nguyên nhân</b> chủ quan.")
    client.force_login(writer)
    html = client.get(HOME).content.decode()
    draft_card = _report_card(html, draft_campaign)
    assert f'href="{reverse("reports:report", args=[draft.pk])}"' in draft_card
    returned_card = _report_card(html, returned_campaign)
    assert f'href="{reverse("reports:report", args=[returned.pk])}"' in returned_card
    assert "Bổ sung &lt;b&gt;nguyên nhân&lt;/b&gt; chủ quan." in returned_card


def test_home_offers_to_view_a_submitted_report(client, tree, make_user):
    writer = make_user(member=tree.member_a)
    campaign = make_open_campaign(tree.province)
    report = report_open(member=tree.member_a, campaign=campaign, actor=writer)
    report_save(report=report, actor=writer, content=filled_content(report), base_version=0)
    report_submit(report=report, actor=writer)
    client.force_login(writer)
    card = _report_card(client.get(HOME).content.decode(), campaign)
    assert f'href="{reverse("reports:report", args=[report.pk])}"' in card
    assert "mine_open" not in card and 'method="post"' not in card


def test_home_shows_no_report_card_to_a_user_without_a_member_record(client, tree, make_user):
    make_open_campaign(tree.province)
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    assert "home-report" not in client.get(HOME).content.decode()


def test_home_queries_do_not_grow_with_open_campaigns_and_reports(client, tree, make_user):
    writer = make_user(member=tree.member_a)
    client.force_login(writer)
    first = make_open_campaign(tree.province, "Đợt một")
    report_open(member=tree.member_a, campaign=first, actor=writer)
    client.get(HOME)
    with CaptureQueriesContext(connection) as one:
        client.get(HOME)
    for title in ("Đợt hai", "Đợt ba", "Đợt bốn"):
        campaign = make_open_campaign(tree.branch_a, title)
        report_open(member=tree.member_a, campaign=campaign, actor=writer)
    with CaptureQueriesContext(connection) as four:
        html = client.get(HOME).content.decode()
    assert html.count('class="card home-report"') == 4
    assert len(four) == len(one), [q["sql"] for q in four.captured_queries]
