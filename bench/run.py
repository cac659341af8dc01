"""newsmon benchmark: throughput, memory and rerun cost against the extraction limit.

    python bench/run.py --n 2000 [--runs 3]       (what `make bench N=2000` runs)

Generates N synthetic Dutch article pages with feeds, serves them on 127.0.0.1, and measures
(medians of --runs):
  a  the limit: trafilatura extraction alone over the same pages, on all cores
  b  the whole pipeline in-process (`newsmon ingest`), fresh database
  c  the same through the Prefect flow (`python -m flows.ingest`), fresh database
  d  a rerun with nothing new (feeds unchanged)
  e  peak RSS of b at N and at 5 x N
  f  enrichment alone (entities + topics + events) in MB of text per second on one core
  g  the main views over a synthetic database of 1 million articles
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
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
BIN = Path(PY).parent

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


def generate(root: Path, n: int, seed: int = 7) -> list[str]:
    """Write n article pages and n/50 RSS feeds under root; return the feed paths."""
    rng = random.Random(seed)
    (root / "a").mkdir(parents=True, exist_ok=True)
    (root / "feeds").mkdir(exist_ok=True)
    (root / "index.html").write_text("<html><body>bench</body></html>")
    nav = " ".join(f"<a href='/s/{k}'>Rubriek {k}</a>" for k in range(12))
    items = []
    for i in range(n):
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
    (target / "feeds.yaml").write_text("outlets:\n  - {id: bench, name: Bankrant}\nfeeds:\n" + "\n".join(lines) + "\n")
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


def timed_process(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB of the process tree it waited for, stdout)."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT)
    out = proc.stdout.read() if proc.stdout else ""
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{args} failed:\n{out[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024, out


def enrichment_rate(db: Path) -> float:
    import duckdb

    from newsmon.analysis import analyse

    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT title, lead, body, published_at FROM articles WHERE status = 'ok' LIMIT 500").fetchall()
    con.close()
    analyse("warm-up", date(2024, 1, 1))
    size = sum(len(b) + len(t or "") + len(le or "") for t, le, b, _ in rows) / 1e6
    started = time.perf_counter()
    for title, lead, body, published in rows:
        analyse(body, published.date(), title, lead)
    return size / (time.perf_counter() - started)


def views_at_scale(path: Path, articles: int = 1_000_000) -> dict[str, float]:
    """Fill a database with synthetic rows (schema from sql/) and time the main views."""
    import duckdb

    from newsmon.store import Store

    with Store.open(path) as store:
        con = store.con
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
              'x', k, 'name', 'gazetteer', NULL, 'x'
            FROM articles a, range(5) t(k) WHERE hash(a.id) % 10 < 3""")
        con.execute("""
            INSERT INTO events SELECT id, 'body', 1, 5, 'donderdag', published_at::DATE, published_at::DATE, 'day',
              'zin', ['Q7747', 'Q56226'], 'x' FROM articles WHERE hash(id) % 10 < 3""")
        from newsmon.entities import Gazetteer

        gaz = Gazetteer.load()
        store.sync_gazetteer(gaz.version, gaz.frames)
        timings = {}
        for view in ("v_coverage_weekly", "v_coverage_spikes", "v_entity_weekly", "v_entity_comentions_weekly",
                     "v_event_timeline", "v_topic_articles"):  # fmt: skip
            runs = []
            for _ in range(3):
                started = time.perf_counter()
                con.execute(f"SELECT count(*) FROM (SELECT * FROM {view})").fetchone()
                runs.append(time.perf_counter() - started)
            timings[view] = statistics.median(runs)
        del duckdb
    return timings


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale-articles", type=int, default=1_000_000)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from newsmon.demosite import DemoSite

    out_dir = ROOT / "bench" / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PREFECT_HOME": str(ROOT / ".prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180", "PREFECT_LOGGING_LEVEL": "WARNING"}  # fmt: skip
    results: dict[str, Any] = {"n": args.n, "runs": args.runs, "when": datetime.now(UTC).isoformat(),
                               "cores": os.cpu_count()}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="newsmon-bench-") as tmp_name:
        tmp = Path(tmp_name)
        site, big = tmp / "site", tmp / "site5"
        feeds = generate(site, args.n)
        with DemoSite(site) as server:
            a, b, c, d, rss = [], [], [], [], []
            for run in range(args.runs):
                a.append(limit_run(site))
                cfg = write_config(tmp / f"cfg{run}", server.base_url, feeds, tmp / f"b{run}" / "db.duckdb")
                secs, peak, _ = timed_process([str(BIN / "newsmon"), "ingest", "--config", str(cfg)], env)
                b.append(secs)
                rss.append(peak)
                d.append(timed_process([str(BIN / "newsmon"), "ingest", "--config", str(cfg)], env)[0])
                cfg_c = write_config(tmp / f"cfgc{run}", server.base_url, feeds, tmp / f"c{run}" / "db.duckdb")
                c.append(timed_process([PY, "-m", "flows.ingest", "--config", str(cfg_c)], env)[0])
                print(f"run {run + 1}: a {a[-1]:.1f} s, b {b[-1]:.1f} s, c {c[-1]:.1f} s, d {d[-1]:.1f} s", flush=True)
            cfg_prof = write_config(tmp / "cfgp", server.base_url, feeds, tmp / "p" / "db.duckdb")
            subprocess.run([str(BIN / "pyinstrument"), "-r", "html", "-o", str(out_dir / "profile_ingest.html"),
                            str(BIN / "newsmon"), "ingest", "--config", str(cfg_prof)],
                           env=env, cwd=ROOT, check=True, capture_output=True)  # fmt: skip
            rate = enrichment_rate(tmp / "b0" / "db.duckdb")
        feeds5 = generate(big, 5 * args.n, seed=11)
        with DemoSite(big) as server5:
            cfg5 = write_config(tmp / "cfg5", server5.base_url, feeds5, tmp / "b5" / "db.duckdb")
            _secs5, peak5, _ = timed_process([str(BIN / "newsmon"), "ingest", "--config", str(cfg5)], env)
        views = views_at_scale(tmp / "scale.duckdb", args.scale_articles)
        shutil.rmtree(site, ignore_errors=True)
    med = statistics.median
    results |= {
        "a_limit_s": med(a), "b_inprocess_s": med(b), "c_prefect_s": med(c), "d_rerun_s": med(d),
        "a_limit_articles_per_s": args.n / med(a), "b_articles_per_s": args.n / med(b),
        "c_articles_per_s": args.n / med(c), "ratio_b_over_a": (args.n / med(b)) / (args.n / med(a)),
        "ratio_c_over_b": med(c) / med(b), "e_peak_rss_mb_n": med(rss), "e_peak_rss_mb_5n": peak5,
        "e_rss_growth": peak5 / med(rss) - 1, "f_enrichment_mb_per_s_per_core": rate, "g_views_s": views,
    }  # fmt: skip
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nnewsmon bench, N={args.n}, medians of {args.runs} runs")
    print(f"(a) extraction limit       {med(a):7.1f} s  {args.n / med(a):7.1f} articles/s")
    print(f"(b) ingest in-process      {med(b):7.1f} s  {args.n / med(b):7.1f} articles/s  b/a = "
          f"{results['ratio_b_over_a']:.2f} (target >= 0.8)")
    print(f"(c) ingest Prefect flow    {med(c):7.1f} s  c/b = {results['ratio_c_over_b']:.2f} "
          "(fixed start-up included)")
    print(f"(d) rerun, nothing new     {med(d):7.1f} s  (process start-up included)")
    print(f"(e) peak RSS               {med(rss):7.0f} MB at N, {peak5:.0f} MB at 5N: {results['e_rss_growth']:+.0%}"
          " (target < +15%)")
    print(f"(f) enrichment             {rate:7.2f} MB/s on one core (target >= 2)")
    for view, secs in views.items():
        print(f"(g) {view:<26s} {secs:6.3f} s over {args.scale_articles:,} articles (target < 0.5 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
