"""How the package PDF is laid out and put together: the page numbers written on pages laid
out in parts, the HTML made lighter for paper."""

import io

import pytest
from pypdf import PdfReader

from app.services import printing

PAGE = """<html><head><style>
@page {{ size: a4 portrait; margin: 2cm; }}
</style></head><body>{body}</body></html>"""


def _pages(count: int, name: str) -> bytes:
    body = "<pdf:nextpage />".join(f"<h1>{name} {n}</h1><p>tekst</p>" for n in range(1, count + 1))
    return printing.layout(PAGE.format(body=body))


def test_every_page_of_the_joined_parts_is_numbered_through_in_order():
    joined = printing._numbered([_pages(2, "Første"), _pages(3, "Anden")], "Side {page} af {pages}")
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(joined)).pages]
    assert len(texts) == 5
    expected = ["Første 1", "Første 2", "Anden 1", "Anden 2", "Anden 3"]
    for number, (text, heading) in enumerate(zip(texts, expected, strict=True), start=1):
        assert text.startswith(heading)
        assert text.rstrip().endswith(f"Side {number} af 5")


def test_numbering_leaves_each_page_as_it_was_laid_out():
    """The number is a drawing of its own beside the page's: what the layout drew is kept
    byte for byte, nothing of it read, changed or written again."""
    part = _pages(3, "Afdeling")
    laid_out = [page.get_contents().get_data() for page in PdfReader(io.BytesIO(part)).pages]
    joined = PdfReader(io.BytesIO(printing._numbered([part], "Page {page} of {pages}")))
    for page, drawing in zip(joined.pages, laid_out, strict=True):
        assert drawing in page.get_contents().get_data()
        assert "/FPageNumber" in page["/Resources"]["/Font"]


def test_a_label_with_brackets_is_written_as_text():
    joined = printing._numbered([_pages(1, "Skema")], r"(Side {page}\{pages})")
    (page,) = PdfReader(io.BytesIO(joined)).pages
    assert page.extract_text().rstrip().endswith(r"(Side 1\1)")


def test_white_space_beside_a_block_is_left_out_and_between_words_kept():
    html = """<div class="question">
      <p class="question-label">Er der en <strong>afdelingsbestyrelse</strong>?</p>
      <table> <tr> <th>Kr. pr. m² <small>(kr.)</small></th> <td> 130 </td> </tr> </table>
    </div>"""
    assert printing._for_paper(html) == (
        '<div class="question"><p class="question-label">Er der en <strong>afdelingsbestyrelse'
        "</strong>?</p><table><tr><th>Kr. pr. m² <small>(kr.)</small></th><td>130</td></tr>"
        "</table></div>"
    )


def test_a_form_is_drawn_the_same_without_the_white_space():
    html = """<h1>Skema</h1>
    <div class="form-section">
      <h2>A. Konklusion</h2>
      <p>Første <em>svar</em> og
         andet svar</p>
      <table><tr> <th>Afdeling</th> <td> 1 </td> </tr></table>
    </div>"""
    spaced = PdfReader(io.BytesIO(printing.layout(PAGE.format(body=html)))).pages
    light = PdfReader(io.BytesIO(printing.layout(PAGE.format(body=printing._for_paper(html)))))
    assert [p.get_contents().get_data() for p in light.pages] == [
        p.get_contents().get_data() for p in spaced
    ]


def test_the_parts_hold_every_form_once_in_order_and_shrink_towards_the_end(monkeypatch):
    monkeypatch.setattr(printing, "FORMS_PER_PART", 12)
    forms = [f"skema {n}" for n in range(251)]
    parts = list(printing._parts(iter(forms), len(forms), 2))
    # each part a third of what is left (two processes), never fewer than 12 forms
    assert [len(part) for part, _last in parts] == [84, 56, 37, 25, 17, 12, 12, 8]
    assert [form for part, _last in parts for form in part] == forms
    assert [last for _part, last in parts] == [False] * 7 + [True]


def test_a_part_is_handed_on_before_the_next_forms_are_written():
    """The layout of the first forms starts while the rest are still being written."""
    written = []

    def forms():
        for n in range(40):
            written.append(n)
            yield f"skema {n}"

    parts = printing._parts(forms(), 40, 2)
    first, last = next(parts)
    assert (len(first), last) == (14, False)
    assert len(written) == 14


def _drawings(pdf: bytes) -> list[bytes]:
    return [page.get_contents().get_data() for page in PdfReader(io.BytesIO(pdf)).pages]


def _by_ancestors(monkeypatch) -> list[bool]:
    """Whether each document laid out from now on has its styles keyed by ancestors."""
    from xhtml2pdf import parser

    printing._layout_ready()
    chosen, own = [], parser.getPositionalTagNames

    def recorded(cascade):
        names = own(cascade)
        chosen.append(names.by_ancestors)
        return names

    monkeypatch.setattr(parser, "getPositionalTagNames", recorded)
    return chosen


def _with_own_key(monkeypatch) -> None:
    """xhtml2pdf's own key, keyed by the parent node."""
    from xhtml2pdf import parser

    from app.services import style_cache

    monkeypatch.setattr(parser, "getCSSAttrCacheKey", style_cache._own_key)
    monkeypatch.setattr(parser, "getPositionalTagNames", style_cache._own_positional_tag_names)


def test_a_package_is_drawn_the_same_with_styles_shared_along_ancestors(
    app, world, db, monkeypatch
):
    """The report and the estate forms of 101, with the print style sheet: every page is
    drawn exactly as with xhtml2pdf's own cache."""
    from tests.services.test_filling import actor, package_of

    documents, layout = [], printing.layout
    monkeypatch.setattr(printing, "layout", lambda html: documents.append(html) or layout(html))
    with app.test_request_context("/"):
        printing.package_pdf(package_of(db, 101).id, actor(db, "bo"))
    (html,) = documents
    assert html.count('class="printed-form"') > 5
    chosen = _by_ancestors(monkeypatch)
    shared = _drawings(layout(html))
    assert chosen == [True]
    _with_own_key(monkeypatch)
    assert _drawings(layout(html)) == shared


@pytest.mark.parametrize(
    "rule",
    [
        "h2 + p { color: #a3001b; }",
        "h2 ~ p { color: #a3001b; }",
        "div:first-child p { color: #a3001b; }",
        "div[title] p { color: #a3001b; }",
        "div:has(h2) p { color: #a3001b; }",
    ],
)
def test_a_rule_looking_beyond_ancestors_keeps_xhtml2pdfs_own_key(rule, monkeypatch):
    """Two sections built alike, told apart only by a sibling, a position or an ancestor's
    attribute: keyed by ancestors they would share one colour."""
    body = (
        '<div class="s" title="a"><h2>Rød</h2><p>tekst</p></div>'
        '<div class="s"><h3>Sort</h3><p>tekst</p></div>'
    )
    html = f"<html><head><style>{rule}</style></head><body>{body}</body></html>"
    chosen = _by_ancestors(monkeypatch)
    kept = _drawings(printing.layout(html))
    assert chosen == [False]
    _with_own_key(monkeypatch)
    assert _drawings(printing.layout(html)) == kept
    assert kept[0].count(b".639216 0 .105882 rg") == 1


def test_a_layout_process_leaves_what_it_inherited_out_of_the_garbage_collectors_rounds():
    import gc

    threshold = gc.get_threshold()
    try:
        printing._worker_start()
        assert gc.get_freeze_count() > 1000
        assert gc.get_threshold()[0] > threshold[0]
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


def test_the_progress_is_heard_as_the_parts_are_laid_out(app, world, db, monkeypatch):
    """101's report and 7 estate forms, in parts of 2 laid out by 3 processes: a quarter of
    the forms laid out after each part (99 after the last: the job says 100 when done)."""
    from tests.services.test_filling import actor, package_of

    monkeypatch.setattr(printing, "FORMS_PER_PART", 2)
    monkeypatch.setattr(printing.os, "cpu_count", lambda: 3)
    heard = []
    with app.test_request_context("/"):
        printed = printing.package_pdf(package_of(db, 101).id, actor(db, "bo"), heard.append)
    assert heard == [24, 49, 74, 99]
    assert len(PdfReader(io.BytesIO(printed.content)).pages) > 8
