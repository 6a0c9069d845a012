"""Hostile Markdown and HTML comes out inert."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from app.markdown import ALLOWED_TAGS, render_markdown

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "<iframe src='https://evil.example'></iframe>",
    "<svg onload=alert(1)><circle/></svg>",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[x](data:text/html,<script>alert(1)</script>)",
    "<a href='javascript:alert(1)'>x</a>",
    "<div style='background:url(javascript:alert(1))'>x</div>",
    "<style>body{display:none}</style>",
    "<object data='x.swf'></object><embed src='x.swf'>",
    "<form action='https://evil.example'><input name=a></form>",
    "<math><mi xlink:href='javascript:alert(1)'>x</mi></math>",
    "[x](vbscript:msgbox(1))",
    "<p onclick=alert(1)>x</p>",
    '<a href="https://ok.example" onmouseover="alert(1)">x</a>',
    "```html\n<script>alert(1)</script>\n```",
]

SAFE_SCHEMES = ("http://", "https://", "mailto:")


class _Collector(HTMLParser):
    """Every live tag and attribute of a fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(k, v or "") for k, v in attrs]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_inert(payload: str) -> None:
    html = str(render_markdown(payload))
    parsed = _Collector()
    parsed.feed(html)
    assert set(parsed.tags) <= ALLOWED_TAGS, html
    for name, value in parsed.attrs:
        assert name in {"href", "title", "rel", "start", "class"}, html
        if name == "href":
            assert value.lower().startswith(SAFE_SCHEMES), html
    assert "<script" not in html.lower() and "<iframe" not in html.lower()


def test_links_are_kept_with_rel() -> None:
    html = str(render_markdown("[业委会](https://example.cn/a?b=1) **加粗**"))
    assert '<a href="https://example.cn/a?b=1" rel="nofollow noopener">业委会</a>' in html
    assert "<strong>加粗</strong>" in html


def test_headings_and_lists_survive() -> None:
    html = str(render_markdown("## 背景\n\n- 一\n- 二\n\n1. 甲"))
    assert "<h2>背景</h2>" in html and "<li>一</li>" in html and "<ol>" in html


def test_tables_render_and_stay_clean() -> None:
    """Minutes carry their counts in Markdown tables; the cells' content is still sanitised."""
    html = str(render_markdown("| 方案 | 同意 |\n|---|---:|\n| A <script>x</script> | 91 |\n"))
    assert "<table>" in html and "<th>方案</th>" in html and ">91</td>" in html
    assert "<script" not in html
