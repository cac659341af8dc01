"""The `newsmon` command line: thin wrappers over pipeline, store and extract.

Imports of the package's heavy parts (trafilatura, pandas, matplotlib, duckdb, prefect-free as they are)
happen inside the commands, so `newsmon --help` and mistyped commands answer at once.
"""

from __future__ import annotations

import calendar
import json
import os
import re
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from newsmon.progress import DEBUG, NORMAL, QUIET, VERBOSE, configure_logging, progress_for_terminal

if TYPE_CHECKING:
    from newsmon.analysis import Resources
    from newsmon.config import Config
    from newsmon.demosite import DemoSite
    from newsmon.feeds import FeedEntry

# Plain help text: rich-formatted help costs ~0.1 s of imports on every `--help`.
app = typer.Typer(help="newsmon: monitor Dutch-language news feeds into DuckDB.", no_args_is_help=True,
                  rich_markup_mode=None)
feeds_app = typer.Typer(help="Inspect the configured feeds.", no_args_is_help=True)
app.add_typer(feeds_app, name="feeds")
lake_app = typer.Typer(help="Share articles through a DuckLake that several loaders write at once.",
                       no_args_is_help=True)
app.add_typer(lake_app, name="lake")

ConfigOpt = Annotated[Path, typer.Option("--config", "-c", help="configuration directory")]
DbOpt = Annotated[Path | None, typer.Option("--db", help="DuckDB file (default: db_path from settings)")]
DemoOpt = Annotated[bool, typer.Option("--demo", help="serve the bundled demo site on loopback meanwhile")]
WaitOpt = Annotated[float, typer.Option("--wait", help="seconds to wait for another writer to finish")]

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip
AMSTERDAM_ZONE = "Europe/Amsterdam"


@app.callback()
def main(
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress, only errors")] = False,
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="more detail (-vv: debug)")] = 0,
) -> None:
    """newsmon: monitor Dutch-language news feeds into DuckDB."""
    configure_logging(QUIET if quiet else {0: NORMAL, 1: VERBOSE}.get(verbose, DEBUG))


EXIT_EVERY_FEED_FAILED = 3  # `newsmon ingest`: 0 = the run completed, 2 = configuration or storage error


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(code)


def _load(config_dir: Path, *, rules: bool = False) -> Config:
    """The validated configuration; with `rules`, also the gazetteer and topic rules a run needs."""
    from newsmon.analysis import check_rules  # noqa: PLC0415 - heavy; see the module docstring
    from newsmon.config import ConfigError, load_config  # noqa: PLC0415

    try:
        config = load_config(config_dir)
        if rules:
            check_rules(config)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    return config


def resources_for(config: Config) -> Resources:
    """The rule files a configuration directory uses (its own entities.yaml / topics.yaml, or the project's)."""
    from newsmon.analysis import resources_for as for_config  # noqa: PLC0415

    return for_config(config)


def parse_day(option: str, value: str) -> date:
    """A calendar date YYYY-MM-DD, checked against the real calendar; the error says what is wrong."""
    found = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value.strip())
    if not found:
        raise _fail(f"{option} {value!r}: expected a date as YYYY-MM-DD, e.g. 2024-06-19")
    year, month, day = (int(g) for g in found.groups())
    if not 1 <= month <= 12:
        raise _fail(f"{option} {value!r}: there is no month {month} (months run from 01 to 12)")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise _fail(f"{option} {value!r}: {MONTHS[month - 1]} {year} has {last} days, not {day}")
    return date(year, month, day)


def _creator(config_dir: Path, config: Config | None) -> str:
    if config is not None and config.settings.demo is not None:
        return f"`make demo` or `newsmon ingest --config {config_dir} --demo`"
    return f"`make run` or `newsmon ingest --config {config_dir}`"


def existing_db(db: Path | None, config_dir: Path, command: str) -> Path:
    """The database a read-only command reads; it is never created here. A missing file ends the
    command with one line naming the path and what creates it."""
    if db is not None:
        if db.is_file():
            return db
        problem = "is a directory, not a database file" if db.is_dir() else "no such database file"
        raise _fail(f"{db}: {problem} (check --db; databases are created by `newsmon ingest`)")
    config = _load(config_dir)
    path = config.settings.db_path
    if path.is_file():
        return path
    hint = ""
    demo_db = Path("data/demo.duckdb")
    if path != demo_db and demo_db.is_file():
        hint = f"; the demo database exists: newsmon {command} --db {demo_db}"
    raise _fail(f"{path}: no database yet (create it with {_creator(config_dir, config)}{hint})")


def _read_bytes(name: str) -> bytes:
    """A file's bytes, or standard input's for "-"; an unreadable file ends the command with the reason."""
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(name).read_bytes()
    except OSError as exc:
        raise _fail(f"{name}: cannot read: {exc.strerror}") from None


def _read_text_file(name: str) -> str:
    data = _read_bytes(name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        where = "standard input" if name == "-" else name
        raise _fail(f"{where}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                    "convert it first, e.g. iconv -f windows-1252 -t utf-8") from None  # fmt: skip


@contextmanager
def demo_site_for(config: Config, enabled: bool) -> Iterator[DemoSite | None]:
    from newsmon.demosite import DemoSiteError, serve_demo  # noqa: PLC0415

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
    """Poll feeds, fetch new articles, extract and load them, in-process (no Prefect).

    Exit code 0: the run completed (feeds or pages that failed are listed in the summary);
    2: a configuration or storage error; 3: every feed polled failed."""
    import duckdb  # noqa: PLC0415

    from newsmon.pipeline import RUN_FAILED, Steps, format_summary, run_ingest  # noqa: PLC0415
    from newsmon.progress import ingest_steps  # noqa: PLC0415
    from newsmon.store import Store, StoreError, storage_failure  # noqa: PLC0415

    config = _load(config_dir, rules=True)
    db_path = db or config.settings.db_path
    progress = progress_for_terminal()
    try:
        with demo_site_for(config, demo), Store.open(db_path, wait_s=wait) as store:
            summary = run_ingest(config, store, mode="inprocess", due_only=due_only,
                                 steps=ingest_steps(Steps(), progress))  # fmt: skip
    except StoreError as exc:
        raise _fail(str(exc)) from None
    except (OSError, duckdb.Error) as exc:
        raise _fail(storage_failure(db_path, config.settings.archive_dir, exc)) from None
    finally:
        progress.close()
    typer.echo(format_summary(summary, str(db_path)))
    if summary["status"] == RUN_FAILED:
        raise _fail(f"every feed failed ({summary['feeds_failed']} of {summary['feeds_polled']}): "
                    "nothing could be read; the reasons are listed above", code=EXIT_EVERY_FEED_FAILED)  # fmt: skip


@app.command()
def extract(
    page: Annotated[str, typer.Argument(help="HTML file, or - for standard input")],
    url: Annotated[str, typer.Option(help="the page's URL (for canonicalisation and URL dates)")],
    feed_date: Annotated[str | None, typer.Option(help="publication date from a feed (ISO 8601)")] = None,
) -> None:
    """Extract one saved page and print the article as one JSON object."""
    from newsmon.extract import FeedHints, extract_article, parse_datetime  # noqa: PLC0415
    from newsmon.filetype import non_html_kind  # noqa: PLC0415

    html = _read_bytes(page)
    kind = non_html_kind(html)
    if kind is not None:
        raise _fail(f"{'standard input' if page == '-' else page}: not an HTML page: this is {kind}")
    hints = FeedHints(published_at=parse_datetime(feed_date)[0]) if feed_date else None
    if feed_date and hints and hints.published_at is None:
        raise _fail(f"--feed-date {feed_date!r}: not an ISO 8601 date (e.g. 2024-06-19T08:30:00+02:00)")
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
    from newsmon.analysis import Resources, analyse, analysis_json  # noqa: PLC0415
    from newsmon.config import ConfigError  # noqa: PLC0415

    published = parse_day("--date", date)
    body = _read_text_file(text_file)
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
    fit: Annotated[bool, typer.Option("--fit", help="fit the level weights on these texts, cross-validated")] = False,
    fit_gold: Annotated[Path | None, typer.Option(
        "--fit-gold", help="with --fit: also train on the tune texts of this topic gold folder")] = None,
    prior_gold: Annotated[Path | None, typer.Option(
        "--prior-gold", help="with --fit: fit first on the tune texts of this topic gold folder and pull every "
                             "fit toward that model (a prior) instead of pooling")] = None,
    l2: Annotated[float, typer.Option("--l2", help="with --fit: the L2 penalty on the weights")] = 1.0,
    config_dir: ConfigOpt = Path("config"),
) -> None:
    """Score the analysis on labelled real news: levels, themes, key entities, dated expressions."""
    from newsmon import evaluate as ev  # noqa: PLC0415 - only this command needs it (numpy)

    config = _load(config_dir, rules=True)
    resources = resources_for(config)
    try:
        batches = ev.analyse_batches(folders, resources)
    except ev.EvalError as exc:
        raise _fail(str(exc)) from None
    if fit:
        try:
            extra = ev.gold_examples(fit_gold, resources) if fit_gold else []
            prior = ev.gold_examples(prior_gold, resources) if prior_gold else []
        except ev.EvalError as exc:
            raise _fail(str(exc)) from None
        typer.echo("\n".join(ev.fit_report(batches, ev.current_model(resources), l2, extra, prior)))
        return
    per_batch, overall = ev.scores_of(batches)
    if as_json:
        typer.echo(json.dumps({"batches": [s.to_json() for s in per_batch], "overall": overall.to_json()},
                              ensure_ascii=False, indent=1))
        return
    for scores in [*per_batch, overall] if len(per_batch) > 1 else per_batch:
        typer.echo("\n".join(ev.format_scores(scores)))


def _newest(entries: Sequence[FeedEntry]) -> str:
    from zoneinfo import ZoneInfo  # noqa: PLC0415

    newest = max((e.published_at for e in entries if e.published_at), default=None)
    return newest.astimezone(ZoneInfo(AMSTERDAM_ZONE)).strftime("%Y-%m-%d %H:%M") if newest else "-"


@feeds_app.command("check")
def feeds_check(config_dir: ConfigOpt = Path("config"), demo: DemoOpt = False) -> None:
    """Poll each configured feed once and print status, items, newest item (Amsterdam time) and error."""
    from newsmon.pipeline import poll_feeds  # noqa: PLC0415

    config = _load(config_dir)
    with demo_site_for(config, demo):
        polls = poll_feeds(config, {}, [f for f in config.feeds if f.enabled] or [])
    typer.echo(f"{'feed':<34}{'status':<10}{'http':>5}{'items':>7}  {'newest (Amsterdam)':<18}  error")
    for p in polls:
        error = (p.error or p.warning or "").replace("\n", " ")
        typer.echo(f"{p.feed_id:<34}{p.outcome:<10}{p.http_status or '-':>5}{len(p.entries):>7}  "
                   f"{_newest(p.entries):<18}  {error}")  # fmt: skip
    disabled = [f.id for f in config.feeds if not f.enabled]
    if disabled:
        typer.echo(f"disabled (not polled): {', '.join(disabled)}")
    unreachable = [p for p in polls if p.outcome == "failed" and "connect" in (p.error or "").lower()]
    if polls and len(unreachable) == len(polls):
        if config.settings.demo is not None and not demo:
            typer.echo(f"hint: none of the {len(polls)} feeds could be reached; these are the demo site's feeds, "
                       f"which runs only meanwhile: add --demo (or run `newsmon demo-site --config {config_dir}`)")
        else:
            typer.echo(f"hint: none of the {len(polls)} feeds could be reached: check the network or proxy")


@app.command()
def sql(
    config_dir: ConfigOpt = Path("config"),
    db: DbOpt = None,
    command: Annotated[str | None, typer.Option("--command", "-e", help="run one statement and exit")] = None,
) -> None:
    """Open the DuckDB shell on the database, with the full-text-search extension loaded."""
    from newsmon.store import fts_extension_path  # noqa: PLC0415

    db_path = existing_db(db, config_dir, "sql")
    cli = Path(sys.executable).with_name("duckdb")
    if not cli.exists():
        raise _fail(f"duckdb CLI not found next to {sys.executable} (run `make setup`)")
    args = [str(cli)]
    ext = fts_extension_path()
    if ext is not None:
        args += ["-cmd", f"LOAD '{ext}';"]
    args += ["-cmd", f"SET TimeZone = '{AMSTERDAM_ZONE}';", str(db_path)]
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
    since_day = parse_day("--since", since) if since else None
    config = _load(config_dir, rules=True)
    db_path = existing_db(db, config_dir, "reprocess")

    from newsmon.analysis import ANALYSED_STATUSES  # noqa: PLC0415
    from newsmon.pipeline import reanalyse, reextract  # noqa: PLC0415
    from newsmon.progress import reporting_store  # noqa: PLC0415
    from newsmon.store import Store, StoreError  # noqa: PLC0415

    progress = progress_for_terminal()
    try:
        with Store.open(db_path, wait_s=wait) as store:
            if what in {"extract", "all"}:
                total = len(store.articles_for_reextract(since_day))
                extracted = reextract(config, reporting_store(store, progress, "re-extracted", total), since_day)
                progress.note(f"re-extracted {extracted['articles']} articles from the archive: "
                              f"{extracted['changed']} with new text, {extracted['missing_raw']} without a stored page")
                typer.echo(f"re-extracted {extracted['articles']} articles from the archive: {extracted['changed']} "
                           f"with new text, {extracted['missing_raw']} without a stored page")
            if what != "extract":
                total = len(store.analysis_ids(sorted(ANALYSED_STATUSES), since_day))
                counts = reanalyse(config, reporting_store(store, progress, "re-analysed", total), since_day)
                typer.echo(f"re-analysed {counts['articles']} articles: {counts['mentions']} entity mentions, "
                           f"{counts['tagged']} tagged, {counts['events']} events")
    except StoreError as exc:
        raise _fail(str(exc)) from None
    finally:
        progress.close()


@app.command()
def report(
    config_dir: ConfigOpt = Path("config"),
    db: DbOpt = None,
    out: Annotated[Path, typer.Option(help="directory for the figures and index.html")] = Path("report"),
) -> None:
    """Write the coverage report (figures and one self-contained HTML page), without Prefect."""
    db_path = existing_db(db, config_dir, "report")

    from newsmon.report import write_report  # noqa: PLC0415
    from newsmon.store import Store, StoreError  # noqa: PLC0415

    try:
        with Store.open(db_path) as store:
            files = write_report(store, out)
    except StoreError as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"{files.html}: {len(files.images)} figures, {files.spikes} spike weeks, "
               f"{files.events} timeline entries")  # fmt: skip


@app.command()
def explain(
    article: Annotated[str, typer.Argument(help="an article id from the database, or a plain-text file (- = stdin)")],
    config_dir: ConfigOpt = Path("config"),
    db: DbOpt = None,
    date: Annotated[str | None, typer.Option("--date", help="publication date YYYY-MM-DD (for a file; "
                                                            "default: today in Amsterdam)")] = None,
    topic: Annotated[str, typer.Option(help="topic id")] = "nk_ru",
) -> None:
    """Show why an article got its topic level: features, relation sentences and terms highlighted in context.

    Uses the configuration's gazetteer and topic rules and the publication day in Amsterdam, as ingest does."""
    from zoneinfo import ZoneInfo  # noqa: PLC0415

    amsterdam = ZoneInfo(AMSTERDAM_ZONE)
    day = parse_day("--date", date) if date else None
    config = _load(config_dir, rules=True)
    if Path(article).is_file() or article == "-":
        body = _read_text_file(article)
        title = lead = None
        day = day or datetime.now(amsterdam).date()
    else:
        db_path = existing_db(db, config_dir, "explain")
        from newsmon.store import Store, StoreError  # noqa: PLC0415

        try:
            with Store.open(db_path, read_only=True) as store:
                row = store.con.execute(
                    "SELECT title, lead, body, coalesce(published_at, fetched_at) FROM articles WHERE id = ?", [article]
                ).fetchone()
        except StoreError as exc:
            raise _fail(str(exc)) from None
        if row is None:
            raise _fail(f"{article}: neither a file nor an article id in {db_path}")
        title, lead, body, published = row
        day = day or published.astimezone(amsterdam).date()

    from newsmon.analysis import analyse  # noqa: PLC0415
    from newsmon.topics import explain_lines  # noqa: PLC0415

    result = analyse(body, day, title, lead, resources_for(config))
    found = next((t for t in result.topics if t.topic == topic), None)
    if found is None:
        raise _fail(f"--topic {topic!r}: not defined in the topic rules ({resources_for(config).topics})")
    for line in explain_lines(found, {"title": title, "lead": lead, "body": body}, colour=sys.stdout.isatty()):
        typer.echo(line)


@app.command()
def export(
    config_dir: ConfigOpt = Path("config"),
    db: DbOpt = None,
    out: Annotated[Path, typer.Option(help="directory for the Parquet files and manifest.json")] = Path("export"),
) -> None:
    """Write the main tables and views as Parquet files with a manifest (rows, columns, sha256)."""
    db_path = existing_db(db, config_dir, "export")

    from newsmon.store import EXPORTED, Store, StoreError  # noqa: PLC0415

    progress = progress_for_terminal()
    try:
        with Store.open(db_path) as store:
            progress.stage(f"exporting {len(EXPORTED)} tables", None)
            manifest = store.export_parquet(out)
            progress.stage(f"exporting {len(EXPORTED)} tables", 1)
            progress.advance(f"exporting {len(EXPORTED)} tables")
    except StoreError as exc:
        raise _fail(str(exc)) from None
    finally:
        progress.close()
    typer.echo(f"{out}/manifest.json: {len(manifest['files'])} files, "
               f"{sum(f['rows'] for f in manifest['files'])} rows from {db_path}")


@app.command("index")
def index_command(
    config_dir: ConfigOpt = Path("config"),
    db: DbOpt = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="drop the index and index every article again")] = False,
) -> None:
    """Index the articles the full-text index lacks (loads keep it current; a database from before it
    is indexed when first opened), or with --rebuild every article again."""
    db_path = existing_db(db, config_dir, "index")

    from newsmon.store import Store, StoreError  # noqa: PLC0415

    try:
        with Store.open(db_path) as store:
            count = store.rebuild_search_index() if rebuild else store.index_pending()
    except StoreError as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"full-text index: {count} articles indexed")


@app.command("check-db")
def check_db(config_dir: ConfigOpt = Path("config"), db: DbOpt = None, wait: WaitOpt = 30.0) -> None:
    """Run the SQL checks in sql/checks/ (uniqueness, relationships, vocabularies) on the database."""
    db_path = existing_db(db, config_dir, "check-db")

    from newsmon.store import Store, StoreError  # noqa: PLC0415

    try:
        with Store.open(db_path, wait_s=wait) as store:
            results = store.run_checks()
    except StoreError as exc:
        raise _fail(str(exc)) from None
    for name, rows in results.items():
        typer.echo(f"{'ok  ' if not rows else 'FAIL'} {name}" + (f": {len(rows)} rows, e.g. {rows[0]}" if rows else ""))
    if any(results.values()):
        raise typer.Exit(1)


_CATALOG_HELP = (
    "the lake's catalog: a SQLite file (loaders on this host), or postgres://user@host:port/db "
    "(loaders on any host; the database must exist)"
)


@lake_app.command("push")
def lake_push(
    catalog: Annotated[str, typer.Option("--catalog", help=_CATALOG_HELP)],
    data_dir: Annotated[
        Path, typer.Option("--data-dir", help="the lake's folder of Parquet files (shared storage for several hosts)")
    ],
    config_dir: ConfigOpt = Path("config"),
    db: DbOpt = None,
    since: Annotated[str | None, typer.Option(help="only articles fetched on or after this day, YYYY-MM-DD")] = None,
    batch: Annotated[int, typer.Option(min=1, help="articles per lake transaction")] = 500,
) -> None:
    """Copy this DuckDB store's articles, sources and derived rows into a shared DuckLake.

    Several stores (one per ingest pipeline, on this host or, with a PostgreSQL catalog, on several)
    can push into one lake at the same time; each batch is one transaction, a batch that conflicts
    with another loader's is run again (counted as retried), and pushing again never duplicates rows."""
    since_day = datetime.combine(parse_day("--since", since), datetime.min.time(), UTC) if since else None
    db_path = existing_db(db, config_dir, "lake push")

    from newsmon.lake import Lake, LakeError  # noqa: PLC0415
    from newsmon.store import Store, StoreError  # noqa: PLC0415

    try:
        with Store.open(db_path, read_only=True) as store, Lake.open(catalog, data_dir) as lake:
            ids = [r[0] for r in store.con.execute(
                "SELECT id FROM articles WHERE ? IS NULL OR fetched_at >= ? ORDER BY id", [since_day, since_day]
            ).fetchall()]  # fmt: skip
            started, batches = time.monotonic(), 0
            for start in range(0, len(ids), batch):
                lake.load_frames(store.content_frames(ids[start : start + batch]))
                batches += 1
            per_batch = (time.monotonic() - started) / batches if batches else 0.0
            total = lake.count("articles")
            typer.echo(f"pushed {len(ids)} articles from {db_path} in {lake.commits} transactions "
                       f"({lake.retries} retried); {batches} batches, {per_batch:.3f} s per batch; "
                       f"the lake now holds {total} articles")  # fmt: skip
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
