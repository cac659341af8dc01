"""Feed bytes -> typed FeedEntry records. feedparser is used here and nowhere else.

feedparser always gets bytes (never a URL: it would fetch without a timeout). Before it runs,
the bytes pass defusedxml, so entity-expansion bombs and external entities are refused rather
than expanded. A "bozo" feed (not well-formed) that still yields entries is used, and the
warning is kept on the result.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring

from newsmon.dates import parse_date
from newsmon.urls import canonical_url

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


class FeedError(Exception):
    """The bytes are not a usable feed."""


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed, typed and cleaned."""

    url: str  # the link as published (may carry tracking parameters)
    canonical_url: str
    guid: str | None
    title: str
    summary: str  # plain text, HTML removed
    published_at: datetime | None  # aware UTC; None when the feed gives no usable date
    author: str | None
    categories: tuple[str, ...]
    # an explicit <updated>/<atom:updated>/<dcterms:modified> later than the publication: the page
    # changed, and an article stored before that time is fetched again
    updated_at: datetime | None = None


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    format: str  # e.g. rss20, atom10
    entries: tuple[FeedEntry, ...]
    warning: str | None  # feedparser's bozo message for a loosely parsed feed
    skipped: int  # entries without a usable link


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def strip_html(text: str) -> str:
    """Plain text, NFC: a decomposed "Oekraïne" in a feed must match the composed one everywhere else."""
    return unicodedata.normalize("NFC", _SPACE.sub(" ", html.unescape(_TAG.sub(" ", text or ""))).strip())


def _entry_date(entry: Any) -> datetime | None:
    # newsmon.dates first: it reads RFC 822, ISO 8601 and day-first Dutch dates ("25-04-2019 16:40",
    # which feedparser reads as 20 April 2025); feedparser's parse is the fallback for the rest.
    raw = entry.get("published") or entry.get("updated") or ""
    parsed = parse_date(raw)
    if parsed is not None:
        return parsed.when
    if re.match(r"^\s*\d{1,2}[-/.]\d{1,2}[-/.]\d{4}", raw):
        return None  # a day-first date that does not exist (31-02-2024): not feedparser's guess
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    return None


def _entry_updated(entry: Any, published: datetime | None) -> datetime | None:
    # dict.get, not entry.get: feedparser answers a missing "updated" with "published"
    parsed = dict.get(entry, "updated_parsed")
    if not parsed or not dict.get(entry, "updated"):
        return None
    when = datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    return when if published is None or when > published else None


_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_PROLOG_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?\sencoding\s*=\s*[\"']([\w.:-]+)[\"']")


def _repair_charset(body: bytes, content_type: str) -> tuple[bytes, str, str | None]:
    """Bytes that are not valid in their declared charset are read as Windows-1252, the usual truth
    behind a wrong label on Dutch sites (feedparser's own guess can land on IBM852 and turn ö into ÷).
    Returns (body, content type, warning)."""
    header = _HEADER_CHARSET.search(content_type or "")
    prolog = _PROLOG_ENCODING.match(body[:200])
    declared = header.group(1) if header else prolog.group(1).decode("ascii") if prolog else "utf-8"
    try:
        body.decode(declared)
    except (LookupError, UnicodeError, ValueError):
        pass  # an unknown or unusable label (e.g. "undefined", "punycode") or bytes that do not fit it
    else:
        return body, content_type, None
    if prolog:  # the declaration must now say what the bytes will be
        body = body[: prolog.start(1)] + b"utf-8" + body[prolog.end(1) :]
    warning = f"declared charset {declared} does not fit the bytes; read as windows-1252"
    return body.decode("cp1252", errors="replace").encode("utf-8"), "application/xml; charset=utf-8", warning


def _refuse_xml_attacks(body: bytes) -> None:
    try:
        defused_fromstring(body)
    except DefusedXmlException as exc:
        raise FeedError(f"refused: unsafe XML ({type(exc).__name__}: entity declarations are not allowed)") from exc
    except Exception:  # noqa: S110 - malformed XML is left to feedparser's loose parser
        pass


def parse_feed(body: bytes, base_url: str = "", content_type: str = "") -> ParsedFeed:
    """Parse RSS/Atom bytes. Raises FeedError when the bytes are empty, unsafe or not a feed.

    `content_type` is the HTTP header, when known: its charset takes part in decoding.
    """
    if not body.strip():
        raise FeedError("empty body")
    _refuse_xml_attacks(body)
    body, content_type, charset_warning = _repair_charset(body, content_type)
    headers = {"content-location": base_url, "content-type": content_type or "application/xml"}
    try:
        parsed = feedparser.parse(body, response_headers=headers, sanitize_html=False, resolve_relative_uris=False)
    except (ValueError, UnicodeError, LookupError) as exc:  # feedparser's encoding sniffing on hostile bytes
        raise FeedError(f"unreadable feed: {type(exc).__name__}: {exc}") from exc
    version = parsed.get("version") or ""
    if not version and not parsed.entries:
        head = body[:200].lstrip().lower()
        kind = "an HTML page" if head.startswith((b"<!doctype html", b"<html")) else "not a feed"
        reason = parsed.get("bozo_exception")
        raise FeedError(f"{kind}, no RSS/Atom found" + (f" ({reason})" if reason else ""))
    entries: list[FeedEntry] = []
    skipped = 0
    for raw in parsed.entries:
        link = (raw.get("link") or "").strip()
        if not link and raw.get("id", "").startswith(("http://", "https://")):
            link = raw["id"]
        if not link.startswith(("http://", "https://")):
            skipped += 1
            continue
        published = _entry_date(raw)
        entries.append(
            FeedEntry(
                url=link,
                canonical_url=canonical_url(link),
                guid=(raw.get("id") or None),
                title=strip_html(raw.get("title", "")),
                summary=strip_html(raw.get("summary", "")),
                published_at=published,
                author=strip_html(raw.get("author", "")) or None,
                categories=tuple(t.get("term", "") for t in raw.get("tags", []) if t.get("term")),
                updated_at=_entry_updated(raw, published),
            )
        )
    warning = charset_warning or (str(parsed.get("bozo_exception")) if parsed.get("bozo") else None)
    return ParsedFeed(
        title=strip_html(parsed.feed.get("title", "")),
        format=version or "unknown",
        entries=tuple(entries),
        warning=warning,
        skipped=skipped,
    )
