"""xhtml2pdf's cache of an element's CSS properties, keyed by the element's line of ancestors
instead of by its parent node.

xhtml2pdf works out an element's properties once per parent node and description of the
element (tag, class, id, style attribute, and what its rules ask of it): only siblings share
the result. Every cell, paragraph and heading of every estate form is matched against the
whole style sheet again, about a quarter of the time a package of estate forms takes to lay
out. Keyed by the same description of the element and of each of its ancestors, a package's
forms, built alike, share what was worked out for the first.

That key is exact while every rule looks only at the element and its ancestors' tags,
classes and ids. A document whose style sheet has a rule that looks at anything else keeps
xhtml2pdf's own key: a sibling ("+", "~"), a position or the content (":first-child",
":empty", ":has()"), an ancestor's attribute, or any other pseudo-class than those reading
the element's own attributes (xhtml2pdf puts those attributes in the key).
"""

from __future__ import annotations

from xhtml2pdf import parser
from xhtml2pdf.w3c import css

_own_key = parser.getCSSAttrCacheKey
_own_positional_tag_names = parser.getPositionalTagNames


class _PositionalTags(set):
    """The tags some rule selects by position, as xhtml2pdf works them out once per document
    and hands to every computation of a key; it carries whether the document's style sheet
    allows the key by ancestors."""

    by_ancestors = False


def _positional_tag_names(cascade) -> _PositionalTags:
    names = _PositionalTags(_own_positional_tag_names(cascade))
    names.by_ancestors = not names and all(
        _by_ancestors(selector, subject=True)
        for ruleset in cascade.iterCSSRulesets()
        for selector in ruleset
    )
    return names


def _by_ancestors(selector, *, subject: bool) -> bool:
    """Whether what the selector asks is only the tags, classes and ids of an element and its
    ancestors (and, of the element itself, attributes)."""
    for qualifier in getattr(selector, "qualifiers", ()):
        if isinstance(qualifier, css.CSSSelectorCombinationQualifier):
            if qualifier.op not in {" ", ">"}:
                return False
            if not _by_ancestors(qualifier.selector, subject=False):
                return False
        elif isinstance(qualifier, css.CSSSelectorLogicalQualifier):
            if qualifier.name not in {"not", "is", "where"} or qualifier.nth is not None:
                return False
            if not all(_by_ancestors(s, subject=subject) for s in qualifier.selectors):
                return False
        elif qualifier.isPseudo():
            if qualifier.name in css.GENERATED_PSEUDO_ELEMENTS:
                continue
            if not subject or qualifier.name not in parser.PSEUDO_CLASS_ATTRIBUTES:
                return False
        elif isinstance(qualifier, css.CSSSelectorAttributeQualifier) and not subject:
            return False
    return True


def _key(node, positional_tags=frozenset(), attribute_names=frozenset()):
    key = _own_key(node, positional_tags, attribute_names)
    if not getattr(positional_tags, "by_ancestors", False):
        return key
    parent = node.parentNode
    if parent is not None and parent.nodeType == parent.ELEMENT_NODE:
        # the layout visits a parent before its children: its key is there already
        line = getattr(parent, "_style_line", None)
        if line is None:
            line = _key(parent, positional_tags, attribute_names)
        key = key._replace(parent=line)
    node._style_line = key
    return key


def install() -> None:
    """The key by ancestors, for every document laid out in this process from now on."""
    parser.getPositionalTagNames = _positional_tag_names
    parser.getCSSAttrCacheKey = _key
