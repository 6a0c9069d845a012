"""The Atom feed of a community's register of decisions (RFC 4287), built with ElementTree:
always valid XML."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from xml.etree import ElementTree as ET

from meetings.decisions import Entry

ATOM = "http://www.w3.org/2005/Atom"


def atom_feed(*, title: str, feed_url: str, page_url: str, items: list[Entry],
              item_url: Callable[[Entry], str], updated: datetime,
              kind_label: Callable[[Entry], str],
              summary: Callable[[Entry], str] | None = None) -> bytes:
    """Serialise register entries as an Atom feed; each entry's summary says what it is
    (`summary`: for a notice its title, result in words and counts)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = feed_url
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = updated.isoformat()
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=feed_url)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=page_url)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = title
    for item in items:
        url = item_url(item)
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = f"[{kind_label(item)}] {item.title}"
        ET.SubElement(entry, f"{{{ATOM}}}id").text = url
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=url)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = item.published_at.isoformat()
        ET.SubElement(entry, f"{{{ATOM}}}published").text = item.published_at.isoformat()
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = (
            summary(item) if summary else f"sha256: {item.sha256}")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")
