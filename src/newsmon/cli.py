"""The `newsmon` command line: thin wrappers over pipeline, store and extract."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import duckdb
import typer

from newsmon.analysis import Resources, analyse, analysis_json, check_rules, resources_for
from newsmon.config import Config, ConfigError, load_config
from newsmon.demosite import DemoSite, DemoSiteError, serve_demo
from newsmon.extract import FeedHints, extract_article, parse_datetime
from newsmon.lake import Lake, LakeError
from newsmon.pipeline import format_summary, poll_feeds, reanalyse, reextract, run_ingest
from newsmon.report import write_report
from newsmon.store import Store, StoreError, fts_extension_path, storage_failure
from newsmon.topics import explain_lines

app = typer.Typer(help="newsmon: monitor Dutch-language news feeds into DuckDB.", no_args_is_help=True)
feeds_app = typer.Typer(help="Inspect the configured feeds.", no_args_is_help=True)
app.add_typer(feeds_app, name="feeds")
lake_app = typer.Typer(help="Share articles through a DuckLake that several loaders write at once.",
                       no_args_is_help=True)
app.add_typer(lake_app, name="lake")

ConfigOpt = Annotated[Path, typer.Option("--config", "-c", help="configuration directory")]
DbOpt = Annotated[Path | None, typer.Option("--db", help="DuckDB file (default: db_path from settings)")]
DemoOpt = Annotated[bool, typer.Option("--demo", help="serve the bundled demo site on loopback meanwhile")]
WaitOpt = Annotated[float, typer.Option("--wait", help="seconds to wait for another writer to finish")]


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(code)


def _load(config_dir: Path, *, rules: bool = False) -> Config:
    """The validated configuration; with `rules`, also the gazetteer and topic rules a run needs."""
    try:
        config = load_config(config_dir)
        if rules:
            check_rules(config)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    return config


@contextmanager
def demo_site_for(config: Config, enabled: bool) -> Iterator[DemoSite | None]:
    try:
        with serve_demo(config, enabled) as site:
            yield site
    except DemoSiteError as exc:
        raise _fail(str(exc)) from None


@app.command()
def ingest(
    config_dir: ConfigOpt = Path("config"),
    db: DbOpt = None,
    demo: DemoOpt = False,
    wait: WaitOpt = 30.0,
    due_only: Annotated[bool, typer.Option("--due-only", help="poll only feeds whose next poll time has come")] = False,
) -> None:
    """Poll feeds, fetch new articles, extract and load them, in-process (no Prefect)."""
    config = _load(config_dir, rules=True)
    db_path = db or config.settings.db_path
    try:
        with demo_site_for(config, demo), Store.open(db_path, wait_s=wait) as store:
            summary = run_ingest(config, store, mode="inprocess", due_only=due_only)
    except StoreError as exc:
        raise _fail(str(exc)) from None
    except (OSError, duckdb.Error) as exc:
        raise _fail(storage_failure(db_path, config.settings.archive_dir, exc)) from None
    typer.echo(format_summary(summary, str(db_path)))


@app.command()
def extract(
    page: Annotated[str, typer.Argument(help="HTML file, or - for standard input")],
    url: Annotated[str, typer.Option(help="the page's URL (for canonicalisation and URL dates)")],
    feed_date: Annotated[str | None, typer.Option(help="publication date from a feed (ISO 8601)")] = None,
) -> None:
    """Extract one saved page and print the article as one JSON object."""
    if page == "-":
        html = sys.stdin.buffer.read()
    else:
        try:
            html = Path(page).read_bytes()
        except OSError as exc:
            raise _fail(f"{page}: cannot read: {exc.strerror}") from None
    hints = FeedHints(published_at=parse_datetime(feed_date)[0]) if feed_date else None
    if feed_date and hints and hints.published_at is None:
        raise _fail(f"--feed-date {feed_date!r}: not an ISO 8601 date")
    article = extract_article(html, url, hints, datetime.now(UTC))
    typer.echo(json.dumps(article.to_json(), ensure_ascii=False))


@app.command()
def analyze(
    text_file: Annotated[str, typer.Argument(help="plain-text article body, or - for standard input")],
    date: Annotated[str, typer.Option("--date", help="publication date, YYYY-MM-DD")],
    title: Annotated[str | None, typer.Option(help="the headline, analysed before the body")] = None,
    lead: Annotated[str | None, typer.Option(help="the lead/intro, analysed before the body")] = None,
    gazetteer: Annotated[Path | None, typer.Option(help="entities.yaml to use")] = None,
) -> None:
    """Analyse one text: print JSON with its entities, topics and events (offsets into the body)."""
    try:
        published = datetime.strptime(date, "%Y-%m-%d").date()  # noqa: DTZ007 - a calendar date, no time
    except ValueError:
        raise _fail(f"--date {date!r}: expected YYYY-MM-DD") from None
    if text_file == "-":
        body = sys.stdin.read()
    else:
        try:
            body = Path(text_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise _fail(f"{text_file}: cannot read as UTF-8 text: {exc}") from None
    resources = Resources(gazetteer=gazetteer) if gazetteer else Resources()
    try:
        result = analyse(body, published, title, lead, resources)
    except (ConfigError, FileNotFoundError) as exc:
        raise _fail(str(exc)) from None
    typer.echo(json.dumps(analysis_json(result, resources), ensure_ascii=False))


@app.command("eval")
def eval_command(
    folders: Annotated[list[Path], typer.Argument(help="batch folders (NNN.txt + labels.csv), or folders of them")],
    as_json: Annotated[bool, typer.Option("--json", help="print the scores as JSON")] = False,
    config_dir: ConfigOpt = Path("config"),
) -> None:
    """Score the analysis on labelled real news: levels, themes, key entities, dated expressions."""
    from newsmon.evaluate import EvalError, evaluate, format_scores  # noqa: PLC0415 - only this command needs it

    config = _load(config_dir, rules=True)
    try:
        per_batch, overall = evaluate(folders, resources_for(config))
    except EvalError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        typer.echo(json.dumps({"batches": [s.to_json() for s in per_batch], "overall": overall.to_json()},
                              ensure_ascii=False, indent=1))
        return
    for scores in [*per_batch, overall] if len(per_batch) > 1 else per_batch:
        typer.echo("\n".join(format_scores(scores)))


@feeds_app.command("check")
def feeds_check(config_dir: ConfigOpt = Path("config"), demo: DemoOpt = False) -> None:
    """Poll each configured feed once and print status, items, newest item date and error."""
    config = _load(config_dir)
    with demo_site_for(config, demo):
        polls = poll_feeds(config, {}, [f for f in config.feeds if f.enabled] or [])
    typer.echo(f"{'feed':<34}{'status':<10}{'http':>5}{'items':>7}  {'newest item':<17}  error")
    for p in polls:
        newest = max((e.published_at for e in p.entries if e.published_at), default=None)
        when = newest.strftime("%Y-%m-%d %H:%M") if newest else "-"
        error = (p.error or p.warning or "").replace("\n", " ")
        typer.echo(f"{p.feed_id:<34}{p.outcome:<10}{p.http_status or '-':>5}{len(p.entries):>7}  {when:<17}  {error}")
    disabled = [f.id for f in config.feeds if not f.enabled]
    if disabled:
        typer.echo(f"disabled (not polled): {', '.join(disabled)}")


@app.command()
def sql(
    config_dir: ConfigOpt = Path("config"),
    db: DbOpt = None,
    command: Annotated[str | None, typer.Option("--command", "-e", help="run one statement and exit")] = None,
) -> None:
    """Open the DuckDB shell on the database, with the full-text-search extension loaded."""
    db_path = db or _load(config_dir).settings.db_path
    if not Path(db_path).exists():
        raise _fail(f"{db_path}: no database yet (run `make demo` or `make run` first)")
    cli = Path(sys.executable).with_name("duckdb")
    if not cli.exists():
        raise _fail(f"duckdb CLI not found next to {sys.executable} (run `make setup`)")
    args = [str(cli)]
    ext = fts_extension_path()
    if ext is not None:
        args += ["-cmd", f"LOAD '{ext}';"]
    args += ["-cmd", "SET TimeZone = 'Europe/Amsterdam';", str(db_path)]
    if command:
        args += ["-c", command]
    sys.stdout.flush()
    os.execv(str(cli), args)  # noqa: S606 - replaces this process with the interactive shell


@app.command()
def reprocess(
    config_dir: ConfigOpt = Path("config"),
    db: DbOpt = None,
    what: Annotated[
        str, typer.Option(help="extract | entities | topics | events | all. extract re-reads the raw archive with "
                               "the current extractor; the other three rebuild the text analysis together (topics "
                               "use the mentions, events the topic levels); all does both")
    ] = "all",
    since: Annotated[str | None, typer.Option(help="only articles published on or after YYYY-MM-DD")] = None,
    wait: WaitOpt = 30.0,
) -> None:
    """Rebuild derived rows of stored articles with the current extractor and rules; no network."""
    if what not in {"extract", "entities", "topics", "events", "all"}:
        raise _fail(f"--what {what!r}: expected extract, entities, topics, events or all")
    config = _load(config_dir, rules=True)
    try:
        since_day = datetime.strptime(since, "%Y-%m-%d").date() if since else None  # noqa: DTZ007
    except ValueError:
        raise _fail(f"--since {since!r}: expected YYYY-MM-DD") from None
    try:
        with Store.open(db or config.settings.db_path, wait_s=wait) as store:
            if what in {"extract", "all"}:
                extracted = reextract(config, store, since_day)
                typer.echo(f"re-extracted {extracted['articles']} articles from the archive: {extracted['changed']} "
                           f"with new text, {extracted['missing_raw']} without a stored page")
            if what != "extract":
                counts = reanalyse(config, store, since_day)
                typer.echo(f"re-analysed {counts['articles']} articles: {counts['mentions']} entity mentions, "
                           f"{counts['tagged']} tagged, {counts['events']} events")
    except StoreError as exc:
        raise _fail(str(exc)) from None


@app.command()
def report(
    config_dir: ConfigOpt = Path("config"),
    db: DbOpt = None,
    out: Annotated[Path, typer.Option(help="directory for the PNGs and index.html")] = Path("report"),
) -> None:
    """Write the coverage report (plots and one self-contained HTML page), without Prefect."""
    db_path = db or _load(config_dir).settings.db_path
    try:
        with Store.open(db_path) as store:
            files = write_report(store, out)
    except StoreError as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"{files.html}: {len(files.images)} plots, {files.spikes} spike weeks, {files.events} timeline entries")


@app.command()
def explain(
    article: Annotated[str, typer.Argument(help="an article id from the database, or a plain-text file (- = stdin)")],
    config_dir: ConfigOpt = Path("config"),
    db: DbOpt = None,
    date: Annotated[str | None, typer.Option("--date", help="publication date YYYY-MM-DD (for a file)")] = None,
    topic: Annotated[str, typer.Option(help="topic id")] = "nk_ru",
) -> None:
    """Show why an article got its topic level: features, relation sentences and terms highlighted in context."""
    if Path(article).is_file() or article == "-":
        body = sys.stdin.read() if article == "-" else Path(article).read_text(encoding="utf-8")
        title = lead = None
        day = datetime.strptime(date, "%Y-%m-%d").date() if date else datetime.now(UTC).date()  # noqa: DTZ007
    else:
        db_path = db or _load(config_dir).settings.db_path
        try:
            with Store.open(db_path) as store:
                row = store.con.execute(
                    "SELECT title, lead, body, coalesce(published_at, fetched_at) FROM articles WHERE id = ?", [article]
                ).fetchone()
        except StoreError as exc:
            raise _fail(str(exc)) from None
        if row is None:
            raise _fail(f"{article}: neither a file nor an article id in {db_path}")
        title, lead, body, published = row
        day = published.date()
    result = analyse(body, day, title, lead)
    found = next((t for t in result.topics if t.topic == topic), None)
    if found is None:
        raise _fail(f"--topic {topic!r}: not defined in topics.yaml")
    for line in explain_lines(found, {"title": title, "lead": lead, "body": body}, colour=sys.stdout.isatty()):
        typer.echo(line)


@app.command()
def export(
    config_dir: ConfigOpt = Path("config"),
    db: DbOpt = None,
    out: Annotated[Path, typer.Option(help="directory for the Parquet files and manifest.json")] = Path("export"),
) -> None:
    """Write the main tables and views as Parquet files with a manifest (rows, columns, sha256)."""
    db_path = db or _load(config_dir).settings.db_path
    try:
        with Store.open(db_path) as store:
            manifest = store.export_parquet(out)
    except StoreError as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"{out}/manifest.json: {len(manifest['files'])} files, "
               f"{sum(f['rows'] for f in manifest['files'])} rows")


@app.command("index")
def index_command(config_dir: ConfigOpt = Path("config"), db: DbOpt = None) -> None:
    """Rebuild the full-text index now (ingest runs refresh it at most every ingest.fts_min_interval_s)."""
    db_path = db or _load(config_dir).settings.db_path
    try:
        with Store.open(db_path) as store:
            built = store.rebuild_fts()
    except StoreError as exc:
        raise _fail(str(exc)) from None
    typer.echo("full-text index rebuilt" if built else "fts extension not installed (run `make setup`)")


@app.command("check-db")
def check_db(config_dir: ConfigOpt = Path("config"), db: DbOpt = None, wait: WaitOpt = 30.0) -> None:
    """Run the SQL checks in sql/checks/ (uniqueness, relationships, vocabularies) on the database."""
    db_path = db or _load(config_dir).settings.db_path
    try:
        with Store.open(db_path, wait_s=wait) as store:
            results = store.run_checks()
    except StoreError as exc:
        raise _fail(str(exc)) from None
    for name, rows in results.items():
        typer.echo(f"{'ok  ' if not rows else 'FAIL'} {name}" + (f": {len(rows)} rows, e.g. {rows[0]}" if rows else ""))
    if any(results.values()):
        raise typer.Exit(1)


@lake_app.command("push")
def lake_push(
    catalog: Annotated[Path, typer.Option("--catalog", help="the lake's SQLite catalog file")],
    data_dir: Annotated[Path, typer.Option("--data-dir", help="the lake's folder of Parquet files")],
    config_dir: ConfigOpt = Path("config"),
    db: DbOpt = None,
    since: Annotated[str | None, typer.Option(help="only articles fetched on or after this day, YYYY-MM-DD")] = None,
    batch: Annotated[int, typer.Option(min=1, help="articles per lake transaction")] = 500,
) -> None:
    """Copy this DuckDB store's articles, sources and derived rows into a shared DuckLake.

    Several stores (one per ingest pipeline) can push into one lake at the same time; each batch is
    one transaction and pushing again never duplicates rows."""
    db_path = db or _load(config_dir).settings.db_path
    try:
        since_day = datetime.strptime(since, "%Y-%m-%d").replace(tzinfo=UTC) if since else None
    except ValueError:
        raise _fail(f"--since {since!r}: expected YYYY-MM-DD") from None
    try:
        with Store.open(db_path, read_only=True) as store, Lake.open(catalog, data_dir) as lake:
            ids = [r[0] for r in store.con.execute(
                "SELECT id FROM articles WHERE ? IS NULL OR fetched_at >= ? ORDER BY id", [since_day, since_day]
            ).fetchall()]  # fmt: skip
            for start in range(0, len(ids), batch):
                lake.load_frames(store.content_frames(ids[start : start + batch]))
            total = lake.count("articles")
            typer.echo(f"pushed {len(ids)} articles from {db_path} in {lake.commits} transactions "
                       f"({lake.retries} retried); the lake now holds {total} articles")  # fmt: skip
    except (StoreError, LakeError) as exc:
        raise _fail(str(exc)) from None


@app.command("demo-site")
def demo_site(config_dir: ConfigOpt = Path("config/demo")) -> None:
    """Serve the bundled demo news site on loopback until interrupted."""
    config = _load(config_dir)
    with demo_site_for(config, True) as site:
        assert site is not None
        typer.echo(f"demo site on {site.base_url}/ (Ctrl-C to stop)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
