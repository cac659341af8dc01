#!/usr/bin/env python3
"""Build the static offline demo news site for newsmon.

Reads ``demo/outlets.yaml`` and ``demo/content/<outlet>/NN-slug.md`` and writes
``demo/site/`` (deleted and rewritten each run): article pages with a different
template per outlet, RSS/Atom feeds with real-world quirks, home and section
pages, ``robots.txt`` and ``manifest.json`` (the ground truth for tests, taken
from the content front matter, never from the generated HTML).

The output is deterministic: the same input gives byte-identical files. Every
absolute URL starts with the literal placeholder ``__BASE__``, which the demo
web server replaces with ``http://127.0.0.1:PORT`` at serve time.

Usage (from the repository root)::

    python demo/build.py            # build demo/site/
    python demo/build.py --check    # build, then verify feeds, links and determinism
    python demo/build.py --content /tmp/samples --out /tmp/site --check
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import random
import re
import shutil
import sys
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

DEMO_DIR = Path(__file__).resolve().parent
REPO_DIR = DEMO_DIR.parent
TEMPLATE_DIR = DEMO_DIR / "templates"
CONFIG_FILE = DEMO_DIR / "outlets.yaml"
BASE = "__BASE__"
KINDS = ("article", "paywalled", "index", "liveblog")
LABELS = ("nk_ru_primary", "nk_ru_secondary", "nk_ru_mention", "near_miss", "other")
REQUIRED_KEYS = ("title", "published")
LIVE_RE = re.compile(r"^(?P<label>(?P<h>\d{1,2})[.:](?P<m>\d{2})\s*uur\s*:)\s*(?P<text>.*)$", re.S)
HEADING_RE = re.compile(r"^(?P<marks>#{1,6})\s+(?P<text>.+?)\s*#*$")
LIST_MARK_RE = re.compile(r"^(?:[-*+]|\d+[.)])\s+")
TEASER_SEP_RE = re.compile(r"\s+[\u2014\u2013-]\s+")
MD_LINK_RE = re.compile(r"^\[(?P<text>[^\]]+)\]\((?P<ref>[^)\s]+)\)\s*$")
DUTCH_DAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
DUTCH_MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)
# Absolute URLs that are identifiers, not links (XML namespaces, JSON-LD context).
URL_ALLOWLIST = (
    "http://www.w3.org/2005/Atom",
    "http://www.w3.org/2000/svg",
    "http://purl.org/dc/elements/1.1/",
    "http://purl.org/rss/1.0/modules/content/",
    "http://search.yahoo.com/mrss/",
    "https://schema.org",
)
MAX_PAGE_BYTES = 60_000


class ContentError(ValueError):
    """A content file that cannot be used (it is skipped with a warning)."""


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Block:
    """One body block: a paragraph (``p``), a subheading (``h2``/``h3``) or a list item (``li``)."""

    kind: str
    text: str


@dataclass(frozen=True)
class LiveUpdate:
    """One liveblog update: a paragraph starting with ``HH.MM uur:`` plus the blocks after it."""

    time: datetime
    label: str
    text: str
    raw: str
    extra: tuple[Block, ...]


@dataclass
class Teaser:
    """One line of a dossier (``kind: index``) body, linked to another article of the outlet.

    ``text`` is the whole visible line; ``link_text`` (the part before a `` — `` or `` - ``
    separator) becomes the link and ``rest`` (separator included) follows it as plain text.
    """

    text: str
    ref: str
    heading: bool = False
    target: Article | None = None

    @property
    def link_text(self) -> str:
        """The part of the line that is the link (the title)."""
        return TEASER_SEP_RE.split(self.text, maxsplit=1)[0]

    @property
    def rest(self) -> str:
        """The rest of the line after the title, separator included (may be empty)."""
        return self.text[len(self.link_text) :]


@dataclass(frozen=True)
class Comment:
    """A fictional reader comment shown under an article (never part of the article text)."""

    name: str
    text: str
    time: datetime
    likes: int


@dataclass
class Article:
    """One content file, with everything the templates and the manifest need."""

    outlet: str
    file: str
    stem: str
    slug: str
    title: str
    lead: str
    author: str
    published: datetime
    modified: datetime
    published_raw: str
    section: str
    section_label: str
    kind: str
    render_kind: str
    label: str
    feeds: list[str]
    blocks: list[Block]
    ident: int = 0
    path: str = ""
    lang: str = "nl"
    teasers: list[Teaser] = field(default_factory=list)
    intro: list[Block] = field(default_factory=list)
    updates: list[LiveUpdate] = field(default_factory=list)
    related: list[Article] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)

    @property
    def url(self) -> str:
        """Absolute URL (with the ``__BASE__`` placeholder)."""
        return BASE + self.path

    @property
    def paragraphs(self) -> list[Block]:
        """The paragraph blocks of the body (no subheadings)."""
        return [b for b in self.blocks if b.kind == "p"]

    @property
    def body_text(self) -> str:
        """The whole body as written: blocks joined by a blank line, headings without ``#``."""
        return "\n\n".join(b.text for b in self.blocks)

    @property
    def shown_blocks(self) -> list[Block]:
        """The blocks visible as the article body on the page, in page order."""
        if self.render_kind == "index":
            return [Block("h2" if t.heading else "li", t.text) for t in self.teasers]
        if self.render_kind == "liveblog":
            shown = list(self.intro)
            for update in self.updates:
                shown.append(Block("p", update.raw))
                shown.extend(update.extra)
            return shown
        if self.kind == "paywalled":
            return self.paragraphs[:1]
        return list(self.blocks)

    @property
    def teaser_groups(self) -> list[tuple[str, list[Teaser]]]:
        """Dossier lines grouped under their ``##`` headings (first heading may be ``""``)."""
        groups: list[tuple[str, list[Teaser]]] = []
        for teaser in self.teasers:
            if teaser.heading or not groups:
                groups.append((teaser.text if teaser.heading else "", []))
            if not teaser.heading:
                groups[-1][1].append(teaser)
        return groups

    @property
    def shown_text(self) -> str:
        """Plain text of :attr:`shown_blocks`, joined by a blank line."""
        return "\n\n".join(b.text for b in self.shown_blocks)


@dataclass
class FeedItem:
    """One feed entry; quirk flags are set per outlet by :func:`apply_feed_quirks`."""

    title: str
    link: str
    lead: str
    author: str
    published: datetime
    updated: datetime
    section: str
    guid: str
    article: Article | None
    has_pubdate: bool = True
    pubdate_text: str = ""
    has_guid: bool = True
    enclosure: bool = False


@dataclass
class Feed:
    """One feed file of an outlet (or the HTML page pretending to be one)."""

    outlet: str
    name: str
    title: str
    path: str
    format: str
    items: list[FeedItem] = field(default_factory=list)

    @property
    def url(self) -> str:
        """Absolute URL (with the ``__BASE__`` placeholder)."""
        return BASE + self.path


@dataclass
class Outlet:
    """An outlet's configuration plus its articles (newest first) and feeds."""

    slug: str
    conf: dict[str, Any]
    tz: ZoneInfo
    articles: list[Article] = field(default_factory=list)
    feeds: list[Feed] = field(default_factory=list)

    def path(self, kind: str, **values: object) -> str:
        """Site-relative path from the outlet's URL pattern ``kind``."""
        pattern: str = self.conf["urls"][kind]
        return pattern.format(**values)

    def url(self, kind: str, **values: object) -> str:
        """Absolute URL (with ``__BASE__``) from the outlet's URL pattern ``kind``."""
        return BASE + self.path(kind, **values)

    @property
    def sections(self) -> dict[str, str]:
        """Section slug -> label: configured sections plus any used by an article."""
        result = dict(self.conf["sections"])
        for article in sorted(self.articles, key=lambda a: a.section):
            result.setdefault(article.section, article.section_label)
        return result

    def section_articles(self, section: str) -> list[Article]:
        """Articles of one section, newest first."""
        return [a for a in self.articles if a.section == section]


# ----------------------------------------------------------------------- helpers


def digest(text: str) -> int:
    """A stable integer hash (unlike :func:`hash`, the same in every process)."""
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16)


def slugify(text: str) -> str:
    """Lower-case ASCII slug: accents dropped, other characters become ``-``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def parse_when(value: object, tz: ZoneInfo) -> datetime:
    """A front-matter date (string, date or datetime) as an aware datetime in ``tz``."""
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, date):
        when = datetime(value.year, value.month, value.day)  # noqa: DTZ001 - localised below
    elif isinstance(value, str) and value.strip():
        try:
            when = datetime.fromisoformat(value.strip())
        except ValueError as exc:
            raise ContentError(f"bad date {value!r}") from exc
    else:
        raise ContentError(f"bad date {value!r}")
    if when.tzinfo is None:
        when = when.replace(tzinfo=tz)
    return when.astimezone(tz)


def dutch_date(when: datetime) -> str:
    """``donderdag 25 april 2019, 16:40``."""
    day = DUTCH_DAYS[when.weekday()]
    return f"{day} {when.day} {DUTCH_MONTHS[when.month - 1]} {when.year}, {when:%H:%M}"


def dutch_short_date(when: datetime) -> str:
    """``25 apr. 2019, 16.40 uur``."""
    return f"{when.day} {DUTCH_MONTHS[when.month - 1][:3]}. {when.year}, {when:%H.%M} uur"


def rfc822(when: datetime) -> str:
    """RFC 822 date with the local offset, e.g. ``Thu, 25 Apr 2019 16:40:00 +0200``."""
    return format_datetime(when)


def rfc822_gmt(when: datetime) -> str:
    """RFC 822 date in GMT, e.g. ``Thu, 25 Apr 2019 14:40:00 GMT``."""
    return format_datetime(when.astimezone(UTC), usegmt=True)


def ld_json(data: Any) -> Markup:
    """JSON for a ``<script type="application/ld+json">``: ``None`` dropped, ``<>&`` escaped."""

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if v is not None and v != ""}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    text = json.dumps(clean(data), ensure_ascii=False, indent=2)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def url_to_file(url_path: str) -> str:
    """Site-relative file for a URL path: ``/a/b/`` -> ``a/b/index.html``; query dropped."""
    path = url_path.split("#", 1)[0].split("?", 1)[0].lstrip("/")
    return path + "index.html" if path.endswith("/") or not path else path


# ---------------------------------------------------------------------- parsing


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Split ``---`` YAML front matter from the Markdown-ish body."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ContentError("no front matter (file must start with ---)")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration as exc:
        raise ContentError("front matter is not closed by ---") from exc
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        raise ContentError(f"front matter is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise ContentError("front matter is not a mapping")
    return meta, "\n".join(lines[end + 1 :])


def parse_blocks(body: str) -> list[Block]:
    """Paragraphs (separated by blank lines; wrapped lines joined) and ``#`` subheadings."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n[ \t]*\n", body.strip()):
        paragraph: list[str] = []
        for line in (raw.strip() for raw in chunk.split("\n")):
            heading = HEADING_RE.match(line)
            if heading:
                if paragraph:
                    blocks.append(Block("p", " ".join(paragraph)))
                    paragraph = []
                level = "h2" if len(heading["marks"]) <= 2 else "h3"
                blocks.append(Block(level, heading["text"]))
            elif line:
                paragraph.append(line)
        if paragraph:
            blocks.append(Block("p", " ".join(paragraph)))
    return blocks


def parse_teasers(body: str) -> list[Teaser]:
    """Dossier body: every non-empty line is a teaser (``## x`` lines are group headings)."""
    teasers: list[Teaser] = []
    for line in (raw.strip() for raw in body.strip().split("\n")):
        heading = HEADING_RE.match(line)
        if heading:
            teasers.append(Teaser(heading["text"], "", heading=True))
        elif line:
            item = LIST_MARK_RE.sub("", line)
            link = MD_LINK_RE.match(item)
            text, ref = (link["text"], link["ref"]) if link else (item, "")
            teasers.append(Teaser(text.strip(), ref.strip()))
    return teasers


def index_blocks(teasers: list[Teaser]) -> list[Block]:
    """The body of a dossier as blocks: one per line."""
    return [Block("h2" if t.heading else "li", t.text) for t in teasers]


def parse_live(blocks: list[Block], day: datetime) -> tuple[list[Block], list[LiveUpdate]]:
    """Split liveblog blocks into intro blocks and updates (newest first)."""
    intro: list[Block] = []
    updates: list[LiveUpdate] = []
    for block in blocks:
        match = LIVE_RE.match(block.text) if block.kind == "p" else None
        if match:
            when = day.replace(hour=int(match["h"]) % 24, minute=int(match["m"]) % 60, second=0)
            if updates and updates[-1].time - when > timedelta(hours=12):  # ran past midnight
                when += timedelta(days=1)
            updates.append(LiveUpdate(when, match["label"], match["text"], block.text, ()))
        elif updates:
            last = updates[-1]
            updates[-1] = LiveUpdate(last.time, last.label, last.text, last.raw, (*last.extra, block))
        else:
            intro.append(block)
    updates.sort(key=lambda u: u.time, reverse=True)
    return intro, updates


# ---------------------------------------------------------------------- loading


def text_field(meta: dict[str, Any], key: str) -> str:
    """A front-matter value as a stripped string (``None`` -> ``""``)."""
    value = meta.get(key)
    return "" if value is None else str(value).strip()


def check_choice(value: str, choices: tuple[str, ...], what: str, where: str, default: str) -> str:
    """``value`` if it is one of ``choices``, else ``default`` with a warning."""
    if value in choices:
        return value
    warn(f"{where}: unknown {what} {value!r}, using {default!r}")
    return default


def load_article(path: Path, outlet: Outlet) -> Article:
    """Parse one content file into an :class:`Article` (no URL or links yet)."""
    meta, body = split_front_matter(path.read_text(encoding="utf-8"))
    where = f"{outlet.slug}/{path.name}"
    missing = [k for k in REQUIRED_KEYS if not text_field(meta, k)]
    if missing:
        raise ContentError(f"missing {', '.join(missing)}")
    kind = check_choice(text_field(meta, "kind") or "article", KINDS, "kind", where, "article")
    render_kind = kind if kind in outlet.conf["kinds"] else "article"
    if render_kind != kind:
        warn(f"{where}: kind {kind!r} is not supported by {outlet.slug}, rendered as an article")
    published = parse_when(meta["published"], outlet.tz)
    section = slugify(text_field(meta, "section") or "nieuws")
    stem = path.stem
    slug_match = re.match(r"^\d+[-_](.+)$", stem)
    article = Article(
        outlet=outlet.slug, file=rel_file(path), stem=stem,
        slug=slugify(slug_match[1] if slug_match else stem),
        title=text_field(meta, "title"), lead=text_field(meta, "lead"),
        author=text_field(meta, "author"), published=published,
        modified=parse_when(meta["modified"], outlet.tz) if meta.get("modified") else published,
        published_raw=text_field(meta, "published"), section=section,
        section_label=outlet.conf["sections"].get(section, section.replace("-", " ").capitalize()),
        kind=kind, render_kind=render_kind,
        label=check_choice(text_field(meta, "label") or "other", LABELS, "label", where, "other"),
        feeds=valid_feeds(meta.get("feeds"), outlet, where), blocks=[],
    )
    fill_body(article, body, outlet)
    return article


def rel_file(path: Path) -> str:
    """A content path relative to the repository root when possible (POSIX style)."""
    try:
        return path.resolve().relative_to(REPO_DIR).as_posix()
    except ValueError:
        return path.as_posix()


def valid_feeds(value: object, outlet: Outlet, where: str) -> list[str]:
    """The feed names of an article that exist for its outlet (unknown ones dropped, warned)."""
    if value is None:
        return []
    names = [str(v).strip() for v in (value if isinstance(value, list) else [value])]
    for name in names:
        if name not in outlet.conf["feeds"]:
            warn(f"{where}: feed {name!r} does not exist for {outlet.slug}, ignored")
    return sorted({n for n in names if n in outlet.conf["feeds"]}, key=list(outlet.conf["feeds"]).index)


def fill_body(article: Article, body: str, outlet: Outlet) -> None:
    """Parse the body according to how the article is rendered."""
    lang_map = outlet.conf.get("section_languages", {})
    article.lang = lang_map.get(article.section, outlet.conf["language"])
    if article.render_kind == "index":
        article.teasers = parse_teasers(body)
        article.blocks = index_blocks(article.teasers)
        return
    article.blocks = parse_blocks(body)
    if article.render_kind == "liveblog":
        article.intro, article.updates = parse_live(article.blocks, article.published)
        if article.updates:
            article.modified = max(article.modified, article.updates[0].time)


def load_outlet(slug: str, conf: dict[str, Any], content_dir: Path, skipped: list[dict[str, str]]) -> Outlet:
    """Load all content files of one outlet, assign ids and URLs, newest first."""
    outlet = Outlet(slug, conf, ZoneInfo(conf["timezone"]))
    for path in sorted((content_dir / slug).glob("*.md")):
        try:
            outlet.articles.append(load_article(path, outlet))
        except (ContentError, OSError, UnicodeDecodeError) as exc:
            warn(f"skipped {slug}/{path.name}: {exc}")
            skipped.append({"outlet": slug, "file": rel_file(path), "reason": str(exc)})
    assign_urls(outlet)
    outlet.articles.sort(key=lambda a: (a.published, a.stem), reverse=True)
    return outlet


def assign_urls(outlet: Outlet) -> None:
    """Give every article a unique stable id and a unique path (in file-name order)."""
    digits = int(outlet.conf["id_digits"])
    low = 10 ** (digits - 1)
    used_ids: set[int] = set()
    used_paths: set[str] = set()
    for article in outlet.articles:
        ident = low + digest(f"{outlet.slug}/{article.stem}.md") % (9 * low)
        while ident in used_ids:
            ident = low + (ident - low + 1) % (9 * low)
        used_ids.add(ident)
        article.ident = ident
        article.path = article_path(outlet, article)
        if article.path in used_paths:
            warn(f"{article.file}: URL clash on slug {article.slug!r}, adding the file number")
            article.slug = f"{article.slug}-{slugify(article.stem)}"
            article.path = article_path(outlet, article)
        used_paths.add(article.path)


def article_path(outlet: Outlet, article: Article) -> str:
    """The site-relative path of an article from the outlet's URL pattern for its kind."""
    kind = article.render_kind if article.render_kind in outlet.conf["urls"] else "article"
    when = article.published
    return outlet.path(
        kind, slug=article.slug, id=article.ident, section=article.section,
        yyyy=f"{when.year:04d}", mm=f"{when.month:02d}", dd=f"{when.day:02d}",
    )


def warn(message: str) -> None:
    """Print a warning to stderr (the build goes on)."""
    print(f"build.py: warning: {message}", file=sys.stderr)


# ---------------------------------------------------------------------- linking


def link_outlet(outlet: Outlet) -> None:
    """Related links, reader comments and dossier teaser targets for every article."""
    for article in outlet.articles:
        article.related = pick_related(article, outlet.articles)
        article.comments = pick_comments(article, outlet.conf.get("comments"))
        if article.render_kind == "index":
            resolve_teasers(article, outlet.articles)


def pick_related(article: Article, pool: list[Article], low: int = 4, high: int = 6) -> list[Article]:
    """4-6 other articles of the same outlet, a stable pseudo-random choice."""
    others = [a for a in pool if a is not article and a.render_kind != "index"]
    others.sort(key=lambda other: digest(f"{article.stem}|{other.stem}"))
    count = low + digest(article.stem) % (high - low + 1)
    return others[:count]


def pick_comments(article: Article, conf: dict[str, Any] | None) -> list[Comment]:
    """A stable pseudo-random choice of reader comments from the outlet's pool."""
    if not conf:
        return []
    rng = random.Random(digest(f"comments|{article.outlet}|{article.stem}"))
    low, high = conf["count"]
    chosen = rng.sample(conf["pool"], min(len(conf["pool"]), rng.randint(low, high)))
    comments: list[Comment] = []
    when = article.published
    for entry in chosen:
        when += timedelta(minutes=rng.randint(4, 95))
        comments.append(Comment(entry["name"], entry["text"], when, rng.randint(0, 48)))
    return comments


def resolve_teasers(article: Article, pool: list[Article]) -> None:
    """Link each dossier line to the article it names (reference, title or closest title).

    Lines that match nothing link to the next other article not linked yet.
    """
    others = [a for a in pool if a is not article and a.render_kind != "index"]
    by_ref = {key: a for a in others for key in (a.stem, a.slug, a.stem + ".md", a.title.casefold())}
    used: set[str] = set()
    for teaser in (t for t in article.teasers if not t.heading):
        spare = [a for a in others if a.stem not in used] or others
        teaser.target = (
            by_ref.get(teaser.ref)
            or by_ref.get(teaser.link_text.casefold())
            or closest_title(teaser.link_text, spare)
        )
        if teaser.target is None and spare:
            teaser.target = spare[0]
            warn(f"{article.file}: no article titled {teaser.link_text!r}, linked to {spare[0].file}")
        if teaser.target is not None:
            used.add(teaser.target.stem)


def closest_title(text: str, candidates: list[Article], cutoff: float = 0.6) -> Article | None:
    """The candidate whose title is most similar to ``text`` (difflib ratio >= cutoff)."""
    titles = {a.title.casefold(): a for a in candidates}
    best = difflib.get_close_matches(text.casefold(), list(titles), n=1, cutoff=cutoff)
    return titles[best[0]] if best else None


# ------------------------------------------------------------------------ feeds


def build_feeds(outlet: Outlet) -> None:
    """Create the outlet's feeds (newest first), extra items and quirks."""
    for name, title in outlet.conf["feeds"].items():
        feed = Feed(outlet.slug, name, title, outlet.path("feed", feed=name), outlet.conf["feed_format"])
        guid = outlet.conf["feed_guid"]
        feed.items = [feed_item(a, guid) for a in outlet.articles if name in a.feeds]
        outlet.feeds.append(feed)
    add_intern_item(outlet)
    add_tracking_link(outlet)
    for feed in outlet.feeds:
        feed.items.sort(key=lambda i: (i.published, i.link), reverse=True)
        apply_feed_quirks(feed, outlet.conf.get("feed_quirks"))
    if "gone_feed" in outlet.conf["urls"]:
        outlet.feeds.append(Feed(outlet.slug, "oud", "Deze feed bestaat niet meer", outlet.path("gone_feed"), "html"))


def feed_item(article: Article, guid_pattern: str) -> FeedItem:
    """A feed entry for one article; its guid/id comes from the outlet's ``feed_guid`` pattern."""
    guid = guid_pattern.format(id=article.ident, url=article.url, yyyy=article.published.year)
    return FeedItem(
        title=article.title, link=article.url, lead=article.lead, author=article.author,
        published=article.published, updated=article.modified, section=article.section_label,
        guid=guid, article=article,
    )


def add_intern_item(outlet: Outlet) -> None:
    """Add the configured item that points at a robots.txt-disallowed page."""
    conf = outlet.conf.get("intern_item")
    if not conf:
        return
    when = parse_when(conf["published"], outlet.tz)
    item = FeedItem(
        title=conf["title"], link=outlet.url("intern"), lead=conf["summary"], author=conf["author"],
        published=when, updated=when, section="Intern", guid=conf["id"], article=None,
    )
    for feed in outlet.feeds:
        if feed.name == conf["feed"]:
            feed.items.append(item)


def add_tracking_link(outlet: Outlet) -> None:
    """Give the newest article that is in both configured feeds a tracking link in one of them."""
    conf = outlet.conf.get("tracking_link")
    if not conf:
        return
    for article in outlet.articles:
        if conf["feed"] in article.feeds and conf["also_in"] in article.feeds:
            for feed in outlet.feeds:
                for item in feed.items:
                    if feed.name == conf["feed"] and item.article is article:
                        item.link = f"{article.url}?{conf['query']}"
            return
    warn(f"{outlet.slug}: no article in both {conf['feed']!r} and {conf['also_in']!r}, no tracking link")


def apply_feed_quirks(feed: Feed, quirks: dict[str, int] | None) -> None:
    """Drop pubDates/guids, add an odd date format and enclosures, by item position."""
    if not quirks:
        return
    for position, item in enumerate(feed.items):
        item.has_pubdate = (position + 1) % quirks["no_pubdate_every"] != 0
        item.has_guid = (position + 1) % quirks["no_guid_every"] != 0
        item.enclosure = position % quirks["enclosure_every"] == 0
        if position == quirks["odd_pubdate_item"] and item.has_pubdate:
            item.pubdate_text = f"{item.published:%d-%m-%Y %H:%M}"


# -------------------------------------------------------------------- rendering


def make_env() -> Environment:
    """The Jinja environment: autoescaping for HTML/XML, strict undefined, date filters."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html", "xml", "rss", "atom", "svg"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        iso=lambda d: d.isoformat(), rfc822=rfc822, rfc822_gmt=rfc822_gmt, dutch_date=dutch_date,
        dutch_short=dutch_short_date, hhmm=lambda d: f"{d:%H.%M}", ld_json=ld_json,
        be_time=lambda d: f"{d:%H}u{d:%M}",
    )
    env.globals["BASE"] = BASE
    return env


class SiteFiles:
    """The generated site in memory: site-relative file path -> bytes."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def add(self, url_path: str, data: str | bytes) -> None:
        """Add a file for a URL path; a second file for the same path is an error."""
        name = url_to_file(url_path)
        if name in self.files:
            raise RuntimeError(f"two files for {url_path}")
        self.files[name] = data.encode("utf-8") if isinstance(data, str) else data


def outlet_context(outlet: Outlet, config: dict[str, Any]) -> dict[str, Any]:
    """Template variables shared by every page of an outlet."""
    conf = outlet.conf
    return {
        "outlet": outlet,
        "conf": conf,
        "site": config["site"],
        "home_url": outlet.url("home"),
        "static": BASE + conf["urls"]["static"],
        "nav": [(label, outlet.url("section", section=key), key) for key, label in conf["sections"].items()],
        "pages": {key: (title, outlet.url("page", page=key)) for key, title in conf["pages"].items()},
        "feed_links": [(f.title, f.url) for f in outlet.feeds if f.format != "html"],
        "latest": outlet.articles[:6],
        "most_read": sorted(outlet.articles, key=lambda a: digest(f"popular|{a.stem}"))[:5],
        "lang": conf["language"],
    }


def render_outlet(env: Environment, outlet: Outlet, config: dict[str, Any], site: SiteFiles) -> None:
    """Render every page, feed and asset of one outlet."""
    ctx = outlet_context(outlet, config)
    templates = {"article": "article.html", "paywalled": "article.html"}
    templates.update(index="dossier.html", liveblog="liveblog.html")
    for name in ("logo.svg", "beeld.svg"):
        site.add(conf_static(outlet, name), env.get_template(f"_shared/{name}").render(ctx))
    site.add(conf_static(outlet, "site.css"), env.get_template(f"{outlet.slug}/site.css").render(ctx))
    for article in outlet.articles:
        template = env.get_template(f"{outlet.slug}/{templates[article.render_kind]}")
        site.add(article.path, template.render(ctx, article=article, canonical=article.url))
    site.add(outlet.path("home"), render_listing(env, ctx, outlet, "", outlet.articles))
    for key in outlet.sections:
        page_path = outlet.path("section", section=key)
        site.add(page_path, render_listing(env, ctx, outlet, key, outlet.section_articles(key)))
    for key, title in outlet.conf["pages"].items():
        page_url = outlet.url("page", page=key)
        html_text = env.get_template(f"{outlet.slug}/page.html").render(
            ctx, page_key=key, page_title=title, canonical=page_url)
        site.add(outlet.path("page", page=key), html_text)
    render_feeds(env, ctx, outlet, site)
    render_extras(env, ctx, outlet, site)


def conf_static(outlet: Outlet, name: str) -> str:
    """Site-relative path of a static asset of an outlet."""
    return str(outlet.conf["urls"]["static"]) + name


def render_listing(
    env: Environment, ctx: dict[str, Any], outlet: Outlet, key: str, articles: list[Article]
) -> str:
    """Home page (``key == ""``) or section page listing articles newest first."""
    label = outlet.sections.get(key, "") if key else ""
    canonical = outlet.url("section", section=key) if key else outlet.url("home")
    return env.get_template(f"{outlet.slug}/home.html").render(
        ctx, listing=articles, section_label=label, active_section=key, canonical=canonical)


def render_feeds(env: Environment, ctx: dict[str, Any], outlet: Outlet, site: SiteFiles) -> None:
    """Write the outlet's feeds (in the configured encoding) and the fake HTML feed."""
    conf = outlet.conf
    declared = conf.get("feed_declared_encoding", "UTF-8")
    encoding = conf.get("feed_encoding", "utf-8")
    image = conf_static(outlet, "beeld.svg")
    image_length = len(site.files[url_to_file(image)])
    for feed in outlet.feeds:
        if feed.format == "html":
            site.add(feed.path, env.get_template(f"{outlet.slug}/gone.html").render(ctx, canonical=feed.url))
            continue
        updated = max((i.updated for i in feed.items), default=parse_when(ctx["site"]["fallback_date"], outlet.tz))
        text = env.get_template(conf["feed_template"]).render(
            ctx, feed=feed, feed_updated=updated, xml_encoding=declared,
            image_url=BASE + image, image_length=image_length)
        site.add(feed.path, text.encode(encoding, errors="xmlcharrefreplace"))


def render_extras(env: Environment, ctx: dict[str, Any], outlet: Outlet, site: SiteFiles) -> None:
    """Outlet-specific extra pages (the westbode page that robots.txt disallows)."""
    if "intern" in outlet.conf["urls"]:
        page = env.get_template(f"{outlet.slug}/intern.html").render(ctx, canonical=outlet.url("intern"))
        site.add(outlet.path("intern"), page)


def render_root(env: Environment, outlets: list[Outlet], config: dict[str, Any], site: SiteFiles) -> None:
    """Site root index and robots.txt."""
    ctx = {"site": config["site"], "outlets": outlets, "canonical": BASE + "/"}
    site.add("/", env.get_template("site/index.html").render(ctx))
    site.add("/robots.txt", env.get_template("site/robots.txt").render(ctx))


# --------------------------------------------------------------------- manifest


def article_record(article: Article, outlet: Outlet) -> dict[str, Any]:
    """The manifest entry of one article (from the front matter, not from the HTML)."""
    feed_links = {f.url: i.link for f in outlet.feeds for i in f.items if i.article is article}
    return {
        "outlet": article.outlet, "file": article.file, "url": article.url,
        "canonical_url": article.url, "title": article.title, "lead": article.lead,
        "author": article.author, "published": article.published.isoformat(),
        "published_raw": article.published_raw, "modified": article.modified.isoformat(),
        "section": article.section, "kind": article.kind, "render_kind": article.render_kind,
        "label": article.label, "lang": article.lang, "id": article.ident,
        "feeds": list(feed_links), "feed_links": feed_links,
        "body_paragraphs": sum(1 for b in article.blocks if b.kind in ("p", "li")),
        "body_text": article.body_text, "shown_text": article.shown_text,
    }


def feed_record(feed: Feed) -> dict[str, Any]:
    """The manifest entry of one feed, with what each item really carries."""
    entries = [
        {
            "title": i.title, "link": i.link,
            "article_url": i.article.url if i.article else None,
            "published": i.published.isoformat(),
            "pubdate": (i.pubdate_text or "standard") if i.has_pubdate else None,
            "guid": i.guid if i.has_guid else None, "enclosure": i.enclosure,
        }
        for i in feed.items
    ]
    return {
        "outlet": feed.outlet, "name": feed.name, "url": feed.url, "format": feed.format,
        "items": len(feed.items), "title": feed.title, "entries": entries,
    }


def manifest(outlets: list[Outlet], config: dict[str, Any], skipped: list[dict[str, str]]) -> str:
    """manifest.json: articles, feeds and robots.txt-disallowed URLs."""
    articles = sorted(
        (article_record(a, o) for o in outlets for a in o.articles), key=lambda r: (r["outlet"], r["file"]))
    prefixes = config["site"]["robots_disallow"]
    data = {
        "base_placeholder": BASE,
        "articles": articles,
        "feeds": [feed_record(f) for o in outlets for f in o.feeds],
        "robots_disallow_prefixes": prefixes,
        "robots_disallowed": [],
        "skipped_files": skipped,
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def fill_disallowed(manifest_text: str, site: SiteFiles, prefixes: list[str]) -> str:
    """Put the URLs of generated files under a disallowed prefix into the manifest."""
    data = json.loads(manifest_text)
    disallowed = sorted(
        BASE + "/" + name for name in site.files if any(("/" + name).startswith(p) for p in prefixes))
    data["robots_disallowed"] = disallowed
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# ------------------------------------------------------------------------ build


def build(content_dir: Path) -> tuple[SiteFiles, list[Outlet], list[dict[str, str]]]:
    """Render the whole site into memory."""
    config = yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8"))
    skipped: list[dict[str, str]] = []
    outlets = [load_outlet(slug, conf, content_dir, skipped) for slug, conf in config["outlets"].items()]
    env = make_env()
    site = SiteFiles()
    for outlet in outlets:
        link_outlet(outlet)
        build_feeds(outlet)
        render_outlet(env, outlet, config, site)
    render_root(env, outlets, config, site)
    text = manifest(outlets, config, skipped)
    site.add("/manifest.json", fill_disallowed(text, site, config["site"]["robots_disallow"]))
    return site, outlets, skipped


def write_site(site: SiteFiles, out_dir: Path) -> None:
    """Delete ``out_dir`` and write every file (sorted, for tidy logs)."""
    if out_dir.exists():
        shutil.rmtree(out_dir)
    for name in sorted(site.files):
        target = out_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(site.files[name])


# ------------------------------------------------------------------------ check


def check_feeds(site: SiteFiles, outlets: list[Outlet]) -> list[str]:
    """Every XML feed must be well-formed (cp1252-encoded ones after decoding as cp1252)."""
    errors: list[str] = []
    for outlet in outlets:
        encoding = outlet.conf.get("feed_encoding", "utf-8")
        for feed in outlet.feeds:
            data = site.files[url_to_file(feed.path)]
            if feed.format == "html":
                continue
            try:
                ET.fromstring(data.decode(encoding))
                ET.fromstring(data)
            except (ET.ParseError, UnicodeDecodeError) as exc:
                errors.append(f"{feed.path}: not well-formed: {exc}")
    return errors


def check_links(site: SiteFiles) -> tuple[list[str], list[str]]:
    """(errors, warnings): broken ``__BASE__`` links (errors in feeds), foreign absolute URLs."""
    errors: list[str] = []
    warnings: list[str] = []
    for name, data in sorted(site.files.items()):
        text = data.decode("cp1252" if "/rss/" in name and name.startswith("scheldepost") else "utf-8")
        for match in sorted(set(re.findall(r"__BASE__(/[^\s\"'<>\])]*)", text))):
            target = url_to_file(match.replace("&amp;", "&"))
            if target not in site.files:
                is_feed = name.endswith((".xml", ".rss", ".atom"))
                (errors if is_feed else warnings).append(f"{name}: link to missing {match}")
        for url in sorted(set(re.findall(r"(?:https?:)?//[\w.-]+\.\w+[^\s\"'<>]*", text))):
            if not url.startswith(URL_ALLOWLIST) and "__BASE__" not in url:
                errors.append(f"{name}: absolute URL without __BASE__: {url}")
    return errors, warnings


def check_site(site: SiteFiles, outlets: list[Outlet], content_dir: Path, out_dir: Path) -> int:
    """Verify the built site; print a report; return the number of errors."""
    errors = check_feeds(site, outlets)
    link_errors, warnings = check_links(site)
    errors += link_errors
    for outlet in outlets:
        for article in outlet.articles:
            if url_to_file(article.path) not in site.files:
                errors.append(f"{article.file}: no page")
    sources = len(list(content_dir.glob("*/*.md")))
    pages = sum(len(o.articles) for o in outlets)
    if pages != sources:
        warnings.append(f"{sources} content files but {pages} article pages (see skipped_files)")
    for name, data in site.files.items():
        if name.endswith(".html") and len(data) > MAX_PAGE_BYTES:
            warnings.append(f"{name}: {len(data)} bytes")
    again, _, _ = build(content_dir)
    if again.files != site.files:
        errors.append("build is not deterministic")
    on_disk = {p.relative_to(out_dir).as_posix(): p.read_bytes() for p in out_dir.rglob("*") if p.is_file()}
    if on_disk != site.files:
        errors.append("files on disk differ from the build")
    for line in warnings:
        print(f"check: warning: {line}")
    for line in errors:
        print(f"check: ERROR: {line}")
    return len(errors)


def summary(site: SiteFiles, outlets: list[Outlet], out_dir: Path) -> str:
    """One line per outlet plus totals."""
    lines = []
    for outlet in outlets:
        feeds = ", ".join(f"{f.name}={len(f.items)}" for f in outlet.feeds if f.format != "html")
        lines.append(f"  {outlet.slug:12} {len(outlet.articles):3} articles   feeds: {feeds}")
    digest_all = hashlib.sha256(b"".join(k.encode() + v for k, v in sorted(site.files.items()))).hexdigest()
    lines.append(f"  {len(site.files)} files in {out_dir}, sha256 {digest_all[:16]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--content", type=Path, default=DEMO_DIR / "content", help="content directory")
    parser.add_argument("--out", type=Path, default=DEMO_DIR / "site", help="output directory (deleted first)")
    parser.add_argument("--check", action="store_true", help="verify feeds, links and determinism")
    args = parser.parse_args(argv)
    site, outlets, _ = build(args.content)
    write_site(site, args.out)
    print(f"build.py: wrote demo site\n{summary(site, outlets, args.out)}")
    if args.check:
        failures = check_site(site, outlets, args.content, args.out)
        print("check: OK" if not failures else f"check: {failures} error(s)")
        return 1 if failures else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
