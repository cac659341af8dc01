"""What a local file given as an HTML page really is, when it is not HTML (for `newsmon extract`).

Fetched pages are judged by their Content-Type and bytes in extract.page_problem; a file on disk has
no Content-Type, so its first bytes are read: known binary signatures first, then whether the text
has any HTML markup at all.
"""

from __future__ import annotations

import json
import re

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"\x7fELF", "an executable"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"DUCK", "a DuckDB database"),
)
_MARKUP = re.compile(rb"<\s*(!doctype\s+html|html|head|body|article|main|div|p|meta|title|h[1-6])\b", re.IGNORECASE)
_FEED = re.compile(rb"<\s*(rss|feed|rdf:RDF)\b", re.IGNORECASE)
_YAML_LINE = re.compile(r"^\s*(-\s+)?[\w.-]+\s*:(\s|$)")


def non_html_kind(data: bytes) -> str | None:
    """None for something that looks like an HTML page; otherwise what it looks like instead."""
    head = data[:65536]
    if not head.strip():
        return "an empty file"
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            return kind
    if head[8:12] == b"WEBP" and head.startswith(b"RIFF"):
        return "a WebP image"
    if head[4:8] == b"ftyp":
        return "an MP4/HEIC media file"
    if b"\x00" in head[:4096]:
        return "binary data"
    if _MARKUP.search(head):
        return None
    if _FEED.search(head):
        return "an RSS/Atom feed, not an article page"
    text = head.decode("utf-8", errors="replace").strip()
    if text[:1] in "{[":
        try:
            json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            pass
        else:
            return "JSON"
    lines = [line for line in text.splitlines()[:50] if line.strip() and not line.lstrip().startswith("#")]
    if lines and sum(bool(_YAML_LINE.match(line)) for line in lines) >= max(1, len(lines) // 2):
        return "YAML (key: value lines)"
    return "plain text without HTML markup"
