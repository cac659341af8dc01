"""A site on an allow-listed address whose pages redirect to addresses that are not: refused, no traffic.

The site runs on 127.0.0.2 (allow-listed, as a test stands in for a public news site); 127.0.0.1,
10.x and 169.254.169.254 are not allow-listed, so a redirect there must be refused after the
redirect is read and before anything is sent to the new address.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsmon.config import load_config
from newsmon.pipeline import run_ingest
from newsmon.store import Store
from tests.faults.pages import GOOD, article_page, rss
from tests.loopback import LoopbackServer, Route


@pytest.fixture
def inner() -> Iterator[LoopbackServer]:
    """Something on 127.0.0.1 that the outside site tries to reach."""
    srv = LoopbackServer("127.0.0.1").start()
    srv.routes["/admin"] = Route(200, b"interne beheerpagina")
    yield srv
    srv.stop()


@pytest.fixture
def outside() -> Iterator[LoopbackServer]:
    srv = LoopbackServer("127.0.0.2").start()
    yield srv
    srv.stop()


@pytest.mark.fault("HTTP: redirect to 127.0.0.1 or 10.x from a host that is allowed")
def test_redirects_into_private_space_are_refused_before_any_request(
    tmp_path: Path, outside: LoopbackServer, inner: LoopbackServer
) -> None:
    o = outside.url
    outside.routes["/goed.html"] = Route(200, article_page(*GOOD["kim-trein"]))
    outside.routes["/naar-binnen.html"] = Route(302, b"", {"Location": inner.url("/admin")})
    outside.routes["/naar-tien.html"] = Route(301, b"", {"Location": "http://10.0.0.7/intranet"})
    date = "Wed, 19 Jun 2024 10:00:00 +0200"
    outside.routes["/feed.xml"] = Route(200, rss([(o(p), p, date) for p in ("/goed.html", "/naar-binnen.html",
                                                                            "/naar-tien.html")]))  # fmt: skip
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "settings.yaml").write_text(
        f"db_path: {tmp_path / 'db.duckdb'}\ndata_dir: {tmp_path / 'data'}\n"
        "http:\n  user_agent: 'newsmon-test (+mailto:t@example.org)'\n  allow_hosts: ['127.0.0.2']\n"
        "  per_host_min_delay_s: 0\n  retries: 0\n"
        "ingest:\n  extract_workers: 1\n"
    )
    (cfg / "feeds.yaml").write_text("outlets:\n  - {id: t, name: Testkrant}\n"
                                    f"feeds:\n  - {{outlet: t, name: buiten, url: '{o('/feed.xml')}'}}\n")  # fmt: skip
    config = load_config(cfg)
    with Store.open(config.settings.db_path) as store:
        summary = run_ingest(config, store)
        errors = dict(store.con.execute("SELECT url, error FROM fetch_failures").fetchall())
        titles = [r[0] for r in store.con.execute("SELECT title FROM articles").fetchall()]
    assert summary["new_articles"] == 1 and titles == [GOOD["kim-trein"][0]]
    assert set(errors) == {o("/naar-binnen.html"), o("/naar-tien.html")}
    assert "127.0.0.1" in errors[o("/naar-binnen.html")] and "loopback" in errors[o("/naar-binnen.html")]
    assert "10.0.0.7" in errors[o("/naar-tien.html")] and "private" in errors[o("/naar-tien.html")]
    assert all("not in http.allow_hosts" in e for e in errors.values())
    assert inner.hits == []  # the redirect was refused before any request reached 127.0.0.1
