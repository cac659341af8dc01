"""Simulated outlets on real loopback servers, driven by a clock the test moves.

Each outlet publishes stories on a schedule; its RSS 2.0 feed lists the stories published in the
last `lifetime` (items roll out of the feed); its article pages answer by the clock: 404 before
publication, a 301 from the old link after a slug edit, a corrected body after each correction
(an ETag per body, so a conditional GET of an unchanged page gets 304), and outages (connections
reset, or 503 with Retry-After) in given windows. Every page and feed is a real HTTP exchange
over a socket on 127.0.0.x. The outlet remembers which stories its feed actually served, so a
test can tell "announced and lost" from "never seen".
"""

from __future__ import annotations

import random
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from newsmon.config import Config, load_config
from tests.loopback import LoopbackServer, Route

Clock = Callable[[], datetime]

_PLACES = ("Pyongyang", "Moskou", "Vladivostok", "Seoel", "Koersk", "Rason", "Chabarovsk", "Tokio")
_WHAT = ("een militaire delegatie", "een vrachtschip met munitie", "de minister van Buitenlandse Zaken",
         "een handelsmissie", "artilleriegranaten", "een groep ingenieurs", "een spoorverbinding")  # fmt: skip


class SimClock:
    """The injected clock of a simulated schedule: `run_ingest(now=clock)` reads it, the test moves it."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def story_text(n: int, outlet: str, version: int) -> str:
    """Dutch paragraphs for story `n` (distinct per story); each correction adds a sentence."""
    rng = random.Random(f"{outlet}-{n}")
    place, what, other = rng.choice(_PLACES), rng.choice(_WHAT), rng.choice(_PLACES)
    paras = [
        f"Volgens berichten uit {place} heeft Noord-Korea {what} naar Rusland gestuurd. Het is het {n}e bericht "
        f"van deze redactie over de samenwerking tussen beide landen, die sinds het verdrag van vorig jaar groeit.",
        f"Diplomaten in {other} zeggen dat het Kremlin in ruil olie, voedsel en technische kennis levert. Zuid-Korea "
        f"en Japan volgen de ontwikkelingen nauwlettend en overleggen met de Verenigde Staten over sancties.",
        f"Een woordvoerder van het ministerie in {place} wilde niet ingaan op vragen over het aantal betrokken "
        f"militairen. Analisten verwachten dat de contacten de komende maanden verder toenemen.",
    ]
    for v in range(1, version + 1):
        ships = 10 * v + n % 7
        paras.append(f"Correctie {v}: in een eerdere versie van dit artikel stond een onjuist aantal; het gaat om "
                     f"{ships} schepen en niet om {ships + 3} schepen, zoals eerder gemeld.")  # fmt: skip
    return "".join(f"<p>{p}</p>" for p in paras)


@dataclass
class Story:
    outlet: str
    n: int
    published: datetime
    slug: str
    guid: str
    new_slug: str | None = None  # the slug the CMS changes it to, at `slug_edited`
    slug_edited: datetime | None = None
    corrections: tuple[datetime, ...] = ()

    def path(self, slug: str) -> str:
        return f"/{self.outlet}/nieuws/{self.n}/{slug}"

    def current_path(self, now: datetime) -> str:
        edited = self.slug_edited is not None and now >= self.slug_edited
        return self.path(self.new_slug if edited and self.new_slug else self.slug)

    def version(self, now: datetime) -> int:
        return sum(c <= now for c in self.corrections)


@dataclass
class Outage:
    start: datetime
    end: datetime
    kind: str  # reset (connections dropped) | 503 (with Retry-After)
    retry_after_s: int = 3600
    feed_too: bool = True

    def active(self, now: datetime) -> bool:
        return self.start <= now < self.end


@dataclass
class Outlet:
    id: str
    clock: Clock
    pages: LoopbackServer
    feed: LoopbackServer  # the same server as `pages`, or another host (a CDN in front of the feed)
    lifetime: timedelta = timedelta(hours=2)
    guid_style: str = "opaque"  # opaque (isPermaLink=false) | link (the first link) | none
    stories: list[Story] = field(default_factory=list)
    outages: list[Outage] = field(default_factory=list)
    announced: set[int] = field(default_factory=set)  # stories a 200 feed response carried
    served_links: set[str] = field(default_factory=set)  # the links those responses gave them
    feed_path: str = ""

    def __post_init__(self) -> None:
        self.feed_path = f"/{self.id}/rss.xml"
        self.feed.routes[self.feed_path] = self._feed

    def add(self, story: Story) -> None:
        self.stories.append(story)
        for slug in filter(None, (story.slug, story.new_slug)):
            self.pages.routes[story.path(slug)] = lambda req, s=story, sl=slug: self._page(req, s, sl)

    def _outage(self, req: BaseHTTPRequestHandler, feed: bool) -> Route | None:
        now = self.clock()
        for o in self.outages:
            if o.active(now) and (o.feed_too or not feed):
                if o.kind == "reset":  # the connection drops at once (a bare close waits for the handler)
                    req.connection.shutdown(socket.SHUT_RDWR)
                    return Route(reset=True)
                return Route(503, b"onderhoud", {"Retry-After": str(o.retry_after_s)})
        return None

    def _feed(self, req: BaseHTTPRequestHandler) -> Route:
        down = self._outage(req, feed=True)
        if down is not None:
            return down
        now = self.clock()
        live = sorted((s for s in self.stories if s.published <= now < s.published + self.lifetime),
                      key=lambda s: s.published, reverse=True)  # fmt: skip
        items = []
        for s in live:
            link = self.pages.url(s.current_path(now))
            guid = {"opaque": f'<guid isPermaLink="false">{s.guid}</guid>',
                    "link": f"<guid>{self.pages.url(s.path(s.slug))}</guid>", "none": ""}[self.guid_style]  # fmt: skip
            items.append(f"<item><title>Bericht {s.n} van {self.id}</title><link>{link}</link>{guid}"
                         f"<pubDate>{format_datetime(s.published)}</pubDate></item>")  # fmt: skip
        self.announced.update(s.n for s in live)
        self.served_links.update(s.current_path(now) for s in live)
        body = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{self.id}</title>'
                f"<link>{self.pages.base}</link>{''.join(items)}</channel></rss>").encode()  # fmt: skip
        return Route(200, body, {"Content-Type": "application/rss+xml; charset=utf-8"})

    def _page(self, req: BaseHTTPRequestHandler, story: Story, slug: str) -> Route:
        down = self._outage(req, feed=False)
        if down is not None:
            return down
        now = self.clock()
        if now < story.published:
            return Route(404, b"niet gevonden")
        current = story.current_path(now)
        if story.path(slug) != current:
            if slug == story.slug:  # the old link of an edited slug
                return Route(301, b"", {"Location": self.pages.url(current)})
            return Route(404, b"niet gevonden")  # the new slug before the edit
        version = story.version(now)
        title = f"Bericht {story.n} van {self.id}"
        html = (f'<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{title}</title>'
                f'<link rel="canonical" href="{self.pages.url(current)}">'
                f'<meta property="article:published_time" content="{story.published.isoformat()}"></head>'
                f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>"
                f"{story_text(story.n, self.id, version)}</article></body></html>").encode()  # fmt: skip
        return Route(200, html, {"Content-Type": "text/html; charset=utf-8"}, etag=f'"{story.guid}-v{version}"')


def write_config(tmp_path: Path, outlets: list[Outlet], extra_ingest: str = "") -> Config:
    """A configuration polling every outlet's feed from a fresh database under `tmp_path`."""
    cfg = tmp_path / "cfg"
    cfg.mkdir(exist_ok=True)
    hosts = sorted({o.pages.host for o in outlets} | {o.feed.host for o in outlets})
    (cfg / "settings.yaml").write_text(
        f"db_path: {tmp_path / 'db.duckdb'}\ndata_dir: {tmp_path / 'data'}\n"
        "http:\n  user_agent: 'newsmon-test (+mailto:t@example.org)'\n"
        f"  allow_hosts: [{', '.join(repr(h) for h in hosts)}]\n"
        "  per_host_min_delay_s: 0\n  retries: 0\n  read_timeout_s: 5\n  connect_timeout_s: 2\n"
        "ingest:\n  extract_workers: 1\n  min_poll_interval_s: 900\n  max_poll_interval_s: 3600\n"
        + extra_ingest
    )
    feeds = "".join(f"  - {{outlet: {o.id}, name: nieuws, url: '{o.feed.url(o.feed_path)}'}}\n" for o in outlets)
    outlet_rows = "".join(f"  - {{id: {o.id}, name: {o.id.capitalize()}}}\n" for o in outlets)
    (cfg / "feeds.yaml").write_text(f"outlets:\n{outlet_rows}feeds:\n{feeds}")
    return load_config(cfg)
