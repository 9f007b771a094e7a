"""The report's two diagrams on screen (Bilag 3, IV): each an inline SVG image with a name,
and the table with its numbers after it, for screen readers.

The small demo world's organisation 101 has estates in operation with efficiencies 73,9 (red),
96,8, 90,4 and 90,8 (green), 81,6 and 89,6 (yellow); its family dwellings were let in
København and Roskilde."""

from lxml import html
from sqlalchemy import select

from app.models import Form, Organisation, Package
from tests.conftest import login


def _report_section(client, db, section="organisation_facts"):
    form_id = db.session.scalar(
        select(Form.id)
        .join(Package, Package.id == Form.package_id)
        .join(Organisation, Organisation.id == Package.organisation_id)
        .where(Organisation.number == 101, Form.estate_id.is_(None))
    )
    response = client.get(f"/form/{form_id}/{section}")
    assert response.status_code == 200
    return html.fromstring(response.get_data(as_text=True))


def _following_table(element):
    """The first table after the element in the same part."""
    return element.xpath("following::table[1]")[0]


def test_the_efficiency_distribution_is_a_named_chart_with_its_table_after_it(client, world, db):
    login(client, "bo")
    page = _report_section(client, db)
    part = page.get_element_by_id("item-efficiency_distribution")
    (chart,) = part.xpath(".//svg")
    assert chart.get("role") == "img"
    title = page.get_element_by_id(chart.get("aria-labelledby"))
    assert title.text_content() == "Diagram: Effektivitetsfordeling"
    words = [t.text_content() for t in chart.xpath(".//text")]
    for word, count in (("Grøn", "3"), ("Gul", "2"), ("Rød", "1")):
        assert word in words and count in words
    assert "Boligorganisationens gennemsnitlige effektivitet: 87,2 pct." in words
    table = _following_table(chart)
    assert "efficiency-distribution" in table.get("class")
    assert [td.text_content().strip() for td in table.xpath(".//tbody//td")] == [
        "3",
        "2",
        "1",
        "87,2 pct.",
    ]


def test_the_letting_tools_are_a_named_chart_with_its_table_after_it(client, world, db):
    login(client, "bo")
    page = _report_section(client, db)
    part = page.get_element_by_id("item-letting_tools")
    (chart,) = part.xpath(".//svg")
    assert chart.get("role") == "img"
    title = page.get_element_by_id(chart.get("aria-labelledby"))
    assert title.text_content() == "Diagram: Anvendte udlejningsredskaber"
    words = [t.text_content() for t in chart.xpath(".//text")]
    assert {"København", "Roskilde", "Venteliste", "Kombineret udlejning"} <= set(words)
    table = _following_table(chart)
    assert [row.xpath("td")[0].text_content() for row in table.xpath(".//tbody/tr")] == [
        "København",
        "Roskilde",
    ]


def test_a_translated_chart_title_is_escaped_once(app):
    """gettext in a template gives Markup with its values escaped; the drawing escapes every
    text itself, so the title reads as written."""
    from app.rules.report import EfficiencyDistribution, EfficiencyMark

    distribution = EfficiencyDistribution(dict.fromkeys(EfficiencyMark, 1), None)
    template = app.jinja_env.from_string(
        '{{ efficiency_chart(d, {}, chart_id="c", title=_("Diagram: %(name)s", name=name),'
        ' empty="") }}'
    )
    with app.test_request_context():
        svg = template.render(d=distribution, name="Drift & <vedligehold>")
    title = html.fromstring(svg).xpath("//title")[0]
    assert title.text_content() == "Diagram: Drift & <vedligehold>"
