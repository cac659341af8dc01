"""newsmon benchmark: throughput, memory and rerun cost against the extraction limit.

    python bench/run.py --n 2000 [--runs 3]       (what `make bench N=2000` runs)

Generates N Dutch article pages with feeds, serves them on 127.0.0.1, and measures (medians of --runs):
  p  the pages: their structure against real pages, and trafilatura.extract per page on both
  a  the limit: trafilatura extraction alone over the same pages, on all cores
  b  the whole pipeline in-process (`newsmon ingest`), fresh database
  c  the same through the Prefect flow (`python -m flows.ingest`), fresh database; c0 the flow
     again with nothing new (its fixed start), to compare c - c0 with b - d
  d  a rerun with nothing new (feeds unchanged)
  e  peak RSS of b at N and at 5 x N
  f  enrichment alone (entities + topics + events) in MB of text per second on one core
  r  reprocess (pipeline.reanalyse, what `newsmon reprocess` runs) over a database of
     --reprocess-articles articles (default 50,000) written straight into DuckDB
  g  the views over a database of --scale-articles articles (default 1 million) written straight into DuckDB
Pages: `--pages realistic` (default) draws each page's structure from the distribution in
bench/pages.py (see bench/README.md); `--pages synthetic` is the old bare page (a few <p> in one
<article>, about 1 ms of extraction each), kept only to compare with earlier results.
Writes bench/results.json and a pyinstrument profile of b (bench/out/profile_ingest.html).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
PY = sys.executable
BIN = Path(PY).parent

# --- the old synthetic pages (--pages synthetic): bare markup, ~1 ms of extraction each ----------
NK_RU = [
    "Kim Jong-un en Vladimir Poetin spraken in Vladivostok over militaire samenwerking.",
    "Volgens Zuid-Korea levert Pyongyang granaten en raketten aan Moskou.",
    "De Russische minister van Buitenlandse Zaken Sergej Lavrov bezocht donderdag Pyongyang.",
    "Duizenden Noord-Koreaanse arbeiders werken op Russische bouwplaatsen, ondanks de VN-sancties.",
    "Het verdrag over een alomvattend strategisch partnerschap verplicht beide landen tot wederzijdse bijstand.",
    "Noord-Koreaanse soldaten vechten volgens Kyiv in de regio Koersk aan Russische zijde.",
]
GENERIC = [
    "Het kabinet presenteerde dinsdag de plannen voor de begroting van volgend jaar.",
    "In het noorden van het land viel vorige week meer regen dan in de hele maand maart.",
    "De gemeenteraad stemde in met de bouw van vierhonderd nieuwe woningen aan de rand van de stad.",
    "Volgens het CBS steeg de inflatie in oktober naar 3,1 procent.",
    "De voetballers van Feyenoord wonnen zondag met 2-0 van PSV.",
    "Wetenschappers waarschuwen dat de zeespiegel sneller stijgt dan eerder werd aangenomen.",
    "De Oekraïense president Zelensky vroeg de Europese Unie om meer luchtafweer.",
    "In Brussel onderhandelen de lidstaten over een nieuw pakket sancties tegen Rusland.",
    "Een woordvoerder van de politie zei dat het onderzoek nog in volle gang is.",
    "De Noord-Koreaanse leider woonde een raketlancering bij, meldt het staatspersbureau KCNA.",
]
TEMPLATES = [
    """<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{title} | Bankrant</title>
<meta property="og:title" content="{title}"><meta name="description" content="{lead}">
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{title}", "datePublished": "{iso}"}}</script>
</head><body><header><nav>{nav}</nav><div class="cookie">Wij gebruiken cookies. <button>Akkoord</button></div></header>
<main><article><h1>{title}</h1><p class="intro">{lead}</p>{paras}</article>
<aside><h2>Lees ook</h2><ul>{related}</ul></aside></main><footer>Colofon · Privacy · Contact</footer></body></html>""",
    """<!DOCTYPE html><html lang="nl-BE"><head><meta charset="utf-8"><title>{title}</title>
<meta name="article:published_time" content="{iso}"></head><body>
<div id="top">{nav}</div><div class="content"><div class="story"><h1>{title}</h1><div class="meta">Door Redactie</div>
{paras}</div><div class="reacties"><h3>Reacties</h3><p>Piet: eens!</p><p>Anna: onzin.</p></div></div>
<div class="footer">© Bankrant Media</div></body></html>""",
]


def _article(rng: random.Random, i: int) -> dict[str, Any]:
    day = datetime(2019, 1, 1, 8, tzinfo=UTC) + timedelta(hours=rng.randrange(0, 6 * 365 * 24))
    on_topic = rng.random() < 0.3
    sentences = []
    for _ in range(rng.randrange(12, 60)):
        sentences.append(rng.choice(NK_RU) if on_topic and rng.random() < 0.4 else rng.choice(GENERIC))
    paras = ["".join(sentences[k : k + 4]) for k in range(0, len(sentences), 4)]
    title = f"Bericht {i}: " + ("Kim en Poetin zoeken elkaar op" if on_topic else "Nieuws uit binnen- en buitenland")
    return {"i": i, "day": day, "title": title, "lead": sentences[0], "paras": paras}


def generate(root: Path, n: int, seed: int = 7, kind: str = "realistic") -> list[str]:
    """Write n article pages and n/50 RSS feeds under root; return the feed paths.

    kind "realistic": pages shaped like real news pages (bench/pages.py); "synthetic": the old bare
    pages (TEMPLATES), far cheaper to extract than any real page."""
    import pages

    if kind not in {"realistic", "synthetic"}:
        raise ValueError(f"--pages {kind!r}: expected 'realistic' or 'synthetic'")
    rng = random.Random(seed)
    (root / "a").mkdir(parents=True, exist_ok=True)
    (root / "feeds").mkdir(exist_ok=True)
    (root / "index.html").write_text("<html><body>bench</body></html>")
    nav = " ".join(f"<a href='/s/{k}'>Rubriek {k}</a>" for k in range(12))
    items = []
    for i in range(n):
        if kind == "realistic":
            art = pages.generate_article(rng, i, n)
            page = art["html"]
        else:
            art = _article(rng, i)
            related = "".join(f"<li><a href='/a/{rng.randrange(n)}.html'>Gerelateerd {k}</a></li>" for k in range(5))
            page = TEMPLATES[i % len(TEMPLATES)].format(
                title=escape(art["title"]), lead=escape(art["lead"]), iso=art["day"].isoformat(), nav=nav,
                paras="".join(f"<p>{escape(p)}</p>" for p in art["paras"]), related=related,
            )  # fmt: skip
        (root / "a" / f"{i}.html").write_text(page, encoding="utf-8")
        items.append(art)
    feeds = []
    for f in range(0, n, 50):
        chunk = items[f : f + 50]
        entries = "".join(
            f"<item><title>{escape(a['title'])}</title><link>__BASE__/a/{a['i']}.html</link>"
            f"<pubDate>{format_datetime(a['day'])}</pubDate><description>{escape(a['lead'])}</description></item>"
            for a in chunk
        )
        path = f"feeds/{f // 50}.xml"
        (root / path).write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>f{f}</title>'
                                 f"{entries}</channel></rss>", encoding="utf-8")  # fmt: skip
        feeds.append(path)
    return feeds


def write_config(target: Path, base: str, feeds: list[str], db: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    (target / "settings.yaml").write_text(
        f"db_path: {db}\ndata_dir: {db.parent / 'data'}\n"
        "http:\n  user_agent: 'newsmon-bench/0.1 (+mailto:bench@example.org)'\n  allow_hosts: ['127.0.0.1']\n"
        "  per_host_min_delay_s: 0\n  per_host_concurrency: 8\n  retries: 0\n"
        "ingest:\n  batch_size: 200\n  fetch_concurrency: 16\n  extract_workers: 2\n"
    )
    lines = [f"  - {{outlet: bench, name: f{k}, url: '{base}/{p}'}}" for k, p in enumerate(feeds)]
    listed = "\n" + "\n".join(lines) if lines else " []"
    (target / "feeds.yaml").write_text(f"outlets:\n  - {{id: bench, name: Bankrant}}\nfeeds:{listed}\n")
    return target


def _extract_page(path: str) -> int:
    import trafilatura

    doc = trafilatura.bare_extraction(Path(path).read_bytes(), with_metadata=False, include_comments=False)
    return len(getattr(doc, "text", "") or "")


def limit_run(site: Path) -> float:
    pages = [str(p) for p in sorted((site / "a").glob("*.html"))]
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(_extract_page, pages, chunksize=16))
    return time.perf_counter() - started


def _tree_rss_mb(root: int, *, with_root: bool = True) -> float:
    """Resident memory (MB) of process `root` and all its descendants now (Linux /proc; 0 elsewhere);
    without `with_root`, of the descendants alone."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            parents[int(entry.name)] = int(fields[1])
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, ppid in parents.items() if ppid in tree} - tree
        tree |= more
        grew = bool(more)
    return sum(rss.get(pid, 0) for pid in tree if with_root or pid != root) / 2**20


def timed_process(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str, float]:
    """(seconds, peak RSS in MB of its largest process (ru_maxrss of it and the children it waited
    for, taken by bench/maxrss.py so that the bench's own size does not count), stdout, peak of the
    summed RSS of it and all its descendants, sampled every 0.2 s: the extraction workers forked from
    a fork server are not children it waits for, and shared pages count once per process, so this sum
    overstates rather than misses)."""
    with tempfile.TemporaryDirectory() as scratch:
        maxrss_file = Path(scratch) / "maxrss"
        started = time.perf_counter()
        wrapped = [PY, str(ROOT / "bench" / "maxrss.py"), str(maxrss_file), *args]
        proc = subprocess.Popen(wrapped, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT)
        peak_tree = [0.0]
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(0.2):
                peak_tree[0] = max(peak_tree[0], _tree_rss_mb(proc.pid, with_root=False))  # not the wrapper

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        out = proc.stdout.read() if proc.stdout else ""
        stop.set()
        sampler.join()
        code = proc.wait()
        elapsed = time.perf_counter() - started
        if code != 0:
            raise RuntimeError(f"{args} failed:\n{out[-2000:]}")
        return elapsed, int(maxrss_file.read_text()) / 1024, out, peak_tree[0]


ENRICH_WARM, ENRICH_SET, ENRICH_SETS = 200, 500, 3


def enrichment_rate(db: Path) -> dict[str, Any]:
    """f: `analyse` on one core as an ingest worker runs it. In a process of its own (the bench's own heap is
    not a worker's), set up as the workers' fork server is (newsmon.fetch.warm: rules loaded, then the
    collector set for the work), after a warm-up on ENRICH_WARM stored articles (a worker keeps what it learns
    about each word across articles: the first few hundred fill that), over ENRICH_SETS further, disjoint sets
    of up to ENRICH_SET ok articles: MB of text (title + lead + body) per CPU second for each set, and their
    median."""
    done = subprocess.run([PY, __file__, "--enrichment-of", str(db)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"enrichment measurement on {db} failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _enrichment_in_this_process(db: Path) -> dict[str, Any]:
    import duckdb

    from newsmon.analysis import Resources, analyse
    from newsmon.fetch import warm

    # as the fork server the workers are forked from (the rules loaded, then the collector set), without the
    # language model: its numpy would add BLAS threads to the CPU time measured, and analyse makes no call to it
    warm(Resources(), language=False)
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT title, lead, body, published_at FROM articles WHERE status = 'ok' "
                           f"ORDER BY id LIMIT {ENRICH_WARM + ENRICH_SETS * ENRICH_SET}").fetchall()  # fmt: skip
    warm, rest = rows[:ENRICH_WARM], rows[ENRICH_WARM:]
    size = len(rest) // ENRICH_SETS
    if size < 50:
        raise RuntimeError(f"{db}: {len(rows)} ok articles, too few to measure enrichment on")
    for title, lead, body, published in warm:
        analyse(body, published.date(), title, lead)
    rates, walls = [], []
    for k in range(ENRICH_SETS):
        chunk = rest[k * size : (k + 1) * size]
        mb = sum(len(b) + len(t or "") + len(le or "") for t, le, b, _ in chunk) / 1e6
        cpu, wall = time.process_time(), time.perf_counter()
        for title, lead, body, published in chunk:
            analyse(body, published.date(), title, lead)
        rates.append(mb / (time.process_time() - cpu))
        walls.append(mb / (time.perf_counter() - wall))
    return {"mb_per_cpu_s": statistics.median(rates), "sets_mb_per_cpu_s": rates,
            "mb_per_wall_s": statistics.median(walls), "articles_per_set": size, "warm_up_articles": len(warm)}


BENCH_VIEWS = ("v_coverage_weekly", "v_coverage_spikes", "v_coverage_themes_weekly", "v_entity_weekly",
               "v_entity_timeline", "v_entity_comentions_weekly", "v_event_timeline", "v_topic_articles",
               "v_articles_daily")  # fmt: skip
VIEW_TIME_LIMIT_S = 60.0


def fill_scale_db(path: Path, articles: int) -> dict[str, float]:
    """Write `articles` synthetic articles with topics, mentions and events straight into a new database
    (schema and views from sql/), and fill the tables kept at load (entity tables, timeline_events) as the
    loads would. Seconds per step."""
    import pandas as pd

    from newsmon.entities import Gazetteer
    from newsmon.store import Store, refresh_entity_tables, refresh_timeline_events

    steps: dict[str, float] = {}
    with Store.open(path) as store:
        con = store.con
        started = time.perf_counter()
        con.execute("INSERT INTO outlets SELECT 'o' || i, 'Outlet ' || i, 'NL', NULL FROM range(12) t(i)")
        con.execute(f"""
            INSERT INTO articles SELECT
              lpad(i::VARCHAR, 16, '0'), 'u' || i, 'u' || i, NULL, 'o' || (i % 12), 'titel ' || i, NULL, NULL, NULL,
              TIMESTAMPTZ '2019-01-01' + to_seconds(hash(i) % (6 * 365 * 86400)::BIGINT), 'feed', now(), 'nl',
              'tekst', 300, md5(i::VARCHAR), NULL, 200, 'ok', NULL, 'x', 1, 'r', 'r'
            FROM range({articles}) t(i)""")
        con.execute("""
            INSERT INTO article_topics SELECT id, 'nk_ru',
              CASE hash(id) % 10 WHEN 0 THEN 'primary' WHEN 1 THEN 'secondary' WHEN 2 THEN 'mention' ELSE 'none' END,
              0.5, ['military_cooperation'], '{}', 'x' FROM articles""")
        con.execute("""
            INSERT INTO entity_mentions SELECT a.id, 'body', k * 10, k * 10 + 5,
              (['Q7747', 'Q56226', 'Q159', 'Q423', 'Q649', 'Q18808', 'Q959'])[1 + (hash(a.id || k) % 7)::INT],
              'x', k // 2, 'name', 'gazetteer', NULL, 'x'
            FROM articles a, range(5) t(k) WHERE hash(a.id) % 10 < 3""")
        con.execute("""
            INSERT INTO events SELECT id, 'body', 1, 5, 'donderdag', published_at::DATE, published_at::DATE, 'day',
              'zin', ['Q7747', 'Q56226'], 'x' FROM articles WHERE hash(id) % 10 < 3""")
        steps["rows_s"] = time.perf_counter() - started
        gaz = Gazetteer.load()
        store.sync_gazetteer(gaz.version, gaz.frames)
        started = time.perf_counter()
        # the tables kept at load, filled as the loads of these articles would fill them
        ids = con.execute("SELECT article_id FROM entity_mentions UNION SELECT article_id FROM events").df()
        con.register("b_enriched", pd.DataFrame({"article_id": ids["article_id"]}, dtype="string"))
        con.register("b_articles", pd.DataFrame({"id": []}, dtype="string"))
        with store.transaction():
            refresh_entity_tables(con)
        steps["entity_tables_refresh_s"] = time.perf_counter() - started
        started = time.perf_counter()
        with store.transaction():
            refresh_timeline_events(con)
        steps["timeline_events_refresh_s"] = time.perf_counter() - started
        con.unregister("b_enriched")
        con.unregister("b_articles")
        steps["entity_tables_refresh_articles"] = float(len(ids))
    return steps


def _timed_query(con: Any, sql: str, limit_s: float) -> float:
    """Seconds for `sql`, or inf when it was interrupted after `limit_s`."""
    timer = threading.Timer(limit_s, con.interrupt)
    started = time.perf_counter()
    timer.start()
    try:
        con.execute(sql).fetchone()
    except Exception as exc:  # duckdb.InterruptException: over the limit
        if "INTERRUPT" not in str(exc).upper():
            raise
        return float("inf")
    finally:
        timer.cancel()
    return time.perf_counter() - started


def time_views(path: Path, views: tuple[str, ...] = BENCH_VIEWS, runs: int = 3) -> dict[str, float | None]:
    """Median seconds to read every row of each view (None: stopped after VIEW_TIME_LIMIT_S)."""
    import duckdb

    con = duckdb.connect(str(path))
    con.execute("SET TimeZone = 'UTC'")
    timings: dict[str, float | None] = {}
    try:
        for view in views:
            sql = f"SELECT count(*) FROM (SELECT * FROM {view})"
            first = _timed_query(con, sql, VIEW_TIME_LIMIT_S)
            rest = [] if first == float("inf") else [_timed_query(con, sql, VIEW_TIME_LIMIT_S) for _ in range(runs - 1)]
            secs = statistics.median([first, *rest])
            timings[view] = None if secs == float("inf") else secs
    finally:
        con.close()
    return timings


def apply_views_of(path: Path, revision: str) -> None:
    """Replace the views in the database at `path` by those of git `revision` (to time a before state)."""
    import duckdb

    names = subprocess.run(["git", "ls-tree", "--name-only", revision, "sql/views/"], cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.split()  # fmt: skip
    texts = [subprocess.run(["git", "show", f"{revision}:{name}"], cwd=ROOT, check=True, capture_output=True,
                            text=True).stdout for name in names]  # fmt: skip
    con = duckdb.connect(str(path))
    try:
        pending = texts
        while pending:
            failed = []
            for text in pending:
                try:
                    con.execute(text)
                except duckdb.CatalogException:
                    failed.append(text)
            if len(failed) == len(pending):
                raise RuntimeError(f"views of {revision} cannot be created in {path}")
            pending = failed
    finally:
        con.close()


def status_counts(db: Path) -> dict[str, int]:
    """Stored pages per status: generated pages must come out as articles ('ok'), like real ones."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return dict(con.execute("SELECT status, count(*) FROM articles GROUP BY ALL ORDER BY 1").fetchall())
    finally:
        con.close()


def views_at_scale(path: Path, articles: int = 1_000_000, before: str | None = None) -> dict[str, Any]:
    """Fill a database with synthetic rows and time the views (and those of git revision `before`)."""
    out: dict[str, Any] = {"articles": articles, "fill": fill_scale_db(path, articles)}
    out["views_s"] = time_views(path)
    if before:
        apply_views_of(path, before)
        out["before_revision"] = before
        out["before_views_s"] = time_views(path, tuple(v for v in BENCH_VIEWS if v != "v_articles_daily"))
    return out


def reprocess_rate(tmp: Path, articles: int, seed: int = 5) -> dict[str, float]:
    """Articles per second of pipeline.reanalyse (what `newsmon reprocess` runs) over a database of
    `articles` generated articles written straight into DuckDB (bodies from bench/pages.py)."""
    import pages
    import pandas as pd

    from newsmon.config import load_config
    from newsmon.pipeline import reanalyse
    from newsmon.store import Store, content_hash

    db = tmp / "reprocess" / "db.duckdb"
    cfg = load_config(write_config(tmp / "cfg_reprocess", "http://127.0.0.1:9", [], db))
    rng = random.Random(seed)
    distinct = [(pages.sentence(rng, on := rng.random() < 0.3), pages.sentence(rng, on),
                 pages.body_text(rng, on, paragraphs=round(pages._draw_value(rng, pages.SHAPE["paragraphs"]))))
                for _ in range(min(articles, 2000))]  # fmt: skip
    now = datetime.now(UTC)
    rows = []
    for i in range(articles):
        title, lead, body = distinct[i % len(distinct)]
        published = datetime(2019, 1, 1, 8, tzinfo=UTC) + timedelta(hours=rng.randrange(0, 6 * 365 * 24))
        rows.append((f"{i:016x}", f"http://127.0.0.1:9/a/{i}", f"http://127.0.0.1:9/a/{i}", None, "bench", title,
                     lead, None, None, published, "feed", now, "nl", body, len(body.split()),
                     content_hash(title, body), None, 200, "ok", None, "bench", 1, "r", "r"))  # fmt: skip
    with Store.open(db) as store:
        columns = [r[0] for r in store.con.execute("DESCRIBE articles").fetchall()]
        frame = pd.DataFrame.from_records(rows, columns=columns)
        store.con.execute("INSERT INTO outlets VALUES ('bench', 'Bankrant', 'NL', NULL)")
        store.con.register("frame", frame)
        store.con.execute("INSERT INTO articles SELECT * FROM frame")
        store.con.unregister("frame")
        mb = sum(len(b) + len(t) + len(le) for t, le, b in distinct) / len(distinct) * articles / 1e6
        started = time.perf_counter()
        counts = reanalyse(cfg, store)
        secs = time.perf_counter() - started
    if counts["articles"] != articles:
        raise RuntimeError(f"reprocess analysed {counts['articles']} of {articles} articles")
    return {"articles": articles, "seconds": secs, "articles_per_s": articles / secs, "mb_per_s": mb / secs,
            "workers": cfg.settings.ingest.extract_workers, "tagged": counts["tagged"], "mentions": counts["mentions"]}


def page_comparison(site: Path, real_dir: Path) -> dict[str, Any]:
    """Structure of the served pages, and (when real pages are at hand) trafilatura time on both."""
    import pages

    sample = sorted((site / "a").glob("*.html"))[:200]
    out: dict[str, Any] = {
        "distribution": {name: {"median": m, "low": lo, "high": hi} for name, (m, lo, hi) in pages.SHAPE.items()},
        "sigma": pages.SHAPE_SIGMA,
        "containers": dict(pages.CONTAINERS),
        "served_shape": pages.summarise([pages.measure(p.read_bytes()) for p in sample]),
    }
    if real_dir.is_dir():
        out["vs_real"] = pages.compare(real_dir)
    return out


def ingest_runs(tmp: Path, site: Path, feeds: list[str], args: argparse.Namespace, env: dict[str, str],
                out_dir: Path) -> dict[str, Any]:  # fmt: skip
    """a-f: the limit, ingest in-process and through Prefect, the rerun, RSS at N and 5N, enrichment."""
    from newsmon.demosite import DemoSite

    med = statistics.median
    with DemoSite(site) as server:
        a, b, c, d, c0, rss, rss_tree = [], [], [], [], [], [], []
        for run in range(args.runs):
            a.append(limit_run(site))
            cfg = write_config(tmp / f"cfg{run}", server.base_url, feeds, tmp / f"b{run}" / "db.duckdb")
            secs, peak, _, peak_tree = timed_process([str(BIN / "newsmon"), "ingest", "--config", str(cfg)], env)
            b.append(secs)
            rss.append(peak)
            rss_tree.append(peak_tree)
            d.append(timed_process([str(BIN / "newsmon"), "ingest", "--config", str(cfg)], env)[0])
            cfg_c = write_config(tmp / f"cfgc{run}", server.base_url, feeds, tmp / f"c{run}" / "db.duckdb")
            c.append(timed_process([PY, "-m", "flows.ingest", "--config", str(cfg_c)], env)[0])
            # the flow's fixed start: the same flow again with nothing new (as d is for b)
            c0.append(timed_process([PY, "-m", "flows.ingest", "--config", str(cfg_c)], env)[0])
            print(f"run {run + 1}: a {a[-1]:.1f} s, b {b[-1]:.1f} s, c {c[-1]:.1f} s, d {d[-1]:.1f} s, "
                  f"c0 {c0[-1]:.1f} s", flush=True)
        cfg_prof = write_config(tmp / "cfgp", server.base_url, feeds, tmp / "p" / "db.duckdb")
        subprocess.run([str(BIN / "pyinstrument"), "-r", "html", "-o", str(out_dir / "profile_ingest.html"),
                        str(BIN / "newsmon"), "ingest", "--config", str(cfg_prof)],
                       env=env, cwd=ROOT, check=True, capture_output=True)  # fmt: skip
        enrichment = enrichment_rate(tmp / "b0" / "db.duckdb")
        statuses = status_counts(tmp / "b0" / "db.duckdb")
    big = tmp / "site5"
    feeds5 = generate(big, 5 * args.n, seed=11, kind=args.pages)
    with DemoSite(big) as server5:
        cfg5 = write_config(tmp / "cfg5", server5.base_url, feeds5, tmp / "b5" / "db.duckdb")
        _secs5, peak5, _, peak5_tree = timed_process([str(BIN / "newsmon"), "ingest", "--config", str(cfg5)], env)
    shutil.rmtree(big, ignore_errors=True)
    n = args.n
    return {
        "a_limit_s": med(a), "b_inprocess_s": med(b), "c_prefect_s": med(c), "d_rerun_s": med(d),
        "a_limit_articles_per_s": n / med(a), "b_articles_per_s": n / med(b), "c_articles_per_s": n / med(c),
        "ratio_b_over_a": (n / med(b)) / (n / med(a)), "ratio_c_over_b": med(c) / med(b),
        "c_fixed_s": med(c0), "ratio_c_over_b_net": (med(c) - med(c0)) / (med(b) - med(d)),
        # the same ratios per run (a, b, c, c0, d of one run side by side), then their median: on a
        # shared machine the load changes between runs more than between the parts of one run
        "ratio_b_over_a_per_run": med(ai / bi for ai, bi in zip(a, b, strict=True)),
        "ratio_c_over_b_net_per_run": med((ci - c0i) / (bi - di) for ci, c0i, bi, di in zip(c, c0, b, d, strict=True)),
        "e_peak_rss_mb_n": med(rss), "e_peak_rss_mb_5n": peak5, "e_rss_growth": peak5 / med(rss) - 1,
        "e_tree_rss_mb_n": med(rss_tree), "e_tree_rss_mb_5n": peak5_tree,
        "e_tree_rss_growth": peak5_tree / med(rss_tree) - 1,
        "f_enrichment_mb_per_s_per_core": enrichment["mb_per_cpu_s"], "f_enrichment": enrichment, "statuses": statuses,
    }  # fmt: skip


def print_ingest(r: dict[str, Any]) -> None:
    n = r["n"]
    print(f"(a) extraction limit       {r['a_limit_s']:7.1f} s  {r['a_limit_articles_per_s']:7.1f} articles/s")
    print(f"(b) ingest in-process      {r['b_inprocess_s']:7.1f} s  {n / r['b_inprocess_s']:7.1f} articles/s  "
          f"b/a = {r['ratio_b_over_a']:.2f} (target >= 0.5, aim 0.8); "
          f"per run {r['ratio_b_over_a_per_run']:.2f}")  # fmt: skip
    print(f"(c) ingest Prefect flow    {r['c_prefect_s']:7.1f} s  c/b = {r['ratio_c_over_b']:.2f} "
          "(fixed start-up included)")
    print(f"    its fixed start        {r['c_fixed_s']:7.1f} s  (the flow again, nothing new): (c - c0) / (b - d) = "
          f"{r['ratio_c_over_b_net']:.2f} (target <= 1.15); per run {r['ratio_c_over_b_net_per_run']:.2f}")
    print(f"(d) rerun, nothing new     {r['d_rerun_s']:7.1f} s  (process start-up included)")
    print(f"(e) peak RSS               {r['e_peak_rss_mb_n']:7.0f} MB at N, {r['e_peak_rss_mb_5n']:.0f} MB at 5N: "
          f"{r['e_rss_growth']:+.0%} (target < +15%), largest process")
    print(f"    summed over its tree   {r['e_tree_rss_mb_n']:7.0f} MB at N, {r['e_tree_rss_mb_5n']:.0f} MB at 5N: "
          f"{r['e_tree_rss_growth']:+.0%} (main process and workers)")
    f = r["f_enrichment"]
    print(f"(f) enrichment             {r['f_enrichment_mb_per_s_per_core']:7.2f} MB/s on one core (target >= 3; "
          f"median of {len(f['sets_mb_per_cpu_s'])} sets of {f['articles_per_set']} articles, CPU time; wall "
          f"{f['mb_per_wall_s']:.2f})")
    print(f"    stored pages by status  {r['statuses']}")


def _secs(value: float | None) -> str:
    return f"> {VIEW_TIME_LIMIT_S:.0f} s" if value is None else f"{value:6.3f} s"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", choices=("realistic", "synthetic"), default="realistic",
                        help="realistic (default): shaped like real news pages; synthetic: the old bare pages")
    parser.add_argument("--real-pages", type=Path, default=ROOT.parent / "shared" / "realpages",
                        help="real news pages to compare the generated ones with (skipped when absent)")
    parser.add_argument("--reprocess-articles", type=int, default=50_000)
    parser.add_argument("--scale-articles", type=int, default=1_000_000)
    parser.add_argument("--views-before", metavar="REV", help="also time the views of this git revision")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--parts", default="pages,ingest,reprocess,views",
                        help="comma-separated subset of pages,ingest,reprocess,views")  # fmt: skip
    parser.add_argument("--enrichment-of", type=Path, help=argparse.SUPPRESS)  # (f) in a process of its own
    args = parser.parse_args()
    if args.enrichment_of:
        print(json.dumps(_enrichment_in_this_process(args.enrichment_of)))
        return 0
    parts = set(args.parts.split(","))
    if parts - {"pages", "ingest", "reprocess", "views"} or args.n < 1:
        parser.error(f"--parts {args.parts!r} / --n {args.n}: parts are pages, ingest, reprocess, views; n >= 1")
    sys.path.insert(0, str(ROOT))
    out_dir = ROOT / "bench" / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PREFECT_HOME": str(ROOT / ".prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180", "PREFECT_LOGGING_LEVEL": "WARNING"}  # fmt: skip
    results: dict[str, Any] = {"n": args.n, "runs": args.runs, "pages": args.pages,
                               "when": datetime.now(UTC).isoformat(), "cores": os.cpu_count(),
                               "parts": sorted(parts)}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="newsmon-bench-") as tmp_name:
        tmp = Path(tmp_name)
        site = tmp / "site"
        if parts & {"pages", "ingest"}:
            feeds = generate(site, args.n, kind=args.pages)
        if "pages" in parts:
            results["page_shape"] = page_comparison(site, args.real_pages)
            vs = results["page_shape"].get("vs_real")
            if vs:
                print(f"(p) trafilatura.extract   real {vs['extract_ms_real_median']:.1f} ms, generated "
                      f"{vs['extract_ms_generated_median']:.1f} ms per page: ratio "
                      f"{vs['extract_ratio_generated_over_real']:.2f} (target 0.7-1.3)", flush=True)  # fmt: skip
        if "ingest" in parts:
            results |= ingest_runs(tmp, site, feeds, args, env, out_dir)
        if "reprocess" in parts:
            results["r_reprocess"] = reprocess_rate(tmp, args.reprocess_articles)
            print(f"(r) reprocess              {results['r_reprocess']['articles_per_s']:7.1f} articles/s over "
                  f"{args.reprocess_articles:,} articles (target >= 300)", flush=True)  # fmt: skip
        if "views" in parts:
            results["g_views"] = views_at_scale(tmp / "scale.duckdb", args.scale_articles, args.views_before)
        shutil.rmtree(site, ignore_errors=True)
    args.out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"\nnewsmon bench, N={args.n}, {args.pages} pages, medians of {args.runs} runs")
    if "ingest" in parts:
        print_ingest(results)
    if "views" in parts:
        g = results["g_views"]
        for view, secs in g["views_s"].items():
            was = g.get("before_views_s", {}).get(view, "")
            before = f"  (was {_secs(was)})" if was != "" else ""
            print(f"(g) {view:<26s} {_secs(secs)} over {args.scale_articles:,} articles (target < 0.5 s){before}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
