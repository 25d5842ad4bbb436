"""The one HTML policy of the migration: ``sanitize_html`` keeps formatting and drops anything active.

Feed posts, comments and task descriptions arrive as BB-code, sometimes with HTML mixed in. Text without a tag
passes through untouched (BB-code is inert). Otherwise the HTML is parsed (lxml) and rebuilt from an allow-list:
formatting tags stay, their text stays, scripts, styles, frames and forms go with their content, attributes are
kept only where listed, and links only with a safe scheme. The function is pure and idempotent.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import html as lxml_html

ALLOWED_TAGS = frozenset({
    "a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr",
    "u", "ul",
})
DROPPED_WITH_CONTENT = frozenset({
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input", "button",
    "textarea", "select", "option", "link", "meta", "base", "svg", "math", "template", "noscript",
})
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title", "width", "height"}),
    "td": frozenset({"colspan", "rowspan"}),
    "th": frozenset({"colspan", "rowspan"}),
}
_SAFE_URL = re.compile(r"^(?:https?:|mailto:|/|#|\.{0,2}/|[^:/?#]*(?:[/?#]|$))", re.IGNORECASE)
_TAG = re.compile(r"<\s*[a-zA-Z!/]")


def _safe_url(value: str) -> bool:
    # browsers ignore whitespace and control characters inside a scheme ("java\nscript:")
    compact = re.sub(r"[\s\x00-\x1f]+", "", value)
    return bool(_SAFE_URL.match(compact))


def _clean(element: Any) -> None:
    for child in list(element):
        if not isinstance(child.tag, str):  # comments and processing instructions
            child.drop_tree()
            continue
        tag = child.tag.lower()
        if tag in DROPPED_WITH_CONTENT:
            child.drop_tree()
            continue
        _clean(child)
        if tag not in ALLOWED_TAGS:
            child.drop_tag()
            continue
        allowed = ALLOWED_ATTRIBUTES.get(tag, frozenset())
        for name in list(child.attrib):
            value = child.attrib[name]
            if name.lower() not in allowed or (name.lower() in ("href", "src") and not _safe_url(value)):
                del child.attrib[name]


def sanitize_html(raw: str) -> str:
    """The text with every active or unknown HTML construct removed; text without tags is returned as is."""
    if not raw or not _TAG.search(raw):
        return raw
    root = lxml_html.fragment_fromstring(raw, create_parent="div")
    _clean(root)
    inner = (root.text or "") + "".join(
        lxml_html.tostring(child, encoding="unicode", method="html") for child in root
    )
    return inner
