"""The report's diagrams for the templates: the pure drawings of app/rules/charts.py, put
inline in the page on screen, and as a data: URI image in the PDF, where xhtml2pdf hands the
SVG to svglib, which draws it as vectors."""

import base64
from xml.etree import ElementTree

from markupsafe import Markup

from app.rules import charts

SVG = "{http://www.w3.org/2000/svg}"
# on paper a chart's 15 px text comes out at 8.4 pt, a little under the PDF's 9 pt body text
PRINT_SCALE = 0.75


def efficiency_chart(distribution, labels, **texts) -> Markup:
    return Markup(charts.efficiency_chart(distribution, _plain(labels), **_plain(texts)))


def letting_tools_chart(table, labels, **texts) -> Markup:
    return Markup(charts.letting_tools_chart(table, _plain(labels), **_plain(texts)))


def history_chart(history, labels, **texts) -> Markup:
    """A key figure of one subject over the statistics' five years (`history`: a
    `app.services.statistics.History`)."""
    return Markup(
        charts.history_chart(
            history.years,
            history.values,
            history.benchmarks,
            history.flags,
            _plain(labels),
            decimals=history.figure.decimals,
            **_plain(texts),
        )
    )


def _plain(texts: dict) -> dict:
    """The texts as their characters: gettext's Markup (in a template) unescaped, since the
    drawing escapes every text itself."""
    return {
        key: value.unescape() if isinstance(value, Markup) else value
        for key, value in texts.items()
    }


def chart_image(svg: str) -> Markup:
    """The chart as an <img> for the PDF, its size given in CSS pixels (xhtml2pdf would draw
    the SVG at three quarters of its own size), named by its title."""
    root = ElementTree.fromstring(str(svg))
    source = "data:image/svg+xml;base64," + base64.b64encode(str(svg).encode()).decode("ascii")
    return Markup('<img src="{}" width="{}" height="{}" alt="{}">').format(
        source,
        round(float(root.get("width")) * PRINT_SCALE),
        round(float(root.get("height")) * PRINT_SCALE),
        root.findtext(f"{SVG}title", ""),
    )


def register(app) -> None:
    app.jinja_env.globals["efficiency_chart"] = efficiency_chart
    app.jinja_env.globals["letting_tools_chart"] = letting_tools_chart
    app.jinja_env.globals["history_chart"] = history_chart
    app.jinja_env.filters["chart_image"] = chart_image
