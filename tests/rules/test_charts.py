"""Bilag 3's diagrams as SVG (app/rules/charts.py), read back with xml.etree: bars as tall or
as long as their numbers (worked out by hand), every bar with its word and number, colours as
attributes, names escaped, and a chart without data that says so."""

import io
from xml.etree import ElementTree

import pytest

from app.rules.charts import (
    FLAG_PAINT,
    MARK_PAINT,
    PLOT_HEIGHT,
    TOOL_PAINT,
    efficiency_chart,
    history_chart,
    letting_tools_chart,
)
from app.rules.enums import Flag
from app.rules.report import EfficiencyDistribution, EfficiencyMark, LettingTool

NS = {"svg": "http://www.w3.org/2000/svg"}
GREEN, YELLOW, RED = EfficiencyMark.GREEN, EfficiencyMark.YELLOW, EfficiencyMark.RED
LABELS = {
    "green": "Grøn",
    "yellow": "Gul",
    "red": "Rød",
    "estates": "Antal afdelinger",
    "average": "Gennemsnitlig effektivitet",
}


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def texts(root) -> list[str]:
    return [t.text for t in root.iter(f"{{{NS['svg']}}}text")]


def bars(root) -> dict[str, ElementTree.Element]:
    """Each named group's bar, by the group's name (its <title>)."""
    return {
        g.findtext("svg:title", namespaces=NS): g.find("svg:rect", NS)
        for g in root.iterfind(".//svg:g", NS)
    }


def efficiency(green, yellow, red, average=None, labels=LABELS):
    distribution = EfficiencyDistribution({GREEN: green, YELLOW: yellow, RED: red}, average)
    return efficiency_chart(
        distribution,
        labels,
        chart_id="chart-efficiency",
        title="Diagram: Effektivitetsfordeling",
        empty="Ingen effektivitetstal.",
    )


def letting(table, labels=None):
    return letting_tools_chart(
        table,
        labels or {},
        chart_id="chart-letting",
        title="Diagram: Anvendte udlejningsredskaber",
        empty="Ingen familieboliger.",
    )


def lettings(**counts):
    row = dict.fromkeys(LettingTool, 0)
    row.update({LettingTool(k): v for k, v in counts.items()})
    return row


# --- the efficiency distribution ------------------------------------------------------------


def test_efficiency_bars_are_as_tall_as_their_number_of_estates():
    # 4, 2 and 1 estates: the axis ends at 4, so the bars are the whole, half and a quarter
    # of the plot's height
    root = parse(efficiency(4, 2, 1))
    heights = {name: float(rect.get("height")) for name, rect in bars(root).items()}
    assert heights == {
        "Grøn: 4": PLOT_HEIGHT,
        "Gul: 2": PLOT_HEIGHT / 2,
        "Rød: 1": PLOT_HEIGHT / 4,
    }


def test_efficiency_axis_ends_at_a_round_number_over_the_largest_count():
    # 7 estates: steps of 2 up to 8, so 7 is 7/8 of the plot and 3 is 3/8
    root = parse(efficiency(7, 3, 0))
    heights = {name: float(rect.get("height")) for name, rect in bars(root).items()}
    assert heights == {
        "Grøn: 7": pytest.approx(PLOT_HEIGHT * 7 / 8),
        "Gul: 3": pytest.approx(PLOT_HEIGHT * 3 / 8),
        "Rød: 0": 0,
    }
    assert [t for t in texts(root) if t.isdigit()][:5] == ["0", "2", "4", "6", "8"]


def test_the_value_axis_leaves_room_at_its_left_for_wide_numbers():
    # 24.000 estates: the axis ends at 25.000 in steps of 5.000; its top label, right-aligned
    # at the axis, fits in the chart (IBM Plex Sans's digits measure about 0.55 em, at 14 px)
    root = parse(efficiency(24000, 0, 0))
    (label,) = (t for t in root.iter(f"{{{NS['svg']}}}text") if t.text == "25.000")
    assert label.get("text-anchor") == "end"
    assert float(label.get("x")) >= len("25.000") * 14 * 0.55


def test_efficiency_bars_stand_on_one_baseline():
    root = parse(efficiency(4, 2, 1))
    bottoms = {float(r.get("y")) + float(r.get("height")) for r in bars(root).values()}
    assert len(bottoms) == 1


def test_each_efficiency_bar_has_its_mark_word_and_count_written_in_its_mark_colour():
    root = parse(efficiency(12, 1, 0, average=87.46))
    for mark, word, count in ((GREEN, "Grøn", "12"), (YELLOW, "Gul", "1"), (RED, "Rød", "0")):
        group = next(
            g
            for g in root.iterfind(".//svg:g", NS)
            if g.findtext("svg:title", namespaces=NS) == f"{word}: {count}"
        )
        assert {t.text for t in group.iterfind("svg:text", NS)} == {word, count}
        rect = group.find("svg:rect", NS)
        assert (rect.get("fill"), rect.get("stroke")) == (
            MARK_PAINT[mark].fill,
            MARK_PAINT[mark].stroke,
        )
    assert "Antal afdelinger" in texts(root)
    # the average with a decimal comma
    assert "Gennemsnitlig effektivitet: 87,5 pct." in texts(root)


def test_a_count_in_the_thousands_is_written_the_danish_way():
    root = parse(efficiency(1234, 0, 0))
    assert "1.234" in texts(root)


def test_efficiency_chart_is_an_image_named_by_its_title_and_described_by_its_numbers():
    root = parse(efficiency(4, 2, 1, average=88.0))
    assert root.get("role") == "img"
    title = root.find("svg:title", NS)
    assert root.get("aria-labelledby") == title.get("id") == "chart-efficiency-title"
    assert title.text == "Diagram: Effektivitetsfordeling"
    assert root.findtext("svg:desc", namespaces=NS) == (
        "Grøn: 4, Gul: 2, Rød: 1. Gennemsnitlig effektivitet: 88,0 pct."
    )


def test_a_mark_without_a_label_is_named_by_its_own_word():
    root = parse(efficiency(1, 1, 1, labels={}))
    assert {"Grøn", "Gul", "Rød"} <= set(texts(root))


@pytest.mark.parametrize("average", [None, 91.0])
def test_without_estates_with_efficiency_the_chart_says_there_is_no_data(average):
    root = parse(efficiency(0, 0, 0, average=average))
    assert texts(root) == ["Ingen effektivitetstal."]
    assert root.findtext("svg:title", namespaces=NS) == "Diagram: Effektivitetsfordeling"
    assert bars(root) == {}


# --- the letting tools per municipality -----------------------------------------------------


def test_letting_bars_are_as_long_as_their_lettings_on_one_scale_for_all_municipalities():
    # 40 lettings is the longest bar; 20 is half of it, 10 a quarter, 2 a twentieth
    root = parse(
        letting(
            {
                "København": lettings(waiting_list=40, flexible=10, combined=2),
                "Roskilde": lettings(waiting_list=20),
            }
        )
    )
    lengths = {name: float(rect.get("width")) for name, rect in bars(root).items()}
    full = lengths["København, Venteliste: 40"]
    assert full > 0
    assert lengths["København, Fleksibel: 10"] == pytest.approx(full / 4)
    assert lengths["København, Kombineret udlejning: 2"] == pytest.approx(full / 20)
    assert lengths["København, Annoncering: 0"] == 0
    assert lengths["Roskilde, Venteliste: 20"] == pytest.approx(full / 2)
    assert len(lengths) == 10  # five tools in each of the two municipalities


def test_each_letting_bar_has_its_tool_name_and_count_and_the_tool_colour():
    root = parse(letting({"Vejle": lettings(waiting_list=3, advertising=1)}))
    for group in root.iterfind(".//svg:g", NS):
        name = group.findtext("svg:title", namespaces=NS)
        tool = next(t for t in LettingTool if f", {t.label}:" in name)
        words = [t.text for t in group.iterfind("svg:text", NS)]
        assert words == [tool.label, name.rsplit(": ", 1)[1]]
        assert group.find("svg:rect", NS).get("fill") == TOOL_PAINT[tool].fill
    assert "Vejle" in texts(root)


def test_the_legend_names_every_tool_beside_a_swatch_of_its_colour():
    root = parse(letting({"Vejle": lettings(waiting_list=3)}, labels={"flexible": "Fleks"}))
    legend = [
        (rect.get("fill"), text.text)
        for rect, text in zip(
            root.findall("svg:rect", NS), root.findall("svg:text", NS), strict=False
        )
    ]
    assert legend == [
        (TOOL_PAINT[LettingTool.WAITING_LIST].fill, "Venteliste"),
        (TOOL_PAINT[LettingTool.FLEXIBLE].fill, "Fleks"),
        (TOOL_PAINT[LettingTool.MUNICIPAL_REFERRAL].fill, "Kommunal anvisning"),
        (TOOL_PAINT[LettingTool.ADVERTISING].fill, "Annoncering"),
        (TOOL_PAINT[LettingTool.COMBINED].fill, "Kombineret udlejning"),
    ]


def test_a_municipality_name_with_markup_characters_is_escaped_and_shown_as_written():
    name = 'Lejre & <Roskilde> "Syd"'
    svg = letting({name: lettings(flexible=2)})
    assert "<Roskilde>" not in svg
    root = parse(svg)  # well-formed
    assert name in texts(root)
    assert f"{name}, Fleksibel: 2" in bars(root)
    assert root.findtext("svg:desc", namespaces=NS).startswith(f"{name}: Venteliste 0,")


def test_a_title_with_markup_characters_is_escaped():
    svg = efficiency_chart(
        EfficiencyDistribution({GREEN: 1, YELLOW: 0, RED: 0}, None),
        LABELS,
        chart_id="c",
        title="A & <B>",
        empty="",
    )
    assert parse(svg).findtext("svg:title", namespaces=NS) == "A & <B>"


def test_municipalities_without_lettings_get_bars_of_nothing_not_an_error():
    root = parse(letting({"Vejle": lettings()}))
    assert {float(rect.get("width")) for rect in bars(root).values()} == {0}


def test_without_municipalities_the_letting_chart_says_there_is_no_data():
    root = parse(letting({}))
    assert texts(root) == ["Ingen familieboliger."]
    assert bars(root) == {}


# --- for the PDF ------------------------------------------------------------------------------


def test_colours_are_attributes_never_classes_or_styles():
    for svg in (efficiency(3, 2, 1, average=80.0), letting({"Vejle": lettings(flexible=2)})):
        root = parse(svg)
        for element in root.iter():
            assert element.get("class") is None and element.get("style") is None
        for rect in root.iter(f"{{{NS['svg']}}}rect"):
            assert rect.get("fill") and rect.get("stroke")


def test_svglib_draws_both_charts_at_their_own_size():
    from svglib.svglib import svg2rlg

    for svg in (efficiency(3, 2, 1, average=80.0), letting({"Vejle": lettings(flexible=2)})):
        drawing = svg2rlg(io.BytesIO(svg.encode()))
        root = parse(svg)
        # svglib measures in points: three quarters of a CSS pixel
        assert drawing.width == pytest.approx(float(root.get("width")) * 0.75)
        assert drawing.height == pytest.approx(float(root.get("height")) * 0.75)


# --- a key figure over five dialogue years ---------------------------------------------------

HISTORY_LABELS = {"value": "Værdi", "benchmark": "Benchmark", "YELLOW": "Gul", "RED": "Rød"}


def history(values, benchmarks, flags, decimals=0):
    return history_chart(
        [2022, 2023, 2024, 2025, 2026],
        values,
        benchmarks,
        flags,
        HISTORY_LABELS,
        chart_id="chart-h",
        title="Diagram: Arbejdskapital",
        empty="Ingen tal.",
        decimals=decimals,
    )


def year_groups(root) -> dict[str, list[ElementTree.Element]]:
    """Each year's group (named by its summary) with its bars, value first."""
    return {
        g.findtext("svg:title", namespaces=NS): g.findall("svg:rect", NS)
        for g in root.iterfind(".//svg:g", NS)
    }


def test_each_years_value_and_benchmark_are_bars_as_tall_as_their_numbers():
    none, yellow, red = Flag.NONE, Flag.YELLOW, Flag.RED
    root = parse(
        history(
            [100, 200, None, 400, 50], [100, 100, 100, 100, None], [none, yellow, none, red, none]
        )
    )
    groups = year_groups(root)
    # the largest number is 400: the axis goes to 400 in steps of 100
    assert texts(root)[2:7] == ["0", "100", "200", "300", "400"]
    heights = {
        name.split(":")[0]: [float(r.get("height")) for r in rects]
        for name, rects in groups.items()
    }
    per_unit = PLOT_HEIGHT / 400
    assert heights == {
        "2022": [100 * per_unit, 100 * per_unit],
        "2023": [200 * per_unit, 100 * per_unit],
        "2024": [100 * per_unit],  # no value: a dash instead of a bar
        "2025": [400 * per_unit, 100 * per_unit],
        "2026": [50 * per_unit],  # no benchmark
    }
    fills = {name.split(":")[0]: rects[0].get("fill") for name, rects in groups.items()}
    assert fills["2023"] == FLAG_PAINT[yellow].fill and fills["2025"] == FLAG_PAINT[red].fill
    assert fills["2022"] == FLAG_PAINT[none].fill
    # the mark is written under its year, and the summary tells each year in words
    assert "2023: Værdi 200, Benchmark 100, Gul" in groups
    assert "2024: Værdi –, Benchmark 100" in groups
    assert texts(root).count("Rød") == 1 and texts(root).count("Gul") == 1


def test_a_small_figure_gets_an_axis_in_whole_numbers_or_tenths():
    root = parse(history([2.89, 2.5, 2.6, 2.7, 2.8], [2.5] * 5, [Flag.NONE] * 5, decimals=2))
    # 2.89 rounds up to an axis of 3 in steps of 1
    assert texts(root)[2:6] == ["0", "1", "2", "3"]
    assert "2,89" in texts(root)
    root = parse(history([0.42, 0.3, 0.2, 0.1, 0.4], [0.3] * 5, [Flag.NONE] * 5, decimals=2))
    # 0.42 gives an axis of 0.5 in steps of a tenth
    assert texts(root)[2:8] == ["0,0", "0,1", "0,2", "0,3", "0,4", "0,5"]


def test_a_figure_without_any_value_gives_a_chart_that_says_so():
    root = parse(history([None] * 5, [100] * 5, [Flag.NONE] * 5))
    assert texts(root) == ["Ingen tal."]
