"""Bilag 3's two diagrams drawn as SVG: how many estates are green, yellow and red by
efficiency, and how the family dwellings were let, per letting tool, in each municipality;
and the statistics' chart of a key figure against its benchmark over five dialogue years.

Pure drawing: data and labels in, SVG text out. Colours are fill and stroke attributes, never
CSS classes, so svglib draws the PDF's copy the same; every bar has its word and its number
written beside it, so colour is never the only carrier; names are data and escaped as XML.
Without data a chart says so in words."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from app.rules.enums import Flag
from app.rules.numbers import danish_number
from app.rules.report import EfficiencyDistribution, EfficiencyMark, LettingTool

# the app's typeface: on screen from theme.css, in the PDF the font printing registers for svglib
FONT_FAMILY = "IBM Plex Sans, Arial, sans-serif"
FONT_SIZE = 15
SMALL = 14
# a generous average glyph width of IBM Plex Sans, in ems: columns are laid out by it
GLYPH_WIDTH = 0.56

INK = "#1a1a1a"
MUTED = "#595959"
GRID = "#dcdcdc"


@dataclass(frozen=True)
class Paint:
    fill: str
    stroke: str


# DKFDS's success, warning and error colours (theme.css), each with a darker edge so that the
# pale yellow bar still has a visible outline
MARK_PAINT: Mapping[EfficiencyMark, Paint] = {
    EfficiencyMark.GREEN: Paint("#358000", "#2a6600"),
    EfficiencyMark.YELLOW: Paint("#febb30", "#8a6100"),
    EfficiencyMark.RED: Paint("#cc0000", "#990000"),
}

# DKFDS's data-visualisation palette: five hues, each at least 3:1 against white
TOOL_PAINT: Mapping[LettingTool, Paint] = {
    LettingTool.WAITING_LIST: Paint("#08519c", "#08519c"),
    LettingTool.FLEXIBLE: Paint("#2b8cbe", "#2b8cbe"),
    LettingTool.MUNICIPAL_REFERRAL: Paint("#6a51a3", "#6a51a3"),
    LettingTool.ADVERTISING: Paint("#d94801", "#d94801"),
    LettingTool.COMBINED: Paint("#238b45", "#238b45"),
}


# --- the efficiency distribution -------------------------------------------------------------

EFFICIENCY_WIDTH = 520
PLOT_TOP = 48  # room above the tallest bar for its number
PLOT_HEIGHT = 180
AXIS_X = 48  # the value axis, or further right for wider numbers at its left
BAR_WIDTH = 80


def efficiency_chart(
    distribution: EfficiencyDistribution,
    labels: Mapping[str, str],
    *,
    chart_id: str,
    title: str,
    empty: str,
    unit: str = "pct.",
) -> str:
    """A bar per mark, green, yellow and red, as tall as its number of estates, with the mark's
    word under it and the number over it; the organisation's average efficiency under the
    bars. `labels` are the part's labels (green, yellow, red, estates, average)."""
    marks = list(EfficiencyMark)
    counts = [distribution.counts.get(mark, 0) for mark in marks]
    words = [labels.get(mark.value) or mark.label for mark in marks]
    if sum(counts) == 0:
        return _no_data(chart_id, title, empty)
    average = None
    if distribution.average is not None and labels.get("average"):
        average = f"{labels['average']}: {danish_number(distribution.average, 1)} {unit}"
    width = max(EFFICIENCY_WIDTH, round(_text_width(average or "", FONT_SIZE)) + 8)
    step, top = _axis(max(counts))
    axis_x = max(AXIS_X, round(_text_width(danish_number(top), SMALL)) + 16)
    baseline = PLOT_TOP + PLOT_HEIGHT
    parts = []
    if labels.get("estates"):
        parts.append(_text(0, 18, labels["estates"], size=SMALL, fill=MUTED))
    for tick in range(0, top + 1, step):
        y = baseline - PLOT_HEIGHT * tick / top
        parts.append(_line(axis_x, y, width - 8, y, GRID))
        parts.append(_text(axis_x - 8, y + 5, danish_number(tick), size=SMALL, anchor="end"))
    slot = (width - 8 - axis_x) / len(marks)
    for index, (mark, count, word) in enumerate(zip(marks, counts, words, strict=True)):
        centre = axis_x + slot * (index + 0.5)
        height = PLOT_HEIGHT * count / top
        parts.append(
            _group(
                f"{word}: {danish_number(count)}",
                _rect(
                    centre - BAR_WIDTH / 2, baseline - height, BAR_WIDTH, height, MARK_PAINT[mark]
                ),
                _text(
                    centre, baseline - height - 8, danish_number(count), anchor="middle", bold=True
                ),
                _text(centre, baseline + 22, word, anchor="middle"),
            )
        )
    parts.append(_line(axis_x, baseline, width - 8, baseline, INK))
    height = baseline + 32
    if average:
        parts.append(_text(0, baseline + 56, average))
        height = baseline + 64
    summary = ", ".join(
        f"{word}: {danish_number(count)}" for word, count in zip(words, counts, strict=True)
    )
    return _svg(chart_id, width, height, title, f"{summary}. {average or ''}".strip(), parts)


# --- the letting tools per municipality ------------------------------------------------------

LETTING_WIDTH = 720
ROW = 24  # one tool's bar and its label
BAR = 16
HEADING = 28  # the municipality's name over its bars
GAP = 12  # between two municipalities
LEGEND_ROW = 26
NUMBER_ROOM = 64  # right of the longest bar, for its number


def letting_tools_chart(
    table: Mapping[str, Mapping[LettingTool, int]],
    labels: Mapping[str, str],
    *,
    chart_id: str,
    title: str,
    empty: str,
) -> str:
    """Grouped bars: for each municipality its name, then one bar per letting tool as long as
    the tool's lettings, the tool's name to its left and the number to its right; a legend of
    the tools' colours on top. `labels` are the part's labels (one per tool)."""
    if not table:
        return _no_data(chart_id, title, empty)
    tools = list(LettingTool)
    names = {tool: labels.get(tool.value) or tool.label for tool in tools}
    width = LETTING_WIDTH
    parts, y = _legend([(names[tool], TOOL_PAINT[tool]) for tool in tools], width)
    label_width = max(_text_width(name, SMALL) for name in names.values())
    x0 = round(min(label_width + 12, width / 3))
    plot = width - x0 - NUMBER_ROOM
    step, top = _axis(max((max(row.values(), default=0) for row in table.values()), default=0))
    ticks = range(0, top + 1, step)
    for municipality, row in table.items():
        parts.append(_text(0, y + 19, municipality, bold=True))
        y += HEADING
        rows_top, rows_bottom = y, y + ROW * len(tools)
        for tick in ticks[1:]:
            x = x0 + plot * tick / top
            parts.append(_line(x, rows_top, x, rows_bottom, GRID))
        for tool in tools:
            count = row.get(tool, 0)
            length = plot * count / top
            parts.append(
                _group(
                    f"{municipality}, {names[tool]}: {danish_number(count)}",
                    _text(x0 - 8, y + 17, names[tool], size=SMALL, anchor="end"),
                    _rect(x0, y + (ROW - BAR) / 2, length, BAR, TOOL_PAINT[tool]),
                    _text(x0 + length + 6, y + 17, danish_number(count), size=SMALL, bold=True),
                )
            )
            y += ROW
        parts.append(_line(x0, rows_top, x0, rows_bottom, INK))
        y += GAP
    for tick in ticks:
        x = x0 + plot * tick / top
        parts.append(_text(x, y + 14, danish_number(tick), size=SMALL, anchor="middle", fill=MUTED))
    summary = "; ".join(
        f"{municipality}: "
        + ", ".join(f"{names[tool]} {danish_number(row.get(tool, 0))}" for tool in tools)
        for municipality, row in table.items()
    )
    return _svg(chart_id, width, y + 24, title, summary, parts)


# --- a key figure over five dialogue years (the statistics' chart display) -----------------

HISTORY_WIDTH = 560
HISTORY_BAR = 30
BENCHMARK_PAINT = Paint("#bfbfbf", "#737373")
# the value's bar: the app's blue where the figure is not critical, else its mark's colour
FLAG_PAINT: Mapping[Flag, Paint] = {
    Flag.NONE: Paint("#0059b3", "#003d7a"),
    Flag.YELLOW: MARK_PAINT[EfficiencyMark.YELLOW],
    Flag.RED: MARK_PAINT[EfficiencyMark.RED],
}


def history_chart(
    years: list[int],
    values: list[float | None],
    benchmarks: list[float | None],
    flags: list[Flag],
    labels: Mapping[str, str],
    *,
    chart_id: str,
    title: str,
    empty: str,
    decimals: int = 0,
) -> str:
    """Per dialogue year two bars, the value's and the benchmark's, each with its number over
    it; a yellow or red value has its mark's colour and its word under the year. `labels` name
    the value, the benchmark and the marks (value, benchmark, YELLOW, RED)."""
    if all(v is None for v in values):
        return _no_data(chart_id, title, empty)
    width = HISTORY_WIDTH
    largest = max((v for v in [*values, *benchmarks] if v is not None), default=0)
    step, top = _nice_axis(max(largest, 0))
    axis_x = max(AXIS_X, round(_text_width(danish_number(top, _decimals(step)), SMALL)) + 16)
    parts, legend_height = _legend(
        [(labels.get("value", ""), FLAG_PAINT[Flag.NONE]), (labels["benchmark"], BENCHMARK_PAINT)],
        width,
    )
    plot_top = legend_height + 24
    baseline = plot_top + PLOT_HEIGHT
    ticks = round(top / step)
    for index in range(ticks + 1):
        tick = step * index
        y = baseline - PLOT_HEIGHT * tick / top
        parts.append(_line(axis_x, y, width - 8, y, GRID))
        parts.append(
            _text(axis_x - 8, y + 5, danish_number(tick, _decimals(step)), size=SMALL, anchor="end")
        )
    slot = (width - 8 - axis_x) / len(years)
    described = []
    for index, (year, value, benchmark, flag) in enumerate(
        zip(years, values, benchmarks, flags, strict=True)
    ):
        centre = axis_x + slot * (index + 0.5)
        pieces = [_text(centre, baseline + 22, str(year), anchor="middle")]
        for x, amount, paint in (
            (centre - HISTORY_BAR - 4, value, FLAG_PAINT[flag]),
            (centre + 4, benchmark, BENCHMARK_PAINT),
        ):
            if amount is None:
                pieces.append(_text(x + HISTORY_BAR / 2, baseline - 6, "–", anchor="middle"))
                continue
            height = PLOT_HEIGHT * max(amount, 0) / top
            pieces.append(_rect(x, baseline - height, HISTORY_BAR, height, paint))
            pieces.append(
                _text(
                    x + HISTORY_BAR / 2,
                    baseline - height - 6,
                    danish_number(amount, decimals),
                    size=SMALL - 3,
                    anchor="middle",
                )
            )
        word = labels.get(flag.value, "") if flag != Flag.NONE else ""
        if word:
            pieces.append(
                _text(centre, baseline + 42, word, size=SMALL, anchor="middle", bold=True)
            )
        summary = (
            f"{year}: {labels.get('value', '')} {_or_dash(value, decimals)}, "
            f"{labels['benchmark']} {_or_dash(benchmark, decimals)}" + (f", {word}" if word else "")
        )
        described.append(summary)
        parts.append(_group(summary, *pieces))
    parts.append(_line(axis_x, baseline, width - 8, baseline, INK))
    return _svg(chart_id, width, baseline + 52, title, "; ".join(described), parts)


def _nice_axis(largest: float) -> tuple[float, float]:
    """The value axis's step and top for any positive size: 1, 2 or 5 times a power of ten
    (a tenth, a hundredth ... for small figures), at most five steps."""
    if largest <= 0:
        return 1, 1
    power = 10 ** math.floor(math.log10(largest / 5))
    for factor in (1, 2, 5, 10):
        step = factor * power
        steps = math.ceil(round(largest / step, 9))
        if steps <= 5:
            return step, steps * step
    return 10 * power, 10 * power * 5  # not reached: 10 × power always fits


def _decimals(step: float) -> int:
    """The decimals a tick of this step needs."""
    return max(0, -math.floor(math.log10(step))) if step < 1 else 0


def _or_dash(value: float | None, decimals: int) -> str:
    return "–" if value is None else danish_number(value, decimals)


def _legend(entries: list[tuple[str, Paint]], width: int) -> tuple[list[str], float]:
    """Swatch and name of each entry, left to right, on as many rows as the width needs;
    the parts and the height they take."""
    parts, x, y = [], 0.0, 0.0
    for name, paint in entries:
        room = 20 + _text_width(name, SMALL) + 16
        if x and x + room > width:
            x, y = 0.0, y + LEGEND_ROW
        parts.append(_rect(x, y + 5, 14, 14, paint))
        parts.append(_text(x + 20, y + 17, name, size=SMALL))
        x += room
    return parts, y + LEGEND_ROW + 8


# --- SVG pieces --------------------------------------------------------------------------------


def _axis(largest: int) -> tuple[int, int]:
    """The value axis's step and top: whole numbers in steps of 1, 2 or 5 times a power of ten,
    at most five steps, the top at or over the largest value (and at least 1)."""
    power = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * power
            steps = -(-largest // step)
            if steps <= 5:
                return step, max(steps, 1) * step
        power *= 10


def _text_width(text: str, size: float) -> float:
    return len(text) * size * GLYPH_WIDTH


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _svg(chart_id: str, width: float, height: float, title: str, desc: str, parts) -> str:
    width, height = _number(width), _number(height)
    title_id = f"{chart_id}-title"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" id={quoteattr(chart_id)}'
        f' width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' role="img" aria-labelledby={quoteattr(title_id)}'
        f' font-family={quoteattr(FONT_FAMILY)} font-size="{FONT_SIZE}">'
        f"<title id={quoteattr(title_id)}>{escape(title)}</title>"
        f"<desc>{escape(desc)}</desc>" + "".join(parts) + "</svg>"
    )


def _no_data(chart_id: str, title: str, text: str) -> str:
    """A chart that says in words that there is nothing to draw."""
    width, height = EFFICIENCY_WIDTH, 56
    frame = _rect(0.5, 0.5, width - 1, height - 1, Paint("#f5f5f5", GRID))
    return _svg(
        chart_id, width, height, title, text, [frame, _text(width / 2, 33, text, anchor="middle")]
    )


def _group(name: str, *parts: str) -> str:
    """Parts that belong together, named (a tooltip on screen; svglib leaves titles out)."""
    return f"<g><title>{escape(name)}</title>{''.join(parts)}</g>"


def _rect(x: float, y: float, width: float, height: float, paint: Paint) -> str:
    return (
        f'<rect x="{_number(x)}" y="{_number(y)}" width="{_number(width)}"'
        f' height="{_number(height)}" fill="{paint.fill}" stroke="{paint.stroke}"'
        ' stroke-width="1"/>'
    )


def _line(x1: float, y1: float, x2: float, y2: float, colour: str) -> str:
    return (
        f'<line x1="{_number(x1)}" y1="{_number(y1)}" x2="{_number(x2)}" y2="{_number(y2)}"'
        f' stroke="{colour}" stroke-width="1"/>'
    )


def _text(
    x: float,
    y: float,
    content: str,
    *,
    size: int = FONT_SIZE,
    anchor: str = "start",
    bold: bool = False,
    fill: str = INK,
) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{_number(x)}" y="{_number(y)}" font-size="{size}" text-anchor="{anchor}"'
        f'{weight} fill="{fill}">{escape(content)}</text>'
    )
