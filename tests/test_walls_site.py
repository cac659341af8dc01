"""A loopback test site with a consent redirect to another host, a login wall and pages whose only
date is RDFa, a visible Dutch date, or a visible day with the time in the feed: one ingest run
into a real DuckDB file, then the consent clearing and the page arriving on a later run."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from newsmon.config import Config, load_config
from newsmon.pipeline import run_ingest
from newsmon.store import Store
from newsmon.urls import article_id, canonical_url
from tests.loopback import LoopbackServer, Route

PROSE = (
    "<p>De gemeenteraad heeft dinsdagavond na een lang debat ingestemd met het plan om de haven uit te breiden. "
    "Volgens de wethouder levert de uitbreiding de komende tien jaar honderden banen op in de regio.</p>"
    "<p>Omwonenden maken zich zorgen over het extra vrachtverkeer en de geluidsoverlast in de nacht. Een "
    "bewonersgroep kondigt aan bezwaar te maken zodra de vergunning wordt aangevraagd.</p>"
    "<p>De oppositie vindt dat de raad te snel heeft besloten en wil eerst een nieuw onderzoek naar de gevolgen "
    "voor de natuur in het nabijgelegen duingebied. Dat onderzoek zou een half jaar gaan duren.</p>"
)


def article(title: str, date_markup: str = "", head: str = "") -> bytes:
    return (
        f'<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="og:type" content="article">{head}</head><body>'
        f'<nav><a href="/">Home</a> <a href="/binnenland">Binnenland</a></nav>'
        f"<article><h1>{title}</h1>{date_markup}{PROSE}</article><footer>Colofon</footer></body></html>"
    ).encode()


CONSENT_PAGE = (
    b'<!DOCTYPE html><html lang="nl"><head><title>Jouw privacy</title>'
    b"<script>window.__tcfapi = window.__tcfapi || function () {};</script></head><body>"
    b'<div class="privacy-gate"><h1>Wij vragen je toestemming</h1><p>Wij en onze partners gebruiken cookies '
    b"om advertenties op maat te tonen. Ga je akkoord?</p>"
    b'<form method="post" action="/consent"><button name="akkoord">Akkoord</button></form></div></body></html>'
)
LOGIN_PAGE = (
    b'<!DOCTYPE html><html lang="nl"><head><title>Inloggen</title></head><body>'
    b"<h1>Log in om verder te lezen</h1><p>Dit artikel is alleen te lezen met een account.</p>"
    b'<form action="/login" method="post"><input type="email" name="email">'
    b'<input type="password" name="wachtwoord"><button>Inloggen</button></form></body></html>'
)

PATHS = {
    "consent": "/nieuws/2024/06/19/haven-krijgt-groen-licht",
    "login": "/nieuws/inlogmuur-begroting",
    "rdfa": "/nieuws/raad-stemt-in-met-haven",
    "visible": "/nieuws/brug-gaat-weer-open",
    "feedtime": "/nieuws/nieuwe-school-geopend",
}


def rss(base: str) -> bytes:
    dates = {"feedtime": "Tue, 01 Mar 2016 17:04:00 +0100"}  # the page shows only the day
    items = "".join(
        f"<item><title>Stuk {key}</title><link>{base}{path}</link>"
        + (f"<pubDate>{dates[key]}</pubDate>" if key in dates else "")
        + "</item>"
        for key, path in PATHS.items()
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


@pytest.fixture
def consent_host() -> Iterator[LoopbackServer]:
    srv = LoopbackServer("127.0.0.2").start()  # another host: all of 127/8 is loopback
    srv.routes["/privacy-gate"] = Route(200, CONSENT_PAGE, {"Content-Type": "text/html; charset=utf-8"})
    yield srv
    srv.stop()


def make_config(tmp_path: Path, server: LoopbackServer, extra_http: str = "") -> Config:
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "settings.yaml").write_text(
        f"db_path: {tmp_path / 'db.duckdb'}\ndata_dir: {tmp_path / 'data'}\n"
        "http:\n  user_agent: 'newsmon-test (+mailto:t@example.org)'\n  allow_hosts: ['127.0.0.1', '127.0.0.2']\n"
        "  per_host_min_delay_s: 0\n  retries: 0\n  read_timeout_s: 2\n" + extra_http +
        "ingest:\n  batch_size: 10\n  extract_workers: 1\n"
    )
    (cfg / "feeds.yaml").write_text(
        "outlets:\n  - {id: t, name: Testkrant}\n"
        f"feeds:\n  - {{outlet: t, name: nieuws, url: '{server.url('/nieuws.xml')}'}}\n"
    )
    return load_config(cfg)


def html(body: bytes) -> Route:
    return Route(200, body, {"Content-Type": "text/html; charset=utf-8"})


def q(config: Config, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with Store.open(config.settings.db_path) as store:
        return store.con.execute(sql, list(params)).fetchall()


def aid(server: LoopbackServer, key: str) -> str:
    return article_id(canonical_url(server.url(PATHS[key])))


def test_walls_dates_and_a_consent_that_clears(
    tmp_path: Path, server: LoopbackServer, consent_host: LoopbackServer
) -> None:
    config = make_config(tmp_path, server)
    server.routes["/nieuws.xml"] = Route(200, rss(server.base), {"Content-Type": "application/rss+xml"})
    server.routes[PATHS["consent"]] = Route(302, b"", {"Location": consent_host.url("/privacy-gate")})
    server.routes[PATHS["login"]] = html(LOGIN_PAGE)
    server.routes[PATHS["rdfa"]] = html(article(
        "Raad stemt in met haven",
        '<div class="meta"><span property="dc:date dc:created" content="2024-06-18T16:42:00+02:00"></span></div>',
    ))  # fmt: skip
    server.routes[PATHS["visible"]] = html(article(
        "Brug gaat weer open", '<div class="artikel-datum">za 5 mrt 2016, 17:04</div>'
    ))  # fmt: skip
    server.routes[PATHS["feedtime"]] = html(article(
        "Nieuwe school geopend", '<span class="datum">01 MRT 2016</span>'
    ))  # fmt: skip

    with Store.open(config.settings.db_path) as store:
        first = run_ingest(config, store)
    assert first["consent_walls"] == 2 and first["new_articles"] == 3

    walls = dict(q(config, "SELECT article_id, final_url FROM consent_walls"))
    assert walls == {aid(server, "consent"): consent_host.url("/privacy-gate"),
                     aid(server, "login"): server.url(PATHS["login"])}  # fmt: skip
    stored = {r[0]: r[1:] for r in q(config, "SELECT id, status, published_at, published_source FROM articles")}
    assert aid(server, "consent") not in stored and aid(server, "login") not in stored  # never stored as a body
    assert stored[aid(server, "rdfa")] == ("ok", datetime(2024, 6, 18, 14, 42, tzinfo=UTC), "rdfa")
    assert stored[aid(server, "visible")] == ("ok", datetime(2016, 3, 5, 16, 4, tzinfo=UTC), "visible")
    # the page shows only the day; the feed's time on that day is used
    assert stored[aid(server, "feedtime")] == ("ok", datetime(2016, 3, 1, 16, 4, tzinfo=UTC), "feed")
    health = q(config, "SELECT consent_walls, last_wall_url FROM v_feed_health WHERE feed_id = 't/nieuws'")
    assert health[0][0] == 2 and health[0][1] in set(walls.values())

    # the outlet lifts the wall; a run right away leaves the page alone (backoff), a run after an hour fetches it
    server.routes[PATHS["consent"]] = html(article("Haven krijgt groen licht"))
    hits_before = sum(path == PATHS["consent"] for path, _ in server.hits)
    with Store.open(config.settings.db_path) as store:
        second = run_ingest(config, store)
    assert second["new_articles"] == 0
    assert sum(path == PATHS["consent"] for path, _ in server.hits) == hits_before
    with Store.open(config.settings.db_path) as store:
        third = run_ingest(config, store, now=datetime.now(UTC) + timedelta(hours=1, minutes=1))
    assert third["new_articles"] == 1 and third["consent_walls"] == 1  # the login wall is still there
    assert q(config, "SELECT status FROM articles WHERE id = ?", aid(server, "consent")) == [("ok",)]
    assert [r[0] for r in q(config, "SELECT article_id FROM consent_walls")] == [aid(server, "login")]
    assert q(config, "SELECT attempts FROM consent_walls") == [(2,)]
    with Store.open(config.settings.db_path) as store:
        assert all(not rows for rows in store.run_checks().values())


def test_site_headers_and_cookies_go_to_their_host_only(
    tmp_path: Path, server: LoopbackServer, consent_host: LoopbackServer
) -> None:
    sites = "  sites:\n    127.0.0.1:\n      headers: {X-Toegang: proef}\n      cookies: {toestemming: ja}\n"
    config = make_config(tmp_path, server, sites)
    server.routes["/nieuws.xml"] = Route(200, rss(server.base), {"Content-Type": "application/rss+xml"})
    server.routes[PATHS["consent"]] = Route(302, b"", {"Location": consent_host.url("/privacy-gate")})
    with Store.open(config.settings.db_path) as store:
        run_ingest(config, store)
    sent = dict(server.hits)[PATHS["consent"]]
    assert sent.get("X-Toegang") == "proef" and sent.get("Cookie") == "toestemming=ja"
    to_consent = dict(consent_host.hits)["/privacy-gate"]
    assert "X-Toegang" not in to_consent and "Cookie" not in to_consent


def test_site_access_with_a_bad_header_is_refused(tmp_path: Path, server: LoopbackServer) -> None:
    from newsmon.config import ConfigError

    with pytest.raises(ConfigError, match=r"settings\.yaml:\d+: http\.sites\.a\.nl\.headers"):
        make_config(tmp_path, server, "  sites:\n    a.nl:\n      headers: {'X Bad': 'ja'}\n")


def test_empty_and_live_pages_are_fetched_again_with_backoff(tmp_path: Path, server: LoopbackServer) -> None:
    config = make_config(tmp_path, server)
    live, short = "/live/verkiezingsavond", "/nieuws/korte-melding"
    feed = "".join(f"<item><title>t</title><link>{server.url(p)}</link></item>" for p in (live, short))
    server.routes["/nieuws.xml"] = Route(
        200, f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{feed}</channel></rss>'.encode()
    )
    server.routes[live] = html(article("Verkiezingsavond live"))
    server.routes[short] = html(b'<html lang="nl"><body><article><h1>Kort</h1><p>Meer volgt.</p></article></body>')
    start = datetime.now(UTC)
    with Store.open(config.settings.db_path) as store:
        run_ingest(config, store)
    ids = {aid_of(server, live): "live", aid_of(server, short): "empty"}
    assert dict(q(config, "SELECT id, status FROM articles")) == ids
    assert {r[0]: r[1] for r in q(config, "SELECT article_id, attempts FROM article_refetch")} == dict.fromkeys(ids, 1)

    def fetches() -> int:
        return sum(path in {live, short} for path, _ in server.hits)

    hours = [(0.5, 0), (1.02, 2), (2, 0), (5.04, 2), (29.06, 2), (720, 0)]  # (hours after the first run, fetches)
    plan = [(timedelta(hours=h), n) for h, n in hours]
    for offset, expected in plan:
        before = fetches()
        with Store.open(config.settings.db_path) as store:
            run_ingest(config, store, now=start + offset)
        assert fetches() - before == expected, offset
    # after the 1 h, 4 h and 24 h refetches the pages are left as they are
    assert {r[0] for r in q(config, "SELECT attempts FROM article_refetch WHERE next_fetch_at IS NULL")} == {4}
    # a page that turns into an article leaves the refetch list
    server.routes[short] = html(article("Kort"))
    with Store.open(config.settings.db_path) as store:
        store.con.execute("UPDATE article_refetch SET attempts = 1, next_fetch_at = ?", [start])
        run_ingest(config, store, now=start + timedelta(minutes=1))
    assert dict(q(config, "SELECT id, status FROM articles"))[aid_of(server, short)] == "ok"
    assert [r[0] for r in q(config, "SELECT article_id FROM article_refetch")] == [aid_of(server, live)]


def aid_of(server: LoopbackServer, path: str) -> str:
    return article_id(canonical_url(server.url(path)))
