"""The monitoring charts, drawn on the server as SVG from plain numbers (issue 6, item 2).

Pure functions: no database, no JavaScript. Each chart carries a `viewBox` (it scales to a phone
screen and to paper), a `<title>` and `<desc>` for screen readers, and text labels people read in
their language; every label goes through `xml.sax.saxutils.escape`, since organisation names are
typed by people. Series differ by line style and hatching as well as by colour, so a black and
white print stays readable.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

REPORTS_COLOUR = "#b3121b"
REPORTS_LIGHT = "#f2a7ac"
CELLS_COLOUR = "#0b57d0"
CELLS_LIGHT = "#a8c7fa"
INK = "#1d1d1f"
MUTED = "#5f6368"
GRID = "#d9dce1"
FONT = "Noto Sans, DejaVu Sans, Arial, sans-serif"

# Narrow boxes: on a 390 px phone a 13-unit font then shows at 10 to 12 px.
PROGRESS_WIDTH = 440
CHILDREN_WIDTH = 360
# How many characters of an organisation's name fit on the children chart's line.
NAME_CHARS = 46
# Longer periods draw a bar per week: a day's bar would be a hairline.
DAILY_BARS_UP_TO = 92


@dataclass(frozen=True)
class DayCount:
    """What happened on one day: reports that first counted (DOMAIN.md target 1) and cells whose
    meeting became held (target 3)."""

    day: datetime.date
    reports: int = 0
    cells: int = 0


@dataclass(frozen=True)
class Bar:
    """One organisation of the children chart: its name and its two completion shares (None
    when there is nothing to count, 0/0)."""

    label: str
    reports_pct: Decimal | None
    cells_pct: Decimal | None


def pct_label(value: Decimal | float | None) -> str:
    """A share as people read it on the pages: "62,5%" (no decimals when whole), "—" for 0/0."""
    if value is None:
        return "—"
    return f"{floatformat(value, -1)}%"


def _t(text: str) -> str:
    return escape(str(text))


def _num(value: float) -> str:
    """A coordinate, short and locale-free."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg_open(width: int, height: float, title: str, desc: str, chart: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {_num(height)}" '
        f'width="100%" role="img" aria-labelledby="chart-title chart-desc" '
        f'data-chart={quoteattr(chart)} font-family={quoteattr(FONT)} font-size="13">',
        f'<title id="chart-title">{_t(title)}</title>',
        f'<desc id="chart-desc">{_t(desc)}</desc>',
        "<defs>"
        '<pattern id="hatch-cells" width="4" height="4" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        f'<rect width="4" height="4" fill="{CELLS_LIGHT}"/>'
        f'<line x1="0" y1="0" x2="0" y2="4" stroke="{CELLS_COLOUR}" stroke-width="1.5"/>'
        "</pattern></defs>",
        f'<rect x="0" y="0" width="{width}" height="{_num(height)}" fill="#fff"/>',
    ]


def _text(x: float, y: float, text: str, *, anchor: str = "start", **attrs: str) -> str:
    extra = "".join(f" {k.rstrip('_').replace('_', '-')}={quoteattr(v)}" for k, v in attrs.items())
    return f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}"{extra}>{_t(text)}</text>'


def _share(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def _nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50 … at least `value` (an axis maximum)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


# The progress chart ---------------------------------------------------------------------------


def progress_svg(
    *,
    starts_on: datetime.date,
    ends_on: datetime.date,
    today: datetime.date,
    days: Iterable[DayCount],
    reports_total: int,
    cells_total: int,
    title: str,
) -> str:
    """Reports that counted and meetings held per day over the campaign's period (bars, right
    axis), with the cumulative share of each target (lines, left axis: reports solid, cells
    dashed) up to today, and a "today" marker. Days before the period count on its first day,
    days after it on its last, so the lines end where the dashboard's figures stand. Over a
    period longer than `DAILY_BARS_UP_TO` days the bars add up a week each (a day's bar would be
    a hairline on a phone or on paper); the lines stay daily."""
    ends_on = max(ends_on, starts_on)
    n_days = (ends_on - starts_on).days + 1
    reports = [0] * n_days
    cells = [0] * n_days
    for d in days:
        index = min(max((d.day - starts_on).days, 0), n_days - 1)
        reports[index] += d.reports
        cells[index] += d.cells
    reports_done, cells_done = sum(reports), sum(cells)

    left, right, top, plot_h = 44.0, 40.0, 34.0, 200.0
    plot_w = PROGRESS_WIDTH - left - right
    bottom = top + plot_h
    slot = plot_w / n_days
    bin_days = 1 if n_days <= DAILY_BARS_UP_TO else 7
    bins = [
        (start, sum(reports[start : start + bin_days]), sum(cells[start : start + bin_days]))
        for start in range(0, n_days, bin_days)
    ]
    bar_w = max(slot * bin_days * 0.42, 0.6)
    peak = _nice_ceiling(max([1, *(r for _s, r, _c in bins), *(c for _s, _r, c in bins)]))
    legend_top = bottom + 42
    height = legend_top + 4 * 20 + 8

    def x_at(index: float) -> float:
        return left + (index + 0.5) * slot

    def y_pct(pct: float) -> float:
        return bottom - plot_h * pct / 100

    def y_count(count: int) -> float:
        return bottom - plot_h * count / peak

    reports_pct = _share(reports_done, reports_total)
    cells_pct = _share(cells_done, cells_total)
    desc = _(
        "From %(start)s to %(end)s: %(reports)s of %(reports_total)s reports counted "
        "(%(reports_pct)s), %(cells)s of %(cells_total)s cells held their meeting "
        "(%(cells_pct)s)."
    ) % {
        "start": starts_on.strftime("%d/%m/%Y"),
        "end": ends_on.strftime("%d/%m/%Y"),
        "reports": reports_done,
        "reports_total": reports_total,
        "reports_pct": pct_label(reports_pct),
        "cells": cells_done,
        "cells_total": cells_total,
        "cells_pct": pct_label(cells_pct),
    }
    out = _svg_open(PROGRESS_WIDTH, height, title, desc, "progress")

    # Grid and axes: % on the left, per-day counts on the right.
    out.append('<g class="grid">')
    for pct in (0, 25, 50, 75, 100):
        y = y_pct(pct)
        out.append(
            f'<line x1="{_num(left)}" y1="{_num(y)}" x2="{_num(left + plot_w)}" y2="{_num(y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(_text(left - 6, y + 4, f"{pct}%", anchor="end", fill=MUTED, font_size="12"))
    for count in (0, peak // 2, peak) if peak % 2 == 0 else (0, peak):
        out.append(
            _text(left + plot_w + 6, y_count(count) + 4, str(count), fill=MUTED, font_size="12")
        )
    out.append(_text(left - 6, top - 12, "%", anchor="end", fill=MUTED, font_size="12"))
    per = _("per day") if bin_days == 1 else _("per week")
    out.append(_text(PROGRESS_WIDTH - 2, top - 12, per, anchor="end", fill=MUTED, font_size="12"))
    out.append("</g>")

    # Bars, a day or a week each, centred on their days.
    out.append('<g class="bars">')
    for start, *counts in bins:
        span = min(bin_days, n_days - start)
        centre = left + (start + span / 2) * slot
        first = starts_on + datetime.timedelta(days=start)
        when = first.strftime("%d/%m/%Y")
        if span > 1:
            last_day = first + datetime.timedelta(days=span - 1)
            when = f"{when} – {last_day.strftime('%d/%m/%Y')}"
        for offset, count, fill, kind in zip(
            (-bar_w, 0.0),
            counts,
            (REPORTS_LIGHT, "url(#hatch-cells)"),
            ("reports", "cells"),
            strict=True,
        ):
            if not count:
                continue
            y = y_count(count)
            out.append(
                f'<rect class="bar-{kind}" x="{_num(centre + offset)}" y="{_num(y)}" '
                f'width="{_num(bar_w)}" height="{_num(bottom - y)}" fill="{fill}">'
                f"<title>{_t(when)}: {count}</title></rect>"
            )
    out.append("</g>")

    # Cumulative lines up to today (nothing to draw for days still to come).
    last = min((today - starts_on).days, n_days - 1)
    for kind, series, total, colour, dash in (
        ("reports", reports, reports_total, REPORTS_COLOUR, ""),
        ("cells", cells, cells_total, CELLS_COLOUR, ' stroke-dasharray="7 4"'),
    ):
        if total <= 0 or last < 0:
            continue
        running = 0
        points = [f"{_num(left)},{_num(bottom)}"]
        for index in range(last + 1):
            running += series[index]
            points.append(f"{_num(x_at(index))},{_num(y_pct(min(running * 100 / total, 100)))}")
        out.append(
            f'<polyline class="line-{kind}" points="{" ".join(points)}" fill="none" '
            f'stroke="{colour}" stroke-width="2.5" stroke-linejoin="round"{dash}/>'
        )

    # The period as the x axis, with a few dates.
    out.append(
        f'<line x1="{_num(left)}" y1="{_num(bottom)}" x2="{_num(left + plot_w)}" '
        f'y2="{_num(bottom)}" stroke="{INK}" stroke-width="1"/>'
    )
    ticks = sorted({0, (n_days - 1) // 2, n_days - 1})
    for index in ticks:
        day = starts_on + datetime.timedelta(days=index)
        label = day.strftime("%d/%m/%Y") if index in (0, n_days - 1) else day.strftime("%d/%m")
        anchor = "start" if index == 0 else "end" if index == n_days - 1 else "middle"
        x = left if index == 0 else left + plot_w if index == n_days - 1 else x_at(index)
        out.append(
            f'<line x1="{_num(x_at(index))}" y1="{_num(bottom)}" x2="{_num(x_at(index))}" '
            f'y2="{_num(bottom + 4)}" stroke="{INK}"/>'
        )
        out.append(_text(x, bottom + 18, label, anchor=anchor, font_size="12"))

    # Today.
    if 0 <= (today - starts_on).days < n_days:
        x = x_at((today - starts_on).days)
        label = _("Today %(day)s") % {"day": today.strftime("%d/%m")}
        anchor = "end" if x > left + plot_w * 0.7 else "start"
        out.append(
            f'<g class="today"><line x1="{_num(x)}" y1="{_num(top - 8)}" x2="{_num(x)}" '
            f'y2="{_num(bottom)}" stroke="{INK}" stroke-width="1.5" stroke-dasharray="2 3"/>'
            + _text(x + (-4 if anchor == "end" else 4), top - 10, label, anchor=anchor)
            + "</g>"
        )

    # Legend, one item a line, with the figures it ends at.
    legend = [
        (
            f'<rect x="0" y="-10" width="18" height="11" fill="{REPORTS_LIGHT}"/>',
            _("Reports counted per day") if bin_days == 1 else _("Reports counted per week"),
        ),
        (
            '<rect x="0" y="-10" width="18" height="11" fill="url(#hatch-cells)"/>',
            _("Cells that held their meeting, per day")
            if bin_days == 1
            else _("Cells that held their meeting, per week"),
        ),
        (
            f'<line x1="0" y1="-4" x2="18" y2="-4" stroke="{REPORTS_COLOUR}" stroke-width="2.5"/>',
            _("Reports, cumulative: %(pct)s") % {"pct": pct_label(reports_pct)},
        ),
        (
            f'<line x1="0" y1="-4" x2="18" y2="-4" stroke="{CELLS_COLOUR}" stroke-width="2.5" '
            'stroke-dasharray="7 4"/>',
            _("Cells held, cumulative: %(pct)s") % {"pct": pct_label(cells_pct)},
        ),
    ]
    out.append('<g class="legend">')
    for row, (swatch, label) in enumerate(legend):
        y = legend_top + row * 20
        out.append(
            f'<g transform="translate({_num(left)},{_num(y)})">{swatch}'
            + _text(26, 0, label)
            + "</g>"
        )
    out.append("</g></svg>")
    return "\n".join(out)


# The children chart ---------------------------------------------------------------------------


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _ordered(bars: Sequence[Bar]) -> list[Bar]:
    """Least complete first (those behind are what a committee looks for); 0/0 last."""

    def key(bar: Bar) -> tuple[int, Decimal, Decimal, str]:
        missing = bar.reports_pct is None and bar.cells_pct is None
        return (
            1 if missing else 0,
            bar.reports_pct if bar.reports_pct is not None else Decimal(101),
            bar.cells_pct if bar.cells_pct is not None else Decimal(101),
            bar.label,
        )

    return sorted(bars, key=key)


def children_svg(bars: Sequence[Bar], *, title: str) -> str:
    """One group per organisation below: its name, then a bar for the share of reports counted
    (solid) and one for the cells that held their meeting (hatched), each against a 100% track
    with its value written at the end."""
    rows = _ordered(bars)
    top, row_h = 62.0, 58.0
    left, value_w = 8.0, 62.0
    track_w = CHILDREN_WIDTH - left - value_w - 8
    height = top + max(len(rows), 1) * row_h + 8
    if rows:
        desc = "; ".join(
            _("%(name)s: reports %(reports)s, cells held %(cells)s")
            % {
                "name": bar.label,
                "reports": pct_label(bar.reports_pct),
                "cells": pct_label(bar.cells_pct),
            }
            for bar in rows
        )
    else:
        desc = _("No organisation below this one.")
    out = _svg_open(CHILDREN_WIDTH, height, title, desc, "children")

    out.append('<g class="legend">')
    out.append(f'<rect x="{_num(left)}" y="10" width="18" height="11" fill="{REPORTS_COLOUR}"/>')
    out.append(_text(left + 24, 20, _("Reports counted")))
    out.append(
        f'<rect x="{_num(left)}" y="30" width="18" height="11" '
        f'fill="url(#hatch-cells)" stroke="{CELLS_COLOUR}" stroke-width="0.5"/>'
    )
    out.append(_text(left + 24, 40, _("Cells that held their meeting")))
    out.append("</g>")

    if not rows:
        out.append(_text(left, top + 24, desc, fill=MUTED))
    for index, bar in enumerate(rows):
        y = top + index * row_h
        out.append(f'<g class="child" transform="translate(0,{_num(y)})">')
        # The whole name as a tooltip; the line shows as much as fits.
        out.append(f"<title>{_t(bar.label)}</title>")
        out.append(_text(left, 14, _fit(bar.label, NAME_CHARS), font_weight="600"))
        for offset, pct, fill, kind in (
            (22.0, bar.reports_pct, REPORTS_COLOUR, "reports"),
            (38.0, bar.cells_pct, "url(#hatch-cells)", "cells"),
        ):
            out.append(
                f'<rect x="{_num(left)}" y="{_num(offset)}" width="{_num(track_w)}" height="12" '
                f'fill="#eef0f3"/>'
            )
            if pct is not None and pct > 0:
                width = track_w * float(min(pct, Decimal(100))) / 100
                out.append(
                    f'<rect class="bar-{kind}" x="{_num(left)}" y="{_num(offset)}" '
                    f'width="{_num(width)}" height="12" fill="{fill}"/>'
                )
            out.append(
                _text(
                    CHILDREN_WIDTH - 8,
                    offset + 11,
                    pct_label(pct),
                    anchor="end",
                    class_=f"value-{kind}",
                )
            )
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)
