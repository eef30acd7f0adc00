"""The SVG charts (monitoring/charts.py), drawn from plain numbers: well-formed, scalable,
labelled, every label escaped, values where the numbers put them. No database. Assertions use
numbers, dates and names, never the interface's words, so they hold in any language."""

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils import translation

from tusoi.monitoring.charts import (
    DAILY_BARS_UP_TO,
    NAME_CHARS,
    Bar,
    DayCount,
    children_svg,
    pct_label,
    progress_svg,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
START = datetime.date(2024, 3, 25)
END = datetime.date(2024, 5, 10)  # 47 days: a bar per day
HOSTILE = 'Đảng ủy <script>alert("x")</script> & "Bình"'


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def _progress(**kwargs):
    args = {
        "starts_on": START,
        "ends_on": END,
        "today": datetime.date(2024, 4, 20),
        "days": [
            DayCount(datetime.date(2024, 4, 1), reports=3, cells=1),
            DayCount(datetime.date(2024, 4, 3), reports=5),
        ],
        "reports_total": 16,
        "cells_total": 4,
        "title": "Tiến độ của Đảng ủy phường An Bình",
    }
    args.update(kwargs)
    return progress_svg(**args)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - the chart under test, not untrusted input


def _texts(root):
    return ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_pct_label_reads_like_the_pages():
    assert pct_label(Decimal("62.5")) == "62,5%"
    assert pct_label(Decimal("100.0")) == "100%"
    assert pct_label(None) == "—"


def test_progress_chart_is_well_formed_scalable_svg_with_a_title():
    root = parse(_progress())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    x, y, width, height = (float(v) for v in root.get("viewBox").split())
    assert (x, y) == (0, 0) and 300 <= width <= 600 and height > 0
    assert root.get("width") == "100%"
    assert root.get("role") == "img"
    assert root.find("svg:title", NS).text == "Tiến độ của Đảng ủy phường An Bình"
    assert root.find(".//svg:script", NS) is None


def test_progress_chart_describes_the_figures_it_ends_at():
    root = parse(_progress())
    desc = root.find("svg:desc", NS).text
    for part in ("25/03/2024", "10/05/2024", "8", "16", "50%", "1", "4", "25%"):
        assert part in desc
    texts = _texts(root)
    assert any("50%" in t for t in texts)  # the reports line's legend
    assert any("25%" in t for t in texts)  # the cells line's legend


def test_progress_chart_has_the_period_as_its_axis_and_a_today_marker():
    root = parse(_progress())
    texts = _texts(root)
    assert "25/03/2024" in texts and "10/05/2024" in texts
    today = root.find(".//svg:g[@class='today']", NS)
    assert today is not None
    assert "20/04" in "".join(today.itertext())


def test_progress_chart_has_no_today_marker_outside_the_period():
    root = parse(_progress(today=datetime.date(2024, 6, 1)))
    assert root.find(".//svg:g[@class='today']", NS) is None


def test_progress_lines_rise_to_the_cumulative_shares():
    root = parse(_progress())
    reports = root.find(".//svg:polyline[@class='line-reports']", NS)
    cells = root.find(".//svg:polyline[@class='line-cells']", NS)
    # Plot from y=34 (100%) to y=234 (0%): 50% is y=134, 25% is y=184.
    assert reports.get("points").split()[-1].endswith(",134")
    assert cells.get("points").split()[-1].endswith(",184")
    assert cells.get("stroke-dasharray")  # told apart in black and white too
    # Drawn up to today (20/04 is day 26 of the period), not beyond.
    assert len(reports.get("points").split()) == 1 + 27


def test_progress_bars_one_per_day_with_events():
    root = parse(_progress())
    assert len(root.findall(".//svg:rect[@class='bar-reports']", NS)) == 2
    bars = root.findall(".//svg:rect[@class='bar-cells']", NS)
    assert len(bars) == 1
    assert bars[0].find("svg:title", NS).text == "01/04/2024: 1"


def test_a_long_period_adds_up_its_bars_by_week():
    end = START + datetime.timedelta(days=DAILY_BARS_UP_TO + 60)
    days = [DayCount(START + datetime.timedelta(days=i), reports=1) for i in range(14)]
    root = parse(_progress(ends_on=end, days=days, today=end))
    bars = root.findall(".//svg:rect[@class='bar-reports']", NS)
    assert [b.find("svg:title", NS).text for b in bars] == [
        "25/03/2024 – 31/03/2024: 7",
        "01/04/2024 – 07/04/2024: 7",
    ]


def test_events_outside_the_period_count_at_its_ends():
    days = [
        DayCount(START - datetime.timedelta(days=2), reports=1),
        DayCount(END + datetime.timedelta(days=2), reports=1, cells=1),
    ]
    root = parse(_progress(days=days, today=END))
    titles = [
        b.find("svg:title", NS).text
        for b in root.iter("{http://www.w3.org/2000/svg}rect")
        if b.find("svg:title", NS) is not None
    ]
    assert titles == ["25/03/2024: 1", "10/05/2024: 1", "10/05/2024: 1"]


def test_progress_chart_with_nothing_to_count_draws_no_line():
    root = parse(_progress(days=[], reports_total=0, cells_total=0))
    assert root.find(".//svg:polyline", NS) is None
    assert "—" in root.find("svg:desc", NS).text


def test_every_label_is_escaped():
    svg = _progress(title=HOSTILE)
    assert "<script>" not in svg
    root = parse(svg)
    assert root.find("svg:title", NS).text == HOSTILE
    svg = children_svg([Bar(HOSTILE, Decimal(10), None)], title=HOSTILE)
    assert "<script>" not in svg
    root = parse(svg)
    assert HOSTILE in _texts(root)


def test_children_chart_lists_least_complete_first_with_values():
    bars = [
        Bar("Chi bộ khu phố 1", Decimal("100"), Decimal("100")),
        Bar("Chi bộ khu phố 2", Decimal("12.5"), Decimal("0")),
        Bar("Chi bộ mới lập", None, None),
        Bar("Đảng bộ cơ sở Trường Tiểu học", Decimal("62.5"), None),
    ]
    root = parse(children_svg(bars, title="Các tổ chức trực thuộc"))
    groups = root.findall(".//svg:g[@class='child']", NS)
    names = [g.find("svg:title", NS).text for g in groups]
    assert names == [
        "Chi bộ khu phố 2",
        "Đảng bộ cơ sở Trường Tiểu học",
        "Chi bộ khu phố 1",
        "Chi bộ mới lập",
    ]
    values = [
        (
            g.find("svg:text[@class='value-reports']", NS).text,
            g.find("svg:text[@class='value-cells']", NS).text,
        )
        for g in groups
    ]
    assert values == [("12,5%", "0%"), ("62,5%", "—"), ("100%", "100%"), ("—", "—")]


def test_children_bars_are_as_long_as_their_share():
    root = parse(
        children_svg(
            [Bar("A", Decimal("100"), Decimal("50")), Bar("B", Decimal("25"), None)], title="x"
        )
    )
    widths = {
        (g.find("svg:text", NS).text, kind): float(r.get("width"))
        for g in root.findall(".//svg:g[@class='child']", NS)
        for kind in ("reports", "cells")
        for r in g.findall(f"svg:rect[@class='bar-{kind}']", NS)
    }
    full = widths[("A", "reports")]
    assert widths[("A", "cells")] == pytest.approx(full / 2, abs=0.1)
    assert widths[("B", "reports")] == pytest.approx(full / 4, abs=0.1)
    assert ("B", "cells") not in widths  # nothing to count: no bar, a dash


def test_a_long_name_is_shortened_on_its_line_and_whole_in_its_tooltip():
    name = "Đảng bộ cơ sở Trường Trung học phổ thông chuyên Lê Quý Đôn thành phố Đông Hà"
    root = parse(children_svg([Bar(name, Decimal(50), Decimal(0))], title="x"))
    (group,) = root.findall(".//svg:g[@class='child']", NS)
    assert group.find("svg:title", NS).text == name
    shown = group.find("svg:text", NS).text
    assert shown.endswith("…") and name.startswith(shown[:-1]) and len(shown) <= NAME_CHARS


def test_children_chart_without_children_says_so_and_stays_valid():
    root = parse(children_svg([], title="Chi bộ khu phố 1"))
    assert root.findall(".//svg:g[@class='child']", NS) == []
    assert root.find("svg:desc", NS).text
