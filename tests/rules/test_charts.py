"""Bilag 3's diagrams as SVG (app/rules/charts.py), read back with xml.etree: bars as tall or
as long as their numbers (worked out by hand), every bar with its word and number, colours as
attributes, names escaped, and a chart without data that says so."""

import io
from xml.etree import ElementTree

import pytest

from app.rules.charts import (
    MARK_PAINT,
    PLOT_HEIGHT,
    TOOL_PAINT,
    efficiency_chart,
    letting_tools_chart,
)
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
