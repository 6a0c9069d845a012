"""Markdown to safe HTML: markdown-it-py (CommonMark + tables, raw HTML off), then nh3 with an
allow-list. Proposals, comments, minutes and notices all render through here."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    "table")

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td",
})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def sanitize_html(html: str) -> str:
    """Keep only the allow-listed tags and attributes; links get rel="nofollow noopener"."""
    return nh3.clean(html, tags=set(ALLOWED_TAGS), attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=set(URL_SCHEMES), link_rel="nofollow noopener",
                     strip_comments=True)


def render_markdown(source: str) -> Markup:
    """Render Markdown source to sanitised HTML, safe to put in a page."""
    return Markup(sanitize_html(_md.render(source or "")))
