"""The dashboard pages, lists, exports, charts and API (views/dashboard.py, api_dashboard.py):
figures equal the brute-force recount, drill-down reaches a cell's names and states and never a
report's text, exports hold the rows, charts are valid SVG, and the number of queries does not
grow with the number of children or rows. Elements are found by ids and data attributes, so the
tests hold whatever the translation."""

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from lxml import html
from openpyxl import load_workbook

from tusoi.monitoring.figures import recount
from tusoi.orgs.permissions import Role
from tusoi.reports.models import ReportStatus
from tusoi.testing.factories import make_member, make_org

from .test_lists import SECRET, build_progress

pytestmark = pytest.mark.django_db


@pytest.fixture
def progress(tree):
    return build_progress(tree)


@pytest.fixture
def province_committee(tree, make_user):
    return make_user(tree.province, Role.COMMITTEE)


def _dashboard_url(campaign, org):
    return reverse("monitoring:dashboard", args=[campaign.pk, org.pk])


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return response, html.fromstring(response.content.decode())


def _target(doc, name):
    (node,) = doc.xpath(f"//div[@data-target='{name}']")
    done = node.xpath(".//span[@class='done']")[0].text
    total = node.xpath(".//span[@class='total']")[0].text
    return int(done), int(total)


def _child_figures(doc, org_id):
    (row,) = doc.xpath(f"//tr[@data-org='{org_id}']")
    return {
        td.get("data-figure"): td.xpath(".//span[@class='ratio']")[0].text
        for td in row.xpath("./td")
    }


# The dashboard -------------------------------------------------------------------------------


def test_figures_on_the_page_equal_the_recount(client, tree, progress, province_committee):
    client.force_login(province_committee)
    _response, doc = _page(client, _dashboard_url(progress.campaign, tree.province))
    figures, children = recount(progress.campaign, tree.province)
    assert _target(doc, "reports") == (figures.reports_counted, figures.members_in_scope)
    assert _target(doc, "leaders") == (
        figures.leader_reports_counted,
        figures.leaders_in_scope,
    )
    assert _target(doc, "cells") == (figures.cells_held, figures.cells)
    assert (figures.reports_counted, figures.members_in_scope, figures.cells_held) == (1, 4, 1)
    for child in children:
        shown = _child_figures(doc, child.org_id)
        f = child.figures
        assert shown == {
            "reports": f"{f.reports_counted}/{f.members_in_scope}",
            "leaders": f"{f.leader_reports_counted}/{f.leaders_in_scope}",
            "cells": f"{f.cells_held}/{f.cells}",
            "registered": f"{f.cells_registered}/{f.cells}",
        }


def test_each_child_drills_down_to_its_own_dashboard_to_the_cell(
    client, tree, progress, province_committee
):
    client.force_login(province_committee)
    url = _dashboard_url(progress.campaign, tree.province)
    for org in (tree.branch_a, tree.cell_a):
        _response, doc = _page(client, url)
        (link,) = doc.xpath(f"//tr[@data-org='{org.pk}']//a[@class='drill']")
        url = link.get("href")
        assert url == _dashboard_url(progress.campaign, org)
    _response, doc = _page(client, url)
    assert doc.xpath("//h1")[0].get("data-org") == str(tree.cell_a.pk)
    figures, _children = recount(progress.campaign, tree.cell_a)
    assert _target(doc, "reports") == (figures.reports_counted, figures.members_in_scope)


def test_a_cells_dashboard_lists_names_and_states_never_the_text(
    client, tree, progress, province_committee
):
    client.force_login(province_committee)
    response, doc = _page(client, _dashboard_url(progress.campaign, tree.cell_a))
    states = {
        row.xpath("./th")[0].text_content().strip(): row.get("data-status")
        for row in doc.xpath("//tr[@class='member-row']")
    }
    assert states == {"Nguyễn Văn An": ReportStatus.SUBMITTED, "Hoàng Văn Lãnh": "draft"}
    assert SECRET not in response.content.decode()
    # Committee staff read states, not text: no link to the report.
    assert not doc.xpath("//tr[@class='member-row']//a")
    assert doc.xpath("//p[@class='cell-meeting']")[0].get("data-state") == "held"


def test_the_cells_secretary_may_open_the_reports_from_its_dashboard(client, tree, progress):
    client.force_login(progress.secretary_a)
    response, doc = _page(client, _dashboard_url(progress.campaign, tree.cell_a))
    links = doc.xpath(f"//tr[@data-member='{tree.member_a.pk}']//a")
    assert [a.get("href") for a in links] == [
        reverse("reports:report", args=[progress.report_a.pk])
    ]
    # Still only names and states on the dashboard itself.
    assert SECRET not in response.content.decode()


def test_exempt_members_are_listed_apart(client, tree, progress, province_committee):
    client.force_login(province_committee)
    _response, doc = _page(client, _dashboard_url(progress.campaign, tree.cell_b))
    assert [li.get("data-member") for li in doc.xpath("//ul[contains(@class,'apart')]/li")] == [
        str(progress.exempt.pk)
    ]
    assert [r.get("data-member") for r in doc.xpath("//tr[@class='member-row']")] == [
        str(tree.member_b.pk)
    ]


def test_breadcrumbs_go_up_to_the_users_top_organisation(client, tree, progress, make_user):
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    _response, doc = _page(client, _dashboard_url(progress.campaign, tree.cell_a))
    crumbs = doc.xpath("//nav[@class='breadcrumbs']//li")
    labels = [li.text_content().strip() for li in crumbs]
    assert labels[-2:] == [tree.branch_a.name, tree.cell_a.name]
    assert tree.province.name not in labels
    assert doc.xpath("//nav[@class='breadcrumbs']//a/@href")[-1] == _dashboard_url(
        progress.campaign, tree.branch_a
    )


def test_the_sibling_branch_and_a_foreign_campaign_are_not_found(client, tree, make_user):
    from tusoi.reports.tests.conftest import make_open_campaign

    campaign = make_open_campaign(tree.province)
    branch_campaign = make_open_campaign(tree.branch_b, title="Đợt của xã Bình Minh")
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    assert client.get(_dashboard_url(campaign, tree.cell_b)).status_code == 404
    assert client.get(_dashboard_url(branch_campaign, tree.cell_a)).status_code == 404
    assert client.get(_dashboard_url(campaign, tree.province)).status_code == 404


def _grow(tree, n):
    """n more cells under branch A, each with two members."""
    for i in range(n):
        cell = make_org(f"Chi bộ thêm {i}", parent=tree.branch_a)
        make_member(cell, f"Đảng viên thêm {i} một")
        make_member(cell, f"Đảng viên thêm {i} hai")


def test_dashboard_queries_do_not_grow_with_children(
    client, tree, progress, province_committee, django_assert_max_num_queries
):
    client.force_login(province_committee)
    url = _dashboard_url(progress.campaign, tree.branch_a)
    client.get(url)  # the first reading may build the campaign's tallies once
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    _grow(tree, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('class="child-row"') == 8


def test_cell_dashboard_queries_do_not_grow_with_members(
    client, tree, progress, province_committee, django_assert_max_num_queries
):
    client.force_login(province_committee)
    url = _dashboard_url(progress.campaign, tree.cell_a)
    client.get(url)  # the first reading may build the campaign's tallies once
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for i in range(6):
        make_member(tree.cell_a, f"Đảng viên mới {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


# Lists and exports ---------------------------------------------------------------------------


def _list_url(campaign, org, which):
    return reverse("monitoring:list", args=[campaign.pk, org.pk, which])


def _export_url(campaign, org, which, fmt):
    return reverse("monitoring:list_export", args=[campaign.pk, org.pk, which, fmt])


def test_dashboard_links_to_its_three_lists(client, tree, progress, province_committee):
    client.force_login(province_committee)
    _response, doc = _page(client, _dashboard_url(progress.campaign, tree.province))
    assert [a.get("href") for a in doc.xpath("//a[@class='list-link']")] == [
        _list_url(progress.campaign, tree.province, which)
        for which in ("cells-not-registered", "cells-overdue", "members-without-report")
    ]


def test_members_without_report_page_lists_names_cells_and_states(
    client, tree, progress, province_committee
):
    client.force_login(province_committee)
    response, doc = _page(
        client, _list_url(progress.campaign, tree.province, "members-without-report")
    )
    rows = doc.xpath("//table[@data-list='members-without-report']/tbody/tr")
    assert [r.xpath("./th")[0].text_content().strip() for r in rows] == [
        "Hoàng Văn Lãnh",
        "Trần Thị Bình",
        "Lê Văn Cường",
    ]
    assert [r.xpath("./td[@data-status]")[0].get("data-status") for r in rows] == [
        "draft",
        "",
        "",
    ]
    assert SECRET not in response.content.decode()


def test_cells_lists_pages(client, tree, progress, province_committee):
    client.force_login(province_committee)
    for which, expected in (
        ("cells-not-registered", [tree.cell_b]),
        ("cells-overdue", [tree.cell_a2]),
    ):
        _response, doc = _page(client, _list_url(progress.campaign, tree.province, which))
        rows = doc.xpath(f"//table[@data-list='{which}']/tbody/tr")
        assert [r.get("data-pk") for r in rows] == [str(c.pk) for c in expected]


def test_lists_are_paginated_and_do_not_grow_queries(
    client, tree, progress, province_committee, django_assert_max_num_queries
):
    client.force_login(province_committee)
    url = _list_url(progress.campaign, tree.branch_a, "members-without-report")
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for i in range(55):
        make_member(tree.cell_a2, f"Đảng viên số {i:02d}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        _response, doc = _page(client, url)
    assert len(doc.xpath("//table[@data-list]/tbody/tr")) == 50
    _response, doc = _page(client, f"{url}?page=2")
    assert len(doc.xpath("//table[@data-list]/tbody/tr")) == 57 - 50


def test_xlsx_export_holds_every_row(client, tree, progress, province_committee):
    client.force_login(province_committee)
    response = client.get(
        _export_url(progress.campaign, tree.province, "members-without-report", "xlsx")
    )
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    assert response["Content-Disposition"] == (
        'attachment; filename="members-without-report-TU.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 3
    assert [r[0] for r in rows[1:]] == ["Hoàng Văn Lãnh", "Trần Thị Bình", "Lê Văn Cường"]
    assert rows[1][1] == progress.leader.card_number
    assert rows[2][2] == "Chi bộ khu phố 2"


def test_csv_export_holds_every_row(client, tree, progress, province_committee):
    client.force_login(province_committee)
    response = client.get(_export_url(progress.campaign, tree.province, "cells-overdue", "csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    phase_on = progress.meeting_a2.phases.get().on.strftime("%d/%m/%Y")
    assert rows[1][:3] == ["Chi bộ khu phố 2", "A2", "Đảng ủy phường An Bình"]
    assert rows[1][4:] == [phase_on, phase_on, "1"]
    assert len(rows) == 2


def test_unknown_lists_and_formats_are_not_found(client, tree, progress, province_committee):
    client.force_login(province_committee)
    c = progress.campaign
    assert client.get(_list_url(c, tree.province, "everyone")).status_code == 404
    assert client.get(_export_url(c, tree.province, "everyone", "csv")).status_code == 404
    assert client.get(_export_url(c, tree.province, "cells-overdue", "pdf")).status_code == 404
    chart = reverse("monitoring:chart", args=[c.pk, tree.province.pk, "pie"])
    assert client.get(chart).status_code == 404


def test_exports_of_a_sibling_branch_are_not_found(client, tree, progress, make_user):
    client.force_login(make_user(tree.branch_b, Role.COMMITTEE))
    url = _export_url(progress.campaign, tree.branch_a, "members-without-report", "xlsx")
    assert client.get(url).status_code == 404


# Charts --------------------------------------------------------------------------------------


def _svg(client, campaign, org, which):
    response = client.get(reverse("monitoring:chart", args=[campaign.pk, org.pk, which]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "no-cache" in response["Cache-Control"]
    return ET.fromstring(response.content)  # noqa: S314 - our own SVG, parsed to check it


def test_children_chart_shows_each_child_with_its_shares(
    client, tree, progress, province_committee
):
    client.force_login(province_committee)
    root = _svg(client, progress.campaign, tree.branch_a, "children")
    ns = {"svg": "http://www.w3.org/2000/svg"}
    groups = {
        g.find("svg:text", ns).text: (
            g.find("svg:text[@class='value-reports']", ns).text,
            g.find("svg:text[@class='value-cells']", ns).text,
        )
        for g in root.findall(".//svg:g[@class='child']", ns)
    }
    assert groups == {"Chi bộ khu phố 1": ("50%", "100%"), "Chi bộ khu phố 2": ("0%", "0%")}


def test_progress_chart_ends_at_the_dashboards_figures(client, tree, progress, province_committee):
    client.force_login(province_committee)
    root = _svg(client, progress.campaign, tree.province, "progress")
    ns = {"svg": "http://www.w3.org/2000/svg"}
    desc = root.find("svg:desc", ns).text
    assert "25%" in desc  # 1 of 4 reports
    assert "33,3%" in desc  # 1 of 3 cells held
    assert root.find(".//svg:g[@class='today']", ns) is not None


def test_dashboard_embeds_both_charts_with_a_text_alternative(
    client, tree, progress, province_committee
):
    client.force_login(province_committee)
    _response, doc = _page(client, _dashboard_url(progress.campaign, tree.province))
    images = doc.xpath("//figure[@class='chart']/img")
    assert [i.get("src") for i in images] == [
        reverse("monitoring:chart", args=[progress.campaign.pk, tree.province.pk, which])
        for which in ("children", "progress")
    ]
    assert all(i.get("alt") for i in images)
    # The progress chart's numbers as a table too.
    assert doc.xpath("//details[contains(@class,'progress-table')]//tbody/tr")


# Links from the campaign and organisation pages ---------------------------------------------


def test_campaign_page_links_to_the_users_dashboards(client, tree, progress, make_user):
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    _response, doc = _page(client, reverse("campaigns:detail", args=[progress.campaign.pk]))
    assert doc.xpath("//section[contains(@class,'campaign-dashboards')]//a/@href") == [
        _dashboard_url(progress.campaign, tree.branch_a)
    ]


def test_campaign_page_of_a_plain_member_has_no_dashboard_link(client, tree, progress):
    client.force_login(progress.writer_a)
    _response, doc = _page(client, reverse("campaigns:detail", args=[progress.campaign.pk]))
    assert not doc.xpath("//section[contains(@class,'campaign-dashboards')]")


def test_organisation_page_links_to_each_open_campaigns_dashboard(
    client, tree, progress, make_user
):
    client.force_login(make_user(tree.branch_a, Role.COMMITTEE))
    _response, doc = _page(client, reverse("orgs:detail", args=[tree.cell_a.pk]))
    assert doc.xpath("//*[@id='campaign-dashboards']//a/@href") == [
        _dashboard_url(progress.campaign, tree.cell_a)
    ]


# The API -------------------------------------------------------------------------------------


def _api(campaign, org, what):
    return f"/api/v1/monitoring/campaigns/{campaign.pk}/orgs/{org.pk}/{what}"


def test_api_dashboard_figures_equal_the_recount(client, tree, progress, province_committee):
    client.force_login(province_committee)
    body = client.get(_api(progress.campaign, tree.province, "dashboard")).json()
    figures, children = recount(progress.campaign, tree.province)
    assert body["figures"]["reports_counted"] == figures.reports_counted
    assert body["figures"]["members_in_scope"] == figures.members_in_scope
    assert body["figures"]["cells_held"] == figures.cells_held
    assert body["figures"]["pct_reports"] == "25.0"
    assert [(c["id"], c["figures"]["members_in_scope"]) for c in body["children"]] == [
        (c.org_id, c.figures.members_in_scope) for c in children
    ]


def test_api_lists_are_paginated_names_and_states(client, tree, progress, province_committee):
    client.force_login(province_committee)
    body = client.get(
        _api(progress.campaign, tree.province, "members-without-report") + "?limit=2"
    ).json()
    assert body["count"] == 3
    assert [(i["full_name"], i["report_status"]) for i in body["items"]] == [
        ("Hoàng Văn Lãnh", "draft"),
        ("Trần Thị Bình", ""),
    ]
    assert SECRET not in str(body)
    body = client.get(_api(progress.campaign, tree.province, "cells-overdue")).json()
    assert [(i["id"], i["state"]) for i in body["items"]] == [(tree.cell_a2.pk, "overdue")]
    body = client.get(_api(progress.campaign, tree.province, "cells-not-registered")).json()
    assert [i["id"] for i in body["items"]] == [tree.cell_b.pk]


def test_api_progress_series_adds_up_to_the_figures(client, tree, progress, province_committee):
    client.force_login(province_committee)
    body = client.get(_api(progress.campaign, tree.province, "progress")).json()
    assert body["days"][-1]["reports_so_far"] == body["figures"]["reports_counted"]
    assert body["days"][-1]["cells_so_far"] == body["figures"]["cells_held"]


def test_api_dashboard_queries_do_not_grow_with_children(
    client, tree, progress, province_committee, django_assert_max_num_queries
):
    client.force_login(province_committee)
    url = _api(progress.campaign, tree.branch_a, "dashboard")
    client.get(url)  # the first reading may build the campaign's tallies once
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    _grow(tree, 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(url).json()
    assert len(body["children"]) == 7
