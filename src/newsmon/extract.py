"""HTML bytes -> a typed Article. trafilatura is used here and nowhere else.

The page is parsed once; metadata (title, lead, author, section, dates, page kind, walls) is
read from that tree, and trafilatura gets the same tree for the body. Publication dates come
from newsmon.dates in a fixed order (JSON-LD, meta, RDFa/microdata, <time>, htmldate, the date
the page shows, URL, feed, fetch time); `published_source` says which one won. A candidate
more than `max_future_days` ahead of the fetch time is rejected and the next source is tried.

Page kinds come from structure, never from outlet names: front, section and tag pages (many
article links, no article paragraphs, og:type website, a bare URL path), live blogs and video
pages. A consent or login wall in place of the article gets `consent_wall`. All text is NFC.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import lxml.html
import py3langid
import trafilatura
from htmldate import find_date
from lxml import etree

from newsmon import dates
from newsmon.dates import Candidate, DateSource, DateValue, choose_published, feed_value, find_visible_date, parse_date
from newsmon.urls import canonical_url

EXTRACT_RULES_VERSION = "2"
EXTRACTOR_VERSION = f"trafilatura-{trafilatura.__version__}+rules-{EXTRACT_RULES_VERSION}"

Status = Literal["ok", "empty", "paywalled", "not_article", "not_dutch", "live", "consent_wall"]
__all__ = ["Article", "DateSource", "FeedHints", "extract_article"]

_ARTICLE_TYPES = {
    "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "backgroundnewsarticle", "reviewnewsarticle", "blogposting", "report", "liveblogposting",
}  # fmt: skip
_NON_ARTICLE_TYPES = {"collectionpage", "itemlist", "searchresultspage", "profilepage", }
_NON_ARTICLE_PATH = re.compile(
    r"/(dossier|dossiers|tag|tags|onderwerp|onderwerpen|rubriek|zoeken|search|video-overzicht|overzicht|video|"
    r"videos|fotoserie|fotoseries)(/|$)",
    re.IGNORECASE,
)
_LIVE_PATH = re.compile(r"/(live|liveblog|liveblogs|live-blog|live-updates)(/|$|-)", re.IGNORECASE)
# Consent managers share these: IAB TCF API names, CMP vendors' script names, wall class names.
_CONSENT_SCRIPT = re.compile(
    rb"__tcfapi|__cmp\(|cmpapi|consentmanager|didomi|sourcepoint|onetrust|cookiebot|quantcast\.mgr|"
    rb"cookielaw|privacy-mgmt|usercentrics|trustarc",
    re.IGNORECASE,
)
_CONSENT_WALL = re.compile(
    rb"cookiewall|cookie-wall|cookie_wall|privacy-gate|privacygate|privacy_gate|consent-wall|consentwall|"
    rb"<form[^>]*(consent|cookie|toestemming|privacy)[^>]*>",
    re.IGNORECASE,
)
_LOGIN_FORM = re.compile(rb"<input[^>]*type\s*=\s*[\"']?password", re.IGNORECASE)
_WALL_TEXT = re.compile(
    r"\b(cookies?|toestemming|privacyverklaring|privacybeleid|akkoord|accepteer|accepteren|partners|"
    r"inloggen|log in|wachtwoord|registreer|registreren|consent|advertenties op maat)\b",
    re.IGNORECASE,
)
_WALL_WORDS = 150  # a wall in front of an article shows at most about this much text
_PAYWALL_TEXT = re.compile(
    r"(alleen|exclusief|uitsluitend) voor (abonnees|leden)|log ?in om (verder )?te lezen|"
    r"lees (dit artikel )?verder met|word (nu )?abonnee om|dit is een plus-?artikel|premium[- ]artikel",
    re.IGNORECASE,
)
_OWN_TEXT = (
    "//body//text()[not(ancestor::a or ancestor::nav or ancestor::footer or ancestor::aside or ancestor::script"
    " or ancestor::style or ancestor::noscript)]"
)
_PAYWALL_ATTR = re.compile(r"paywall|subscriber-only|premium-wall|piano-?(offer|container)", re.IGNORECASE)
_MIN_WORDS = 25  # below this an extraction is "empty" (a caption, a cookie text)
_TEASER_WORDS = 250  # a paywalled page shows at most about this much
_DATE_META = (
    "article:published_time", "og:article:published_time", "article:published", "datepublished",
    "date", "dc.date", "dc.date.issued", "dcterms.created", "pubdate", "publishdate", "publication_date",
    "sailthru.date", "parsely-pub-date",
)  # fmt: skip


@dataclass(frozen=True)
class Article:
    """The extraction contract (also the JSON printed by `newsmon extract`)."""

    url: str
    canonical_url: str
    title: str | None
    lead: str | None
    body: str
    author: str | None
    section: str | None
    published_at: datetime | None
    published_source: DateSource
    language: str | None
    word_count: int
    status: Status
    extractor_version: str = EXTRACTOR_VERSION
    notes: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "canonical_url": self.canonical_url,
            "title": self.title,
            "lead": self.lead,
            "body": self.body,
            "author": self.author,
            "section": self.section,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "published_source": self.published_source,
            "language": self.language,
            "word_count": self.word_count,
            "status": self.status,
        }


@dataclass(frozen=True)
class FeedHints:
    """What the feed said about the item, used where the page is silent."""

    published_at: datetime | None = None
    title: str | None = None
    summary: str | None = None
    author: str | None = None
    section: str | None = None


@dataclass
class _PageMeta:
    title: str | None = None
    lead: str | None = None
    author: str | None = None
    section: str | None = None
    canonical: str | None = None
    lang: str | None = None
    jsonld_types: set[str] = field(default_factory=set)
    jsonld_date: str | None = None
    meta_date: str | None = None
    free: bool | None = None
    og_type: str | None = None
    has_article_element: bool = False
    paywall_attr: bool = False  # a class/id that names a paywall
    paywall_text: bool = False  # paywall wording in the page's own text (links and menus excluded)
    link_density: float = 0.0  # share of the body's text that sits inside links
    article_links: int = 0  # same-site links with a headline-like text (4+ words) to a deeper path
    paragraph_chars: int = 0  # most characters in paragraphs (12+ words, outside links) under one parent


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        cleaned = " ".join(value.split())
        return cleaned or None
    return None


_BYLINE_PREFIX = re.compile(
    r"^(door|tekst|tekst en beeld|by|van onze (verslaggever|correspondent)(ster)?)\s*:?\s+", re.IGNORECASE
)


def clean_author(value: str | None) -> str | None:
    """'Door Jan de Vries' -> 'Jan de Vries' (Dutch bylines carry 'Door'/'Tekst:' prefixes)."""
    text = _text(value)
    if not text:
        return None
    text = _BYLINE_PREFIX.sub("", text).strip(" ,;-|")
    return text or None


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def drop_repeated_head(body: str, *repeats: str | None) -> str:
    """Remove leading body lines that only repeat the title or the lead.

    Many sites put the headline and intro inside the article container, so the extractor
    returns them as the first paragraphs; they are stored in their own columns already.
    """
    wanted = {_norm(r) for r in repeats if r}
    lines = body.split("\n")
    while lines and _norm(lines[0]) in wanted:
        lines.pop(0)
    return "\n".join(lines).strip()


def _jsonld_objects(tree: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content().strip() or "null")
        except (ValueError, RecursionError):  # malformed, or nested deeper than the parser's stack
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                found.append(item)
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)
    return found


def _types(obj: dict[str, Any]) -> set[str]:
    raw = obj.get("@type", [])
    items = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    return {t.lower() for t in items if isinstance(t, str)}


def _person_names(author: Any) -> str | None:
    people = author if isinstance(author, list) else [author]
    names = [
        _text(p.get("name")) if isinstance(p, dict) and "organization" not in _types(p) else _text(p)
        for p in people
        if not isinstance(p, dict) or "organization" not in _types(p)
    ]
    joined = ", ".join(n for n in names if n)
    return joined or None


def _read_jsonld(tree: Any, meta: _PageMeta) -> None:
    for obj in _jsonld_objects(tree):
        types = _types(obj)
        meta.jsonld_types |= types
        if not types & _ARTICLE_TYPES:
            continue
        meta.title = meta.title or _text(obj.get("headline"))
        meta.lead = meta.lead or _text(obj.get("description"))
        meta.jsonld_date = meta.jsonld_date or _text(obj.get("datePublished"))
        meta.author = meta.author or _person_names(obj.get("author"))
        section = obj.get("articleSection")
        meta.section = meta.section or _text(section[0] if isinstance(section, list) and section else section)
        free = obj.get("isAccessibleForFree")
        if free is not None:
            meta.free = str(free).lower() not in {"false", "0", "no"}


def _read_meta_tags(tree: Any, meta: _PageMeta) -> None:
    tags: dict[str, str] = {}
    for node in tree.xpath("//meta[@content]"):
        key = (node.get("property") or node.get("name") or "").strip().lower()
        if key and key not in tags:
            tags[key] = node.get("content", "")
        item = (node.get("itemprop") or "").strip().lower()
        if item and item not in tags:
            tags[item] = node.get("content", "")
    meta.title = meta.title or _text(tags.get("og:title"))
    meta.lead = meta.lead or _text(tags.get("og:description")) or _text(tags.get("description"))
    meta.author = meta.author or _text(tags.get("author")) or _text(tags.get("article:author"))
    meta.section = meta.section or _text(tags.get("article:section"))
    meta.og_type = _text(tags.get("og:type"))
    meta.meta_date = next((tags[k] for k in _DATE_META if tags.get(k)), None)
    canon = tree.xpath('//link[@rel="canonical"]/@href')
    meta.canonical = canon[0].strip() if canon else None
    lang = tree.xpath("/html/@lang")
    meta.lang = lang[0].strip().lower() if lang else None
    meta.has_article_element = bool(tree.xpath("//article"))


def _read_paywall(tree: Any, meta: _PageMeta) -> None:
    """Paywall signals; read only for short bodies, the only ones a paywall can explain."""
    attrs = " ".join(tree.xpath("//@class | //@id"))
    meta.paywall_attr = bool(_PAYWALL_ATTR.search(attrs))
    # Teasers for *other* premium stories sit in links and menus; only the page's own text counts.
    own_text = " ".join(tree.xpath(_OWN_TEXT))
    meta.paywall_text = bool(_PAYWALL_TEXT.search(own_text))


_TIME_XPATH = (
    "(//article//time[@datetime] | //header//time[@datetime] | //time[@pubdate]"
    " | //time[@datetime][not(ancestor::aside or ancestor::nav or ancestor::footer or ancestor::li"
    " or ancestor::a)])[1]"
)
_RDFA_KEYS = {"dc:date", "dc:created", "dc:issued", "dcterms:created", "dcterms:issued", "dcterms:date",
              "schema:datepublished", "datepublished", "article:published_time"}  # fmt: skip


def _time_date(tree: Any) -> str | None:
    times = tree.xpath(_TIME_XPATH)
    return str(times[0].get("datetime")) if times else None


def _rdfa_date(tree: Any) -> str | None:
    """The publication date from RDFa (property="dc:date ...") or microdata (itemprop="datePublished")
    on any element; the content or datetime attribute wins over the element's text."""
    for node in tree.xpath("//*[@property or @itemprop][not(self::meta)]"):
        keys = set((node.get("property") or "").lower().split()) | set((node.get("itemprop") or "").lower().split())
        if keys & _RDFA_KEYS:
            value = node.get("content") or node.get("datetime") or _text(node.text_content())
            if value:
                return value
    return None


# Elements whose class or id says they hold the page's date ("datum", "publish-date", "meta").
_DATE_HOLDERS = (
    "//*[not(ancestor::aside or ancestor::nav or ancestor::footer or ancestor::li or ancestor::a)]"
    "[contains(@class, 'date') or contains(@class, 'datum') or contains(@class, 'time') or contains(@class, 'tijd')"
    " or contains(@class, 'publi') or contains(@class, 'posted') or contains(@class, 'stamp')"
    " or contains(@class, 'byline') or contains(@class, 'meta') or contains(@id, 'date') or contains(@id, 'datum')]"
)


def _visible_date(tree: Any) -> DateValue | None:
    """The Dutch date the page shows its readers ("01 MRT 2016", "za 5 mrt 2016, 17:04"): in an
    element named for dates, else in the text right after the headline."""
    for node in tree.xpath(_DATE_HOLDERS)[:40]:
        text = " ".join(node.text_content().split())
        if text and len(text) < 200:
            found = find_visible_date(text)
            if found is not None:
                return found
    heads = tree.xpath("//h1")
    if heads:
        following = heads[0].xpath("following::text()[not(ancestor::script or ancestor::style)]")
        text = " ".join(" ".join(t.split()) for t in following[:60])[:1500]
        return find_visible_date(text)
    return None


_NOT_IN_COMMENTS = (
    "not(ancestor-or-self::*[contains(@class, 'comment') or contains(@class, 'reactie') or contains(@id, 'comment')"
    " or contains(@class, 'related') or contains(@class, 'teaser')])"
)
_BYLINE_XPATHS = (
    f"//*[@itemprop='author'][{_NOT_IN_COMMENTS}]",
    f"//*[@rel='author'][{_NOT_IN_COMMENTS}]",
    "//*[contains(@class, 'byline') or contains(@class, 'author') or contains(@class, 'auteur')]"
    f"[{_NOT_IN_COMMENTS}]",
)
_DOOR = re.compile(r"^\s*(Door|Tekst:?)\s+\S")


def _byline(tree: Any) -> str | None:
    """A visible byline ("Door Jan de Vries") when JSON-LD and meta tags name no author."""
    for xpath in _BYLINE_XPATHS:
        for node in tree.xpath(xpath):
            text = _text(node.text_content())
            if text and len(text) < 100:
                return text
    for node in tree.xpath("//article//p | //header//p | //article//span | //header//span"):
        text = _text(node.text_content())
        if text and len(text) < 80 and _DOOR.match(text):
            return text
    return None


def _fallback_title(tree: Any) -> str | None:
    """The page's own headline when neither JSON-LD, og:title nor the feed gave one."""
    for xpath in ("//h1", "//title"):
        found = tree.xpath(xpath)
        if found:
            text = _text(found[0].text_content())
            if text:
                return re.split(r"\s+[|–-]\s+", text)[0] if xpath == "//title" else text
    return None


def _join(base: str, link: str) -> str:
    """urljoin, with a malformed link (e.g. "http://[x") ignored rather than raised."""
    try:
        return urljoin(base, link)
    except ValueError:
        return base


def parse_datetime(value: str | None) -> tuple[datetime | None, str]:
    """(aware UTC datetime, precision "day" | "second" | "none") of a date string (see dates.parse_date)."""
    parsed = parse_date(value)
    if parsed is None:
        return None, "none"
    return parsed.when, "second" if parsed.has_time else "day"


def url_date(url: str) -> datetime | None:
    found = dates.url_date(url)
    return found.when if found else None


def _htmldate(tree: Any, limit: datetime) -> DateValue | None:
    """htmldate in fast mode on the parsed tree, day precision. It reads a copy without footers, asides,
    menus and link lists: their dates ("bijgewerkt 21 nov 2023", a list of other stories) are not
    this page's, and htmldate would take the first date it finds there."""
    own = copy(tree)
    for node in own.xpath("//footer | //aside | //nav | //*[@role='contentinfo'] | //li[.//a]"):
        if node.getparent() is not None:
            node.drop_tree()
    try:
        found = find_date(own, url="", extensive_search=False, original_date=True,
                          max_date=limit.strftime("%Y-%m-%d"))  # fmt: skip
    except (ValueError, TypeError, RecursionError):  # a malformed tree must not cost the page
        return None
    return parse_date(found) if found else None


def _page_date(
    tree: Any, meta: _PageMeta, url: str, hints: FeedHints, fetched_at: datetime, max_future_days: float,
    notes: list[str],
) -> Candidate:  # fmt: skip
    """The publication date (see the module docstring for the order); slower sources are read only when
    the structured ones give no time of day."""
    structured: list[Candidate] = []
    limit = fetched_at + timedelta(days=max_future_days)
    readers: tuple[tuple[DateSource, Callable[[], str | None]], ...] = (
        ("jsonld", lambda: meta.jsonld_date), ("meta", lambda: meta.meta_date),
        ("rdfa", lambda: _rdfa_date(tree) if tree is not None else None),
        ("time", lambda: _time_date(tree) if tree is not None else None),
    )  # fmt: skip
    for source, read in readers:
        value = parse_date(read())
        if value is not None:
            structured.append(Candidate(value, source))
            if value.has_time and value.when <= limit:  # nothing later can improve on it
                return choose_published(structured, fetched_at, max_future_days, notes)
    candidates = list(structured)
    if tree is not None and not any(c.value.when <= limit for c in structured):
        found = _htmldate(tree, limit)
        if found is not None:
            candidates.append(Candidate(found, "htmldate"))
    if tree is not None:
        visible = _visible_date(tree)
        if visible is not None:
            candidates.append(Candidate(visible, "visible"))
    in_url = dates.url_date(url)
    if in_url is not None:
        candidates.append(Candidate(in_url, "url"))
    from_feed = feed_value(hints.published_at)
    if from_feed is not None:
        candidates.append(Candidate(from_feed, "feed"))
    return choose_published(candidates, fetched_at, max_future_days, notes)


def detect_language(text: str) -> str | None:
    if len(text.split()) < 5:
        return None
    # 800 characters (some 120 words) tell Dutch from English, German or French as well as 3000 do,
    # at a quarter of the cost
    lang, _score = py3langid.classify(text[:800])
    return str(lang)


def _read_structure(tree: Any, url: str, meta: _PageMeta) -> None:
    """Own prose, link density and headline links: what tells a front or section page from an article.
    Link figures are only needed (and only counted) when the page has little prose of its own."""
    body = tree.find("body")
    body = tree if body is None else body
    # prose per parent element: an article's paragraphs sit together, the teasers of a front page
    # each in a card of their own
    per_parent: dict[Any, int] = defaultdict(int)
    prose = 0
    for para in body.iter("p"):
        own = " ".join(para.xpath("text()[normalize-space()] | *[not(self::a)]//text()")).split()
        if len(own) >= 12 and not any(a.tag == "a" for a in para.iterancestors("a")):
            parent = para.getparent()
            per_parent[parent] += len(" ".join(own))
            prose = max(prose, per_parent[parent])
            if prose >= _INDEX_PROSE_CHARS:
                break
    meta.paragraph_chars = prose
    if prose >= _INDEX_PROSE_CHARS:
        return
    total = sum(len(t.strip()) for t in body.xpath(".//text()[not(ancestor::script or ancestor::style)]"))
    host = urlsplit(url).hostname
    link_chars = headline_links = 0
    for node in body.iter("a"):
        text = " ".join(node.text_content().split())
        link_chars += len(text)
        href = node.get("href") or ""
        if len(text.split()) >= 4 and not href.startswith(("#", "javascript:", "mailto:")):
            target = urlsplit(_join(url, href))
            if target.hostname in {host, None} and target.path.strip("/").count("/") >= 1:
                headline_links += 1
    meta.link_density = link_chars / total if total else 0.0
    meta.article_links = headline_links


_INDEX_PROSE_CHARS = 500  # an article has at least this much prose in paragraphs of its own


def _is_index_page(meta: _PageMeta, url: str, article_typed: bool) -> bool:
    """A front, section or tag page: a bare path, or many headline links with almost no prose of its own."""
    path = urlsplit(url).path.lower()
    if not article_typed and path in {"", "/", "/index.html", "/index.htm", "/index.php", "/home"}:
        return True
    few_prose = meta.paragraph_chars < _INDEX_PROSE_CHARS
    return few_prose and (meta.link_density >= 0.6 or meta.article_links >= 30)


def _is_wall(html: bytes, body: str, words: int) -> bool:
    """A consent or login wall served in place of the article: wall markup (a consent manager, a
    cookie wall, a consent or login form) and, for text, nothing or the wall's own words. A cookie
    banner over a real article leaves the article's text, and the page stays an article."""
    if words >= _WALL_WORDS:
        return False
    if not (_CONSENT_WALL.search(html) or _LOGIN_FORM.search(html) or _CONSENT_SCRIPT.search(html)):
        return False
    return words < _MIN_WORDS or len({m.lower() for m in _WALL_TEXT.findall(body)}) >= 2


def _classify(meta: _PageMeta, url: str, body: str, language: str | None, html: bytes) -> Status:
    words = len(body.split())
    article_typed = bool(meta.jsonld_types & (_ARTICLE_TYPES - {"liveblogposting"}))
    path = urlsplit(url).path
    if "liveblogposting" in meta.jsonld_types or (_LIVE_PATH.search(path) and not article_typed):
        return "live"
    # an article page (article markup) with paywall wording and a login form is a paywalled teaser, not a wall
    teaser = (meta.free is False or meta.paywall_text) and (article_typed or meta.og_type == "article")
    if not teaser and _is_wall(html, body, words):
        return "consent_wall"
    if not article_typed and (meta.jsonld_types & _NON_ARTICLE_TYPES or _NON_ARTICLE_PATH.search(path)):
        return "not_article"  # a URL like /dossier/ or /video/ is overruled by NewsArticle markup
    if (meta.og_type or "").startswith("video") and not article_typed:
        return "not_article"
    if meta.og_type in {"website", "profile"} and not article_typed and not meta.has_article_element:
        return "not_article"
    if _is_index_page(meta, url, article_typed):
        return "not_article"
    if words < _TEASER_WORDS and (meta.free is False or meta.paywall_text or (meta.paywall_attr and words < 150)):
        return "paywalled"
    if words < _MIN_WORDS:
        return "empty"
    if language is not None and language != "nl":
        return "not_dutch"
    return "ok"


_HTML_TYPES = {"text/html", "application/xhtml+xml", "application/xml", "text/xml", "text/plain"}


def page_problem(content_type: str, body: bytes) -> str | None:
    """Why a fetched page cannot be an article, before any parsing: empty, not HTML, or binary."""
    if not body.strip():
        return "empty page (no content in the response body)"
    media = content_type.split(";", 1)[0].strip().lower()
    if media and media not in _HTML_TYPES:
        return f"not an HTML page (Content-Type {media})"
    head = body[:2048]
    if head.lstrip().startswith(b"%PDF"):
        return "not an HTML page (PDF content)"
    if b"\x00" in head:
        return "not an HTML page (binary content)"
    return None


_SOCIAL_LINE = re.compile(
    r"\b(facebook|twitter|instagram|whatsapp|tiktok|linkedin|nieuwsbrief|newsletter|volg ons|like ons|"
    r"deel dit|delen via|abonneer)\b",
    re.IGNORECASE,
)


def _prune_link_lists(tree: Any) -> None:
    """Drop lists that are mostly links ("Laatste nieuws", "Lees ook", menus) before the body is found:
    a list of three or more links whose text is at least 60 % link text is never the article."""
    for node in tree.xpath("//ul | //ol"):
        links = node.xpath(".//a")
        if len(links) < 3:
            continue
        text = len(" ".join(node.text_content().split()))
        linked = sum(len(" ".join(a.text_content().split())) for a in links)
        if text and linked / text >= 0.6 and node.getparent() is not None:
            node.drop_tree()


def drop_trailing_boilerplate(body: str) -> str:
    """Remove closing lines that are not the article: a call to follow the outlet on social media or
    subscribe, and headings with nothing after them (the title of a removed link list)."""
    lines = body.split("\n")
    while lines:
        last = lines[-1].strip()
        words = last.split()
        heading = 0 < len(words) <= 5 and not last.endswith((".", "!", "?", ":", "”", '"', "…"))
        if not last or heading or (len(words) <= 25 and _SOCIAL_LINE.search(last)):
            lines.pop()
            continue
        break
    return "\n".join(lines).strip()


def nfc(text: str | None) -> str | None:
    return unicodedata.normalize("NFC", text) if text else text


def extract_article(
    html: bytes | str,
    url: str,
    hints: FeedHints | None = None,
    fetched_at: datetime | None = None,
    max_future_days: float = 2.0,
) -> Article:
    """Extract one page. Never raises on bad HTML: an unusable page comes back with status 'empty'."""
    hints = hints or FeedHints()
    fetched_at = fetched_at or datetime.now(UTC)
    raw = html.encode("utf-8", errors="replace") if isinstance(html, str) else html
    notes: list[str] = []
    meta = _PageMeta()
    try:
        tree = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        tree = None
        notes.append(f"unparseable HTML: {exc}")
    byline = fallback_title = None
    if tree is not None:
        _read_jsonld(tree, meta)
        _read_meta_tags(tree, meta)
        _read_structure(tree, url, meta)
        # a visible byline and the <h1> are only needed when the structured metadata lacks them
        byline = None if meta.author else _byline(tree)
        fallback_title = None if meta.title or hints.title else _fallback_title(tree)
    date = _page_date(tree, meta, url, hints, fetched_at, max_future_days, notes)
    doc = None
    if tree is not None:
        _prune_link_lists(tree)
        doc = trafilatura.bare_extraction(
            # the parsed tree (trafilatura works on its own copy); with_metadata=False: metadata is read
            # above, and trafilatura's own (htmldate on every page) would double the time per page
            tree, url=url, with_metadata=False, include_comments=False, include_tables=True,
            include_images=False, deduplicate=False,
        )  # fmt: skip
    body = unicodedata.normalize("NFC", (getattr(doc, "text", None) or "").strip())
    body = re.sub(r"\n{2,}", "\n", body)
    title = nfc(meta.title or hints.title or fallback_title)
    lead = nfc(meta.lead or hints.summary or None)
    body = drop_trailing_boilerplate(drop_repeated_head(body, title, lead))
    words = len(body.split())
    if tree is not None and words < _TEASER_WORDS:
        _read_paywall(tree, meta)
    language = detect_language(body) if words >= 20 else None
    if language is None and meta.lang:
        language = meta.lang.split("-")[0]
    canonical = canonical_url(_join(url, meta.canonical) if meta.canonical else url)
    if urlsplit(canonical).hostname != urlsplit(url).hostname:
        canonical = canonical_url(url)  # a canonical link to another site is not trusted for identity
    status: Status = "empty" if tree is None else _classify(meta, url, body, language, raw)
    if status == "consent_wall":
        body, words = "", 0  # the wall's text is never kept as the article
    return Article(
        url=url,
        canonical_url=canonical,
        title=title,
        lead=lead,
        body=body,
        author=nfc(clean_author(meta.author or byline or hints.author)),
        section=nfc(meta.section or hints.section),
        published_at=date.value.when,
        published_source=date.source,
        language=language,
        word_count=words,
        status=status,
        notes=tuple(notes),
    )
