"""DuckDB: connection, schema migrations from sql/, batch upserts, run records.

Only this module touches DuckDB. One process writes at a time (DuckDB locks the file); a second
writer waits up to `wait_s` and then fails with a message naming the holder. Every batch is
loaded in one transaction from Arrow/pandas frames (never executemany), deduplicated first
because duplicate keys inside one INSERT ... ON CONFLICT are not reliable.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, NamedTuple, cast

import duckdb
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]

from newsmon.urls import canonical_url
from newsmon.versioning import ARTICLE_COLUMNS, article_insert_values, article_updates, new_versions

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"
# what `newsmon export` writes: the main tables and the analysts' views
EXPORTED = (
    "outlets", "feeds", "articles", "article_sources", "entities", "entity_mentions", "article_topics", "events",
    "runs", "v_topic_articles", "v_coverage_weekly", "v_coverage_spikes", "v_entity_weekly",
    "v_entity_comentions_weekly", "v_event_timeline", "v_feed_health",
)  # fmt: skip
_EXT_DIR_PARTS = ("duckdb_ext", "extensions", f"v{duckdb.__version__}", "linux_amd64")


FEED_CONFIG_COLUMNS = ("id", "outlet_id", "name", "url", "section", "language", "enabled")


class StoreError(Exception):
    """The database cannot be opened or written; the message says which file and why."""


def storage_failure(db_path: Path, archive_dir: Path, exc: BaseException) -> str:
    """The message for a run stopped by its own disk (full, read-only, no permission)."""
    named = re.search(r'file "([^"]+)": (.+)', str(exc))  # DuckDB: Could not write file "X": reason
    if isinstance(exc, OSError) and exc.filename:
        where, reason = str(exc.filename), exc.strerror or str(exc)
    elif named:
        where, reason = named.group(1), named.group(2)
    else:
        where, reason = f"{db_path} or {archive_dir}", str(exc).splitlines()[0]
    return (f"run stopped: cannot write {where}: {reason}. Batches loaded before this point are complete; "
            f"nothing of the unfinished batch was stored. Free space or fix permissions, then run again.")  # fmt: skip


@dataclass(frozen=True)
class ArticleRow:
    id: str
    url: str
    canonical_url: str
    page_canonical_url: str | None
    outlet_id: str
    title: str | None
    lead: str | None
    author: str | None
    section: str | None
    published_at: datetime | None
    published_source: str
    fetched_at: datetime
    language: str | None
    body: str
    word_count: int
    content_sha256: str
    raw_sha256: str | None
    http_status: int | None
    status: str
    notes: str | None
    extractor_version: str
    run_id: str


@dataclass(frozen=True)
class SourceRow:
    article_id: str
    feed_id: str
    entry_url: str
    guid: str | None
    feed_title: str | None
    feed_published_at: datetime | None
    seen_at: datetime


@dataclass(frozen=True)
class UrlRow:
    """A normalised URL that leads to a stored article: a feed link, the page's canonical URL, or where
    the fetch's redirects ended. The first article to claim a URL keeps it."""

    url: str
    article_id: str
    kind: str  # link | page_canonical | final_url
    seen_at: datetime


@dataclass(frozen=True)
class GuidRow:
    """The GUID a feed gave a stored article."""

    feed_id: str
    guid: str
    article_id: str
    seen_at: datetime


@dataclass(frozen=True)
class FailureRow:
    article_id: str
    url: str
    feed_id: str
    guid: str | None
    feed_title: str | None
    feed_published_at: datetime | None
    failed_at: datetime
    http_status: int | None
    error: str
    run_id: str
    # the queue (newsmon.retry): the kind of failure, the host, when to try again or when given up;
    # `attempted` False for a page queued without a fetch (its host was backing off)
    kind: str = "failed"
    host: str | None = None
    next_attempt_at: datetime | None = None
    given_up_at: datetime | None = None
    attempted: bool = True


@dataclass(frozen=True)
class HostRow:
    """A host whose pages failed transiently: left alone until `next_attempt_at`."""

    host: str
    failures: int
    first_failed_at: datetime
    last_failed_at: datetime
    next_attempt_at: datetime
    last_error: str


@dataclass(frozen=True)
class RevisitRow:
    """An article's revisit schedule (newsmon.revisit). `advance` False: written only when the article
    has no schedule yet (a first fetch); True: replaces it (a revisit was made)."""

    article_id: str
    url: str
    first_fetched_at: datetime
    revisits: int
    next_revisit_at: datetime | None
    etag: str | None
    last_modified: str | None
    last_revisit_at: datetime | None
    last_outcome: str | None
    advance: bool


@dataclass(frozen=True)
class WallRow:
    """A page that answered with a consent or login wall: retried later, never stored as the article."""

    article_id: str
    url: str
    final_url: str
    feed_id: str
    guid: str | None
    feed_title: str | None
    feed_published_at: datetime | None
    seen_at: datetime
    http_status: int | None
    reason: str
    run_id: str


# Hours to wait before fetching again: a failed page after its 1st and 2nd failure (the 3rd is
# final), a consent wall after its 1st, 2nd, 3rd+ sighting, an empty or live page after its 1st,
# 2nd and 3rd fetch (then it is left as it is).
REFETCH_BACKOFF_H = (1, 4, 24)
REFETCH_STATUSES = ("empty", "live")


@dataclass(frozen=True)
class FeedStateRow:
    feed_id: str
    polled_at: datetime
    success: bool
    etag: str | None
    last_modified: str | None
    body_sha256: str | None
    had_new_items: bool
    error: str | None
    next_poll_at: datetime
    poll_interval_s: int


@dataclass(frozen=True)
class PollRow:
    run_id: str
    feed_id: str
    polled_at: datetime
    http_status: int | None
    outcome: str
    items: int
    new_items: int
    skipped_items: int
    duration_ms: int
    warning: str | None
    error: str | None


# The derived rows (mentions, topics, events) are named tuples, not dataclasses: a re-analysis moves
# millions of them from the workers to the loading process, and a tuple pickles and becomes a frame
# row without a per-field attribute lookup.
class MentionRow(NamedTuple):
    article_id: str
    field: str
    start_char: int
    end_char: int
    entity_id: str | None
    surface: str
    sentence: int
    kind: str
    source: str
    refers_to: str | None
    gazetteer_version: str


class TopicRow(NamedTuple):
    article_id: str
    topic: str
    relevance: str
    score: float
    themes: list[str]
    evidence: str  # JSON
    rules_version: str


class EventRow(NamedTuple):
    article_id: str
    field: str
    start_char: int
    end_char: int
    expression: str
    date_start: date | None
    date_end: date | None
    precision: str | None
    sentence: str
    entity_ids: list[str]
    rules_version: str


@dataclass(frozen=True)
class FeedState:
    """What the last poll left behind for the next one."""

    etag: str | None = None
    last_modified: str | None = None
    body_sha256: str | None = None
    consecutive_failures: int = 0
    poll_interval_s: int | None = None
    next_poll_at: datetime | None = None


@dataclass
class LoadBatch:
    """Rows produced by one batch; loaded all together or not at all."""

    articles: list[ArticleRow] = field(default_factory=list)
    sources: list[SourceRow] = field(default_factory=list)
    urls: list[UrlRow] = field(default_factory=list)
    guids: list[GuidRow] = field(default_factory=list)
    failures: list[FailureRow] = field(default_factory=list)
    hosts_failing: list[HostRow] = field(default_factory=list)
    hosts_ok: list[str] = field(default_factory=list)  # hosts that delivered a page: their backoff ends
    revisits: list[RevisitRow] = field(default_factory=list)
    walls: list[WallRow] = field(default_factory=list)
    feed_states: list[FeedStateRow] = field(default_factory=list)
    polls: list[PollRow] = field(default_factory=list)
    # derived rows: for every id in `enriched_ids` the old rows are replaced by these
    enriched_ids: list[str] = field(default_factory=list)
    mentions: list[MentionRow] = field(default_factory=list)
    topics: list[TopicRow] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)


def content_hash(title: str | None, body: str) -> str:
    return hashlib.sha256(f"{title or ''}\n{body}".encode()).hexdigest()


def batch_frames(batch: LoadBatch, *, operational: bool = True) -> dict[str, pd.DataFrame]:
    """The batch as one frame per staging name of the load statements. Without `operational`, only the
    content (articles, sources, derived rows), as the DuckLake loader needs."""
    frames = {
        "b_articles": _frame(batch.articles, ArticleRow, ("id",)),
        "b_sources": _frame(batch.sources, SourceRow, ("article_id", "feed_id", "entry_url")),
        "b_enriched": pd.DataFrame({"article_id": list(dict.fromkeys(batch.enriched_ids))}, dtype="string"),
        "b_mentions": _frame(batch.mentions, MentionRow, ("article_id", "field", "start_char")),
        "b_topics": _frame(batch.topics, TopicRow, ("article_id", "topic")),
        "b_events": _frame(batch.events, EventRow, ("article_id", "field", "start_char")),
    }
    if operational:
        frames["b_urls"] = _frame(batch.urls, UrlRow, ("url",), keep="first")
        frames["b_guids"] = _frame(batch.guids, GuidRow, ("feed_id", "guid"), keep="first")
        frames["b_failures"] = _frame(batch.failures, FailureRow, ("article_id",))
        frames["b_hosts_failing"] = _frame(batch.hosts_failing, HostRow, ("host",))
        frames["b_revisits"] = _frame(batch.revisits, RevisitRow, ("article_id",))
        frames["b_hosts_ok"] = pd.DataFrame({"host": list(dict.fromkeys(batch.hosts_ok))}, dtype="string")
        frames["b_walls"] = _frame(batch.walls, WallRow, ("article_id",))
        frames["b_states"] = _frame(batch.feed_states, FeedStateRow, ("feed_id",))
        frames["b_polls"] = _frame(batch.polls, PollRow, ("run_id", "feed_id"))
    return frames


def _frame(
    rows: Sequence[Any], row_type: type, key: tuple[str, ...], keep: Literal["first", "last"] = "last"
) -> pd.DataFrame:
    if not rows and row_type in _EMPTY_FRAMES:
        return _EMPTY_FRAMES[row_type]  # read only (registered, never changed): one typed frame serves all
    columns = _columns(row_type)
    names = list(columns)
    if issubclass(row_type, tuple):  # named tuples are records already
        frame = pd.DataFrame.from_records(rows, columns=names)
    else:  # attribute tuples, not dataclasses.asdict: asdict deep-copies and cost more than the load itself
        frame = pd.DataFrame.from_records([tuple(getattr(r, n) for n in names) for r in rows], columns=names)
    # Duplicate keys inside one upsert are not reliable: keep the last row per key.
    frame = frame.drop_duplicates(subset=list(key), keep=keep)
    for name, annotation in columns.items():
        if "datetime" in annotation:
            frame[name] = pd.to_datetime(frame[name], utc=True)
    if not rows:
        _EMPTY_FRAMES[row_type] = frame
    return frame


_EMPTY_FRAMES: dict[type, pd.DataFrame] = {}


def _columns(row_type: type) -> dict[str, str]:
    """Field names of a row type (dataclass or named tuple) with their annotations, in order."""
    if issubclass(row_type, tuple):
        return {name: str(row_type.__annotations__[name]) for name in row_type._fields}  # type: ignore[attr-defined]
    return {f.name: str(f.type) for f in fields(cast(Any, row_type))}


def extension_dir() -> Path | None:
    """The folder of DuckDB extension files shipped by the duckdb-ext-* PyPI packages, if installed."""
    import importlib.util  # noqa: PLC0415 - only needed when an extension is used

    spec = importlib.util.find_spec(_EXT_DIR_PARTS[0])
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))).joinpath(*_EXT_DIR_PARTS[1:])


def fts_extension_path() -> Path | None:
    """The fts extension shipped by the duckdb-ext-fts package, if installed."""
    folder = extension_dir()
    path = folder / "fts.duckdb_extension" if folder else None
    return path if path and path.is_file() else None


# Rows per row group in the tables the store writes (DuckDB's default is 122,880). A checkpoint rewrites the
# columns of a table's last, growing row group: with the default, every load's checkpoint read and rewrote up
# to 122,880 articles' text, so its memory and time grew with the archive; with 4,096 both stay bounded (at
# N -> 5 N pages the checkpoint's extra memory went from +5 -> +60 MB to under +12 MB). The size is an ATTACH
# option, not stored in the file: every connection the store opens sets it.
ROW_GROUP_SIZE = 4096
_RESERVED_CATALOGS = frozenset({"memory", "system", "temp", "main"})


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the store file with its session settings (`_session`). The file is attached with
    ROW_GROUP_SIZE under its stem, the catalog name DuckDB gives it when opened directly (`duckdb
    news.duckdb`), and made the default; spilled data goes where it would then go (news.duckdb.tmp)."""
    alias = path.stem if path.stem.lower() not in _RESERVED_CATALOGS else f"{path.stem}_store"
    catalog = '"' + alias.replace('"', '""') + '"'
    options = f"ROW_GROUP_SIZE {ROW_GROUP_SIZE}" + (", READ_ONLY" if read_only else "")
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH {sql_literal(path)} AS {catalog} ({options})")
        con.execute(f"USE {catalog}")
        con.execute(f"SET temp_directory = {sql_literal(f'{path}.tmp')}")
        return _session(con)
    except BaseException:
        con.close()
        raise


def sql_literal(text: str | Path) -> str:
    """`text` as a quoted SQL string literal (for statements that take no parameters: ATTACH, SET, LOAD)."""
    return "'" + str(text).replace("'", "''") + "'"


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, frames: dict[str, Any]) -> Iterator[None]:
    """`frames` (name -> pandas frame or Arrow table) visible to SQL under their names while the block runs."""
    for name, frame in frames.items():
        con.register(name, frame)
    try:
        yield
    finally:
        for name in frames:
            con.unregister(name)


def _session(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A store connection's settings, the same for every connection it opens: timestamps read and written
    in UTC; no extension fetched from the network (none is reachable offline), and the fts extension
    loaded from the duckdb-ext-fts package (its Dutch stemmer builds and queries the search index)."""
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET autoinstall_known_extensions = false")
    ext = fts_extension_path()
    if ext is None:
        raise StoreError("the fts extension is not installed (package duckdb-ext-fts): run `make setup`")
    con.execute(f"LOAD {sql_literal(ext)}")
    return con


class Store:
    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path) -> None:
        self.con = con
        self.path = path
        self._memory_limit: str | None = None  # DuckDB's memory limit as first read (_drop_cached_blocks)

    # --- opening and schema -------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, *, wait_s: float = 30.0, read_only: bool = False) -> Store:
        """Open (creating) the database and apply pending migrations and views."""
        path = Path(path)
        if not read_only:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"{path}: cannot create its directory: {exc.strerror}") from exc
        deadline = time.monotonic() + wait_s
        while True:
            try:
                con = connect(path, read_only=read_only)
                break
            except duckdb.IOException as exc:
                message = str(exc)
                if "lock" in message.lower() and time.monotonic() < deadline:
                    time.sleep(0.5)
                    continue
                holder = re.search(r"PID (\d+)", message)
                who = f"process {holder.group(1)}" if holder else "another process"
                if "lock" in message.lower():
                    raise StoreError(
                        f"{path}: in use by {who} (waited {wait_s:g} s); only one writer at a time"
                    ) from exc
                raise StoreError(f"{path}: cannot open: {message}") from exc
        store = cls(con, path)
        if not read_only:
            store.migrate()
        return store

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def migrate(self, sql_dir: Path = SQL_DIR) -> list[str]:
        """Apply schema files not yet recorded, then (re)create every view. Returns what was applied."""
        schema_dir, views_dir = sql_dir / "schema", sql_dir / "views"
        if not schema_dir.is_dir():
            raise StoreError(f"schema directory {schema_dir} not found (is newsmon installed with -e?)")
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version VARCHAR PRIMARY KEY, sha256 VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
        )
        done = {row[0] for row in self.con.execute("SELECT version FROM schema_migrations").fetchall()}
        applied = []
        for file in sorted(schema_dir.glob("*.sql")):
            if file.stem in done:
                continue
            text = file.read_text(encoding="utf-8")
            with self.transaction():
                self.con.execute(text)
                self.con.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                    [file.stem, hashlib.sha256(text.encode()).hexdigest(), datetime.now(UTC)],
                )
            applied.append(file.stem)
        self._create_views(sorted(views_dir.glob("*.sql")))
        if "012_search_index" in applied:  # the articles stored before the index existed
            self.index_pending()
        return applied

    def _create_views(self, files: list[Path]) -> None:
        """Create views in dependency order: a view whose base view is not there yet is retried after the rest."""
        pending = files
        while pending:
            failed: list[tuple[Path, duckdb.Error]] = []
            for file in pending:
                try:
                    self.con.execute(file.read_text(encoding="utf-8"))
                except duckdb.CatalogException as exc:
                    failed.append((file, exc))
            if len(failed) == len(pending):
                raise StoreError(f"{failed[0][0]}: {failed[0][1]}")
            pending = [f for f, _ in failed]

    @contextmanager
    def bulk_writes(self, checkpoint_every: str = "1GB") -> Iterator[None]:
        """Many loads in a row (reprocessing): DuckDB folds its write-ahead log into the file (a
        checkpoint, which writes the changed tables and their whole primary-key indexes again) every
        `checkpoint_every` of log instead of every 16 MB, and once at the end. Each load stays its own
        transaction; an interrupted run leaves a longer log, replayed at the next open."""
        row = self.con.execute("SELECT current_setting('checkpoint_threshold')").fetchone()
        before = str(row[0]) if row else "16MB"
        self.con.execute(f"SET checkpoint_threshold = '{checkpoint_every}'")
        try:
            yield
        finally:
            self.con.execute(f"SET checkpoint_threshold = '{before}'")
        self.con.execute("CHECKPOINT")

    def checkpoint_from(self, wal_bytes: int) -> bool:
        """Between loads: fold the write-ahead log into the database file (a CHECKPOINT) once the log
        holds at least `wal_bytes`. Returns whether it did.

        Until a checkpoint, DuckDB holds what the loads wrote in memory, so the interval bounds that
        memory whatever the size of the archive. A checkpoint that cannot write (a full disk) makes
        DuckDB close the database; the committed loads are in the log, so the store opens the file
        again (which replays the log) before the error goes on, and the run can still be marked."""
        try:
            size = Path(f"{self.path}.wal").stat().st_size
        except FileNotFoundError:
            return False
        if size < wal_bytes:
            return False
        try:
            self.con.execute("CHECKPOINT")
        except duckdb.FatalException as exc:
            try:
                self._reconnect()
            except duckdb.Error as also:
                exc.add_note(f"(the database could not be opened again: {also})")
            raise
        self._drop_cached_blocks()
        return True

    def _drop_cached_blocks(self) -> None:
        """Let go of the table blocks DuckDB keeps in memory once they are on disk. DuckDB holds every block
        it wrote or read until its memory limit forces it out, so over a long run the cache grew with the
        archive (a tenth of all the loads wrote, at 10,000 pages); the next loads read what they need from
        the file, which the operating system caches. Lowering the memory limit for a moment is DuckDB's one
        way to evict: blocks still in use stay, and the limit is put back as it was when first read here
        (DuckDB shows it rounded down, so reading it anew each time would lower it a little every time)."""
        if self._memory_limit is None:
            (self._memory_limit,) = self.con.execute("SELECT current_setting('memory_limit')").fetchall()[0]
        try:
            self.con.execute("SET memory_limit = '1MB'")
        except duckdb.OutOfMemoryException:
            pass  # what could not be evicted stays cached
        finally:
            self.con.execute(f"SET memory_limit = '{self._memory_limit}'")

    def _reconnect(self) -> None:
        with suppress(duckdb.Error):
            self.con.close()
        self.con = connect(self.path)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    # --- configuration ------------------------------------------------------------------

    def sync_config(self, outlets: Sequence[dict[str, Any]], feeds: Sequence[dict[str, Any]]) -> None:
        """Upsert outlets and feeds from config; poll state of existing feeds is kept. Rows that already
        say what the config says are left alone (a run every few minutes should not rewrite them)."""
        outlet_cols, feed_cols = ("id", "name", "country", "homepage"), FEED_CONFIG_COLUMNS
        have = set(self.con.execute(f"SELECT {', '.join(outlet_cols)} FROM outlets").fetchall())
        have |= set(self.con.execute(f"SELECT {', '.join(feed_cols)} FROM feeds").fetchall())
        outlets = [o for o in outlets if tuple(o[c] for c in outlet_cols) not in have]
        feeds = [f for f in feeds if tuple(f[c] for c in feed_cols) not in have]
        if not outlets and not feeds:
            return
        with self.transaction():
            for o in outlets:
                self.con.execute(
                    "INSERT INTO outlets VALUES ($id, $name, $country, $homepage) ON CONFLICT (id) DO UPDATE SET "
                    "name = excluded.name, country = excluded.country, homepage = excluded.homepage",
                    o,
                )
            for f in feeds:
                self.con.execute(
                    "INSERT INTO feeds (id, outlet_id, name, url, section, language, enabled) "
                    "VALUES ($id, $outlet_id, $name, $url, $section, $language, $enabled) "
                    "ON CONFLICT (id) DO UPDATE SET outlet_id = excluded.outlet_id, name = excluded.name, "
                    "url = excluded.url, section = excluded.section, language = excluded.language, "
                    "enabled = excluded.enabled, "
                    # a new URL starts a new history: forget validators of the old one
                    "etag = CASE WHEN feeds.url = excluded.url THEN feeds.etag END, "
                    "last_modified = CASE WHEN feeds.url = excluded.url THEN feeds.last_modified END, "
                    "body_sha256 = CASE WHEN feeds.url = excluded.url THEN feeds.body_sha256 END",
                    f,
                )

    def sync_gazetteer(self, version: str, frames: Callable[[], tuple[pd.DataFrame, pd.DataFrame]]) -> bool:
        """Replace entities and aliases when the gazetteer version changed. Returns whether it did.

        `frames` builds the (entities, aliases) rows; it is only called when they are needed.
        """
        current = self.con.execute("SELECT any_value(gazetteer_version) FROM entities").fetchone()
        if current is not None and current[0] == version:
            return False
        entities, aliases = frames()
        with registered(self.con, {"g_entities": entities, "g_aliases": aliases}), self.transaction():
            self.con.execute("DELETE FROM entity_aliases")
            self.con.execute("DELETE FROM entities")
            self.con.execute("INSERT INTO entities BY NAME SELECT * FROM g_entities")
            self.con.execute("INSERT INTO entity_aliases BY NAME SELECT DISTINCT * FROM g_aliases")
        return True

    def feed_states(self) -> dict[str, FeedState]:
        rows = self.con.execute(
            "SELECT id, etag, last_modified, body_sha256, consecutive_failures, poll_interval_s, next_poll_at "
            "FROM feeds"
        ).fetchall()
        return {r[0]: FeedState(*r[1:]) for r in rows}

    # --- reads used by the pipeline -----------------------------------------------------

    def known_articles(self, ids: Sequence[str]) -> dict[str, datetime]:
        """Stored article ids among `ids`, with the time each was last fetched."""
        if not ids:
            return {}
        with registered(self.con, {"wanted_ids": pd.DataFrame({"id": list(dict.fromkeys(ids))})}):
            rows = self.con.execute("SELECT a.id, a.fetched_at FROM articles a JOIN wanted_ids w USING (id)").fetchall()
        return {r[0]: r[1] for r in rows}

    def articles_by_url(self, urls: Sequence[str]) -> dict[str, str]:
        """Of the normalised `urls`, those that lead to a stored article, with its id."""
        if not urls:
            return {}
        rows = self.con.execute(
            "SELECT url, article_id FROM article_urls WHERE list_contains(?, url)", [list(dict.fromkeys(urls))]
        ).fetchall()
        return {r[0]: r[1] for r in rows}

    def articles_by_guid(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """Of the (feed id, GUID) pairs, those a feed gave a stored article, with its id."""
        if not keys:
            return {}
        frame = pd.DataFrame(list(dict.fromkeys(keys)), columns=["feed_id", "guid"])
        with registered(self.con, {"wanted_guids": frame}):
            rows = self.con.execute(
                "SELECT g.feed_id, g.guid, g.article_id FROM article_guids g JOIN wanted_guids w USING (feed_id, guid)"
            ).fetchall()
        return {(r[0], r[1]): r[2] for r in rows}

    def analysis_ids(self, statuses: Sequence[str], since: date | None = None) -> list[str]:
        """Ids of the stored articles with one of `statuses` (published since `since`), oldest first: what
        a re-analysis goes through, batch by batch (analysis_texts), without holding every text at once."""
        rows = self.con.execute(
            "SELECT id FROM articles WHERE list_contains(?, status) AND (?::DATE IS NULL OR published_at >= ?::DATE) "
            "ORDER BY published_at, id",
            [list(statuses), since, since],
        ).fetchall()
        return [r[0] for r in rows]

    def analysis_texts(self, ids: Sequence[str]) -> list[tuple[str, str | None, str | None, str, datetime]]:
        """(id, title, lead, body, published_at or else fetched_at) of these articles, in the order of `ids`."""
        rows = self.con.execute(
            "SELECT a.id, a.title, a.lead, a.body, coalesce(a.published_at, a.fetched_at) "
            "FROM (SELECT unnest(?::VARCHAR[]) AS id, generate_subscripts(?::VARCHAR[], 1) AS k) i "
            "JOIN articles a ON a.id = i.id ORDER BY i.k",
            [list(ids), list(ids)],
        ).fetchall()
        return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    def articles_for_reextract(
        self, since: date | None = None
    ) -> list[tuple[tuple[Any, ...], datetime | None, str | None]]:
        """Stored pages with their first feed's date and title, oldest first."""
        rows = self.con.execute(
            "SELECT a.id, a.url, a.canonical_url, a.outlet_id, a.fetched_at, a.raw_sha256, a.http_status, "
            "a.first_run_id, min(s.feed_published_at), min(s.feed_title) "
            "FROM articles a LEFT JOIN article_sources s ON s.article_id = a.id "
            "WHERE a.raw_sha256 IS NOT NULL AND (?::DATE IS NULL OR a.published_at >= ?::DATE) "
            "GROUP BY ALL ORDER BY min(a.published_at), a.id",
            [since, since],
        ).fetchall()
        return [(tuple(r[:8]), r[8], r[9]) for r in rows]

    def content_hashes(self, ids: Sequence[str]) -> dict[str, str]:
        if not ids:
            return {}
        rows = self.con.execute("SELECT id, content_sha256 FROM articles WHERE list_contains(?, id)", [list(ids)])
        return dict(rows.fetchall())

    def retryable_failures(self, now: datetime | None = None) -> list[FailureRow]:
        """Queued pages not given up; with `now`, only those whose next attempt has come."""
        rows = self.con.execute(
            "SELECT article_id, url, feed_id, guid, feed_title, feed_published_at, last_failed_at, http_status, "
            "error, last_run_id, coalesce(kind, 'failed'), host, next_attempt_at, given_up_at "
            "FROM fetch_failures f WHERE given_up_at IS NULL "
            "AND (?::TIMESTAMPTZ IS NULL OR next_attempt_at IS NULL OR next_attempt_at <= ?::TIMESTAMPTZ) "
            "AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = f.article_id) ORDER BY article_id",
            [now, now],
        ).fetchall()
        return [FailureRow(*r) for r in rows]

    def waiting_failures(self, ids: Sequence[str], now: datetime) -> set[str]:
        """Of `ids`, queued pages whose next attempt has not come yet, or that were given up."""
        if not ids:
            return set()
        rows = self.con.execute(
            "SELECT article_id FROM fetch_failures f WHERE list_contains(?, article_id) "
            "AND (next_attempt_at > ? OR given_up_at IS NOT NULL) "
            "AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = f.article_id)",
            [list(dict.fromkeys(ids)), now],
        ).fetchall()
        return {r[0] for r in rows}

    def queue_state(self, ids: Sequence[str]) -> dict[str, tuple[int, datetime]]:
        """(attempts, first failure) of the queued pages among `ids`."""
        if not ids:
            return {}
        rows = self.con.execute(
            "SELECT article_id, attempts, first_failed_at FROM fetch_failures WHERE list_contains(?, article_id)",
            [list(dict.fromkeys(ids))],
        ).fetchall()
        return {r[0]: (r[1], r[2]) for r in rows}

    def host_backoff(self) -> dict[str, HostRow]:
        """Hosts backing off after transient failures, by host."""
        rows = self.con.execute(
            "SELECT host, failures, first_failed_at, last_failed_at, next_attempt_at, last_error FROM host_backoff"
        ).fetchall()
        return {r[0]: HostRow(*r) for r in rows}

    def due_walls(self, now: datetime) -> list[FailureRow]:
        """Pages behind a consent or login wall whose next attempt has come, as rows to retry."""
        rows = self.con.execute(
            "SELECT article_id, url, feed_id, guid, feed_title, feed_published_at, last_seen_at, http_status, "
            "reason, last_run_id FROM consent_walls WHERE next_attempt_at <= ? ORDER BY article_id",
            [now],
        ).fetchall()
        return [FailureRow(*r) for r in rows]

    def waiting_walls(self, ids: Sequence[str], now: datetime) -> set[str]:
        """Of `ids`, the pages behind a wall whose next attempt has not come yet."""
        if not ids:
            return set()
        rows = self.con.execute(
            "SELECT article_id FROM consent_walls WHERE list_contains(?, article_id) AND next_attempt_at > ?",
            [list(dict.fromkeys(ids)), now],
        ).fetchall()
        return {r[0] for r in rows}

    def due_refetches(self, now: datetime) -> list[FailureRow]:
        """Stored empty or live pages whose next fetch has come, with their first feed's details."""
        rows = self.con.execute(
            "SELECT a.id, a.url, coalesce(s.feed_id, a.outlet_id || '/unknown'), s.guid, s.feed_title, "
            "s.feed_published_at, a.fetched_at, a.http_status, r.status, a.last_run_id "
            "FROM article_refetch r JOIN articles a ON a.id = r.article_id "
            "LEFT JOIN (SELECT article_id, arg_min(feed_id, first_seen_at) AS feed_id, arg_min(guid, first_seen_at) "
            "AS guid, arg_min(feed_title, first_seen_at) AS feed_title, min(feed_published_at) AS feed_published_at "
            "FROM article_sources GROUP BY article_id) s ON s.article_id = a.id "
            "WHERE r.next_fetch_at <= ? ORDER BY a.id",
            [now],
        ).fetchall()
        return [FailureRow(*r) for r in rows]

    def close_stale_revisits(self, now: datetime, max_age: timedelta) -> int:
        """End the schedule of articles first fetched longer than `max_age` ago (runs stopped for a
        while: an old article is not revisited late). Returns how many."""
        rows = self.con.execute(
            "UPDATE article_revisits SET next_revisit_at = NULL, last_outcome = 'expired' "
            "WHERE next_revisit_at IS NOT NULL AND first_fetched_at < ? RETURNING article_id",
            [now - max_age],
        ).fetchall()
        return len(rows)

    def due_revisits(self, now: datetime) -> list[tuple[FailureRow, RevisitRow]]:
        """Stored articles whose next revisit has come: their first feed's details and their schedule."""
        rows = self.con.execute(
            "SELECT a.id, r.url, coalesce(s.feed_id, a.outlet_id || '/unknown'), s.guid, s.feed_title, "
            "s.feed_published_at, a.fetched_at, a.http_status, a.status, a.last_run_id, "
            "r.first_fetched_at, r.revisits, r.next_revisit_at, r.etag, r.last_modified, r.last_revisit_at, "
            "r.last_outcome "
            "FROM article_revisits r JOIN articles a ON a.id = r.article_id "
            "LEFT JOIN (SELECT article_id, arg_min(feed_id, first_seen_at) AS feed_id, arg_min(guid, first_seen_at) "
            "AS guid, arg_min(feed_title, first_seen_at) AS feed_title, min(feed_published_at) AS feed_published_at "
            "FROM article_sources GROUP BY article_id) s ON s.article_id = a.id "
            "WHERE r.next_revisit_at <= ? ORDER BY a.id",
            [now],
        ).fetchall()
        return [
            (FailureRow(*r[:10]), RevisitRow(r[0], r[1], r[10], r[11], r[12], r[13], r[14], r[15], r[16], True))
            for r in rows
        ]

    def count(self, table: str) -> int:
        if not re.fullmatch(r"[a-z_]+", table):
            raise ValueError(f"not a table name: {table!r}")
        return int(self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # type: ignore[index]

    # --- runs ---------------------------------------------------------------------------

    def start_run(self, run_id: str, mode: str, config_dir: str) -> None:
        self.con.execute(
            "INSERT INTO runs (id, mode, config_dir, started_at, status) VALUES (?, ?, ?, ?, 'running')",
            [run_id, mode, config_dir, datetime.now(UTC)],
        )

    def finish_run(self, run_id: str, status: str, summary: dict[str, Any]) -> None:
        self.con.execute(
            "UPDATE runs SET finished_at = ?, status = ?, feeds_polled = ?, feeds_failed = ?, new_articles = ?, "
            "skipped = ?, failed = ?, summary = ? WHERE id = ?",
            [
                datetime.now(UTC), status, summary.get("feeds_polled"), summary.get("feeds_failed"),
                summary.get("new_articles"), summary.get("skipped"), summary.get("failed"),
                json.dumps(summary, default=str), run_id,
            ],
        )  # fmt: skip

    # --- the batch load -----------------------------------------------------------------

    def load_batch(self, batch: LoadBatch) -> None:
        """Load everything in `batch` in ONE transaction (all or nothing); safe to repeat."""
        frames = batch_frames(self._one_row_per_link(batch))
        refresh = bool(len(frames["b_enriched"]) or len(frames["b_articles"]))
        # only frames with rows are registered (a statement on an empty frame is skipped), plus the two
        # the entity tables' refresh reads
        used = {n: f for n, f in frames.items() if len(f) or (refresh and n in ("b_articles", "b_enriched"))}
        if not used:
            return
        # the derived rows (a re-analysis loads millions) as Arrow, which DuckDB reads as it is; a frame's
        # text columns would be converted value by value
        staged = {name: pa.Table.from_pandas(frame, preserve_index=False) if name in _ARROW_FRAMES and len(frame)
                  else frame for name, frame in used.items()}  # fmt: skip
        with registered(self.con, staged), self.transaction():
            for frame_name, statement in _LOAD_STATEMENTS:
                if frame_name in used and len(used[frame_name]):
                    self.con.execute(statement)
            if refresh:
                refresh_entity_tables(self.con)
                refresh_timeline_events(self.con)
            if len(used.get("b_articles", ())):
                refresh_search_index(self.con)

    def _one_row_per_link(self, batch: LoadBatch) -> LoadBatch:
        """Sources whose link differs from a stored (or earlier) one of the same article and feed only
        in what normalisation removes (tracking parameters, a fragment) take that link: one
        article_sources row per normalised link, however many variants a feed hands out."""
        if not batch.sources:
            return batch
        rows = self.con.execute(
            "SELECT article_id, feed_id, entry_url FROM article_sources WHERE list_contains(?, article_id) "
            "ORDER BY first_seen_at",
            [list({s.article_id for s in batch.sources})],
        ).fetchall()
        links: dict[tuple[str, str, str], str] = {}
        for aid, feed, url in rows:
            links.setdefault((aid, feed, canonical_url(url)), url)
        sources = []
        for s in batch.sources:
            link = links.setdefault((s.article_id, s.feed_id, canonical_url(s.entry_url)), s.entry_url)
            sources.append(s if link == s.entry_url else replace(s, entry_url=link))
        return replace(batch, sources=sources)

    def content_frames(self, ids: Sequence[str]) -> dict[str, pd.DataFrame]:
        """Stored articles `ids` with their sources and derived rows, as the staging frames of a load
        (see `batch_frames`): what a DuckLake loader pushes from this store."""
        wanted = pd.DataFrame({"id": list(dict.fromkeys(ids))}, dtype="string")
        article_cols = ", ".join(f.name for f in fields(ArticleRow) if f.name != "run_id")
        queries = {
            "b_articles": f"SELECT {article_cols}, last_run_id AS run_id FROM articles JOIN wanted_ids USING (id)",
            "b_sources": "SELECT article_id, feed_id, entry_url, guid, feed_title, feed_published_at, "
                         "last_seen_at AS seen_at FROM article_sources s JOIN wanted_ids w ON w.id = s.article_id",
            "b_mentions": "SELECT m.* FROM entity_mentions m JOIN wanted_ids w ON w.id = m.article_id",
            "b_topics": "SELECT t.* REPLACE (t.evidence::VARCHAR AS evidence) FROM article_topics t "
                        "JOIN wanted_ids w ON w.id = t.article_id",
            "b_events": "SELECT e.* FROM events e JOIN wanted_ids w ON w.id = e.article_id",
        }  # fmt: skip
        with registered(self.con, {"wanted_ids": wanted}):
            frames = {name: self.con.execute(sql).df() for name, sql in queries.items()}
        frames["b_enriched"] = pd.DataFrame({"article_id": frames["b_articles"]["id"]}, dtype="string")
        return frames

    def run_checks(self, sql_dir: Path = SQL_DIR) -> dict[str, list[tuple[Any, ...]]]:
        """Run every sql/checks/*.sql; each returns offending rows (empty = pass)."""
        return {
            file.stem: self.con.execute(file.read_text(encoding="utf-8")).fetchall()
            for file in sorted((sql_dir / "checks").glob("*.sql"))
        }

    def export_parquet(self, out: Path) -> dict[str, Any]:
        """Each of EXPORTED as out/<name>.parquet, plus out/manifest.json describing them."""
        out.mkdir(parents=True, exist_ok=True)
        files = []
        for name in EXPORTED:
            target = out / f"{name}.parquet"
            self.con.execute(f"COPY (SELECT * FROM {name}) TO '{target}' (FORMAT parquet, COMPRESSION zstd)")
            columns = [(r[0], r[1]) for r in self.con.execute(f"DESCRIBE SELECT * FROM {name}").fetchall()]
            rows = self.con.execute(f"SELECT count(*) FROM '{target}'").fetchone()
            files.append({
                "name": name, "file": target.name, "rows": int(rows[0]) if rows else 0,
                "columns": [{"name": c, "type": t} for c, t in columns],
                "sha256": hashlib.sha256(target.read_bytes()).hexdigest(),
            })  # fmt: skip
        versions = [r[0] for r in self.con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()]
        manifest = {"exported_at": datetime.now(UTC).isoformat(), "database": str(self.path),
                    "schema_versions": versions, "files": files}  # fmt: skip
        (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        return manifest

    def index_pending(self, chunk: int = 2000) -> int:
        """Index the articles the search index should hold and does not (a database from before the
        index, or one whose index was emptied), `chunk` articles per transaction so that memory stays
        bounded whatever the archive's size. Loads keep the index current themselves. Returns how many
        articles were indexed."""
        missing = "SELECT id FROM articles a WHERE search.indexed(status) AND NOT EXISTS " \
                  "(SELECT 1 FROM search.docs d WHERE d.article_id = a.id) ORDER BY id"  # fmt: skip
        ids = [row[0] for row in self.con.execute(missing).fetchall()]
        for start in range(0, len(ids), chunk):
            with registered(self.con, {"wanted_ids": pd.DataFrame({"id": ids[start : start + chunk]}, dtype="string")}):
                texts = self.con.execute(
                    "SELECT id, status, title, lead, body FROM articles SEMI JOIN wanted_ids USING (id)"
                ).fetch_arrow_table()
            with registered(self.con, {"b_articles": texts}), self.transaction():
                refresh_search_index(self.con)
            self.checkpoint_from(0)
        return len(ids)

    def rebuild_search_index(self) -> int:
        """Drop the search index's rows and index every article again (after a change to how text is
        tokenised). Returns the number of articles indexed."""
        with self.transaction():
            self.con.execute("DELETE FROM search.terms")
            self.con.execute("DELETE FROM search.docs")
        return self.index_pending()


# --- derived tables kept with the rows they come from ------------------------------------------


def refresh_entity_tables(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> None:
    """Rebuild entity_articles and entity_comentions for the articles of the registered staging frames
    b_articles and b_enriched, once their rows are loaded (call inside the load's transaction)."""
    con.execute((sql_dir / "refresh" / "entity_tables.sql").read_text(encoding="utf-8"))


def refresh_timeline_events(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> None:
    """Rebuild timeline_events (what v_event_timeline merges) for the articles of the registered staging
    frames b_articles and b_enriched, once their rows are loaded (call inside the load's transaction)."""
    con.execute((sql_dir / "refresh" / "timeline_events.sql").read_text(encoding="utf-8"))


def refresh_search_index(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> None:
    """Re-index the articles of the registered staging frame b_articles whose status or text changed
    (call inside the load's transaction, after the articles are written)."""
    con.execute((sql_dir / "refresh" / "search_index.sql").read_text(encoding="utf-8"))


_ARROW_FRAMES = frozenset({"b_mentions", "b_topics", "b_events"})

# (frame, statement): a statement is skipped when its frame has no rows.
_LOAD_STATEMENTS: tuple[tuple[str, str], ...] = (
    ("b_articles", new_versions("b_articles", "articles", "article_versions") + "ON CONFLICT DO NOTHING"),
    (
        "b_articles",
        f"""
        INSERT INTO articles ({", ".join(ARTICLE_COLUMNS)})
        SELECT {article_insert_values("")}
        FROM b_articles
        ON CONFLICT (id) DO UPDATE SET
            {article_updates("articles", "excluded", "excluded.last_run_id")}
        """,
    ),
    (
        "b_sources",
        """
        INSERT INTO article_sources
        SELECT article_id, feed_id, entry_url, guid, feed_title, feed_published_at, seen_at, seen_at FROM b_sources
        ON CONFLICT (article_id, feed_id, entry_url) DO UPDATE SET last_seen_at = excluded.last_seen_at
        """,
    ),
    ("b_urls", "INSERT INTO article_urls SELECT * FROM b_urls ON CONFLICT DO NOTHING"),
    ("b_guids", "INSERT INTO article_guids SELECT * FROM b_guids ON CONFLICT DO NOTHING"),
    ("b_articles", "DELETE FROM fetch_failures WHERE article_id IN (SELECT id FROM b_articles)"),
    ("b_articles", "DELETE FROM consent_walls WHERE article_id IN (SELECT id FROM b_articles)"),
    ("b_walls", "DELETE FROM fetch_failures WHERE article_id IN (SELECT article_id FROM b_walls)"),
    (
        "b_articles",
        f"""
        INSERT INTO article_refetch
        SELECT id, status, 1, fetched_at + INTERVAL {REFETCH_BACKOFF_H[0]} HOUR FROM b_articles
        WHERE list_contains({list(REFETCH_STATUSES)}, status)
        ON CONFLICT (article_id) DO UPDATE SET
            status = excluded.status, attempts = article_refetch.attempts + 1,
            next_fetch_at = CASE article_refetch.attempts + 1
                WHEN 2 THEN excluded.next_fetch_at + INTERVAL {REFETCH_BACKOFF_H[1] - REFETCH_BACKOFF_H[0]} HOUR
                WHEN 3 THEN excluded.next_fetch_at + INTERVAL {REFETCH_BACKOFF_H[2] - REFETCH_BACKOFF_H[0]} HOUR
                END
        """,
    ),
    (
        "b_articles",
        f"DELETE FROM article_refetch WHERE article_id IN "
        f"(SELECT id FROM b_articles WHERE NOT list_contains({list(REFETCH_STATUSES)}, status))",
    ),
    (
        "b_walls",
        f"""
        INSERT INTO consent_walls
        SELECT article_id, url, final_url, feed_id, guid, feed_title, feed_published_at, 1, seen_at, seen_at,
               http_status, reason, seen_at + INTERVAL {REFETCH_BACKOFF_H[0]} HOUR, run_id
        FROM b_walls
        ON CONFLICT (article_id) DO UPDATE SET
            final_url = excluded.final_url, attempts = consent_walls.attempts + 1,
            last_seen_at = excluded.last_seen_at, http_status = excluded.http_status, reason = excluded.reason,
            next_attempt_at = excluded.last_seen_at + CASE WHEN consent_walls.attempts + 1 = 2
                THEN INTERVAL {REFETCH_BACKOFF_H[1]} HOUR ELSE INTERVAL {REFETCH_BACKOFF_H[2]} HOUR END,
            last_run_id = excluded.last_run_id
        """,
    ),
    (
        "b_failures",
        # next_attempt_at and given_up_at come computed (newsmon.retry); a row without them (written
        # by hand) gets the old rule: 1 h, then 4 h. A deferred page (not attempted) keeps its counts.
        f"""
        INSERT INTO fetch_failures (article_id, url, feed_id, guid, feed_title, feed_published_at, attempts,
                                    first_failed_at, last_failed_at, http_status, error, last_run_id, next_attempt_at,
                                    kind, host, given_up_at)
        SELECT article_id, url, feed_id, guid, feed_title, feed_published_at, CAST(attempted AS INTEGER), failed_at,
               failed_at, http_status, error, run_id,
               CASE WHEN given_up_at IS NULL
                    THEN coalesce(next_attempt_at, failed_at + INTERVAL {REFETCH_BACKOFF_H[0]} HOUR) END,
               kind, host, given_up_at
        FROM b_failures
        ON CONFLICT (article_id) DO UPDATE SET
            attempts = fetch_failures.attempts + CAST(excluded.attempts > 0 AS INTEGER),
            last_failed_at = CASE WHEN excluded.attempts > 0 THEN excluded.last_failed_at
                                  ELSE fetch_failures.last_failed_at END,
            http_status = CASE WHEN excluded.attempts > 0 THEN excluded.http_status ELSE fetch_failures.http_status END,
            error = CASE WHEN excluded.attempts > 0 THEN excluded.error ELSE fetch_failures.error END,
            kind = CASE WHEN excluded.attempts > 0 THEN excluded.kind ELSE fetch_failures.kind END,
            host = excluded.host, last_run_id = excluded.last_run_id, given_up_at = excluded.given_up_at,
            next_attempt_at = CASE WHEN excluded.given_up_at IS NOT NULL THEN NULL
                WHEN excluded.next_attempt_at IS NOT NULL THEN excluded.next_attempt_at
                ELSE excluded.last_failed_at + CASE WHEN fetch_failures.attempts + 1 = 2
                    THEN INTERVAL {REFETCH_BACKOFF_H[1]} HOUR ELSE INTERVAL {REFETCH_BACKOFF_H[2]} HOUR END END
        """,
    ),
    (
        "b_hosts_failing",
        """
        INSERT INTO host_backoff SELECT * FROM b_hosts_failing
        ON CONFLICT (host) DO UPDATE SET failures = excluded.failures, last_failed_at = excluded.last_failed_at,
            next_attempt_at = excluded.next_attempt_at, last_error = excluded.last_error
        """,
    ),
    ("b_hosts_ok", "DELETE FROM host_backoff WHERE host IN (SELECT host FROM b_hosts_ok)"),
    (
        "b_revisits",
        """
        INSERT INTO article_revisits
        SELECT article_id, url, first_fetched_at, revisits, next_revisit_at, etag, last_modified, last_revisit_at,
               last_outcome
        FROM b_revisits WHERE advance OR article_id NOT IN (SELECT article_id FROM article_revisits)
        ON CONFLICT (article_id) DO UPDATE SET
            url = excluded.url, revisits = excluded.revisits, next_revisit_at = excluded.next_revisit_at,
            etag = coalesce(excluded.etag, article_revisits.etag),
            last_modified = coalesce(excluded.last_modified, article_revisits.last_modified),
            last_revisit_at = excluded.last_revisit_at, last_outcome = excluded.last_outcome
        """,
    ),
    (
        "b_states",
        """
        UPDATE feeds SET
            last_polled_at = s.polled_at,
            last_success_at = CASE WHEN s.success THEN s.polled_at ELSE feeds.last_success_at END,
            last_new_items_at = CASE WHEN s.had_new_items THEN s.polled_at
                                     ELSE feeds.last_new_items_at END,
            etag = CASE WHEN s.success THEN coalesce(s.etag, feeds.etag) ELSE feeds.etag END,
            last_modified = CASE WHEN s.success THEN coalesce(s.last_modified, feeds.last_modified)
                                 ELSE feeds.last_modified END,
            body_sha256 = CASE WHEN s.success THEN coalesce(s.body_sha256, feeds.body_sha256)
                               ELSE feeds.body_sha256 END,
            consecutive_failures = CASE WHEN s.success THEN 0 ELSE feeds.consecutive_failures + 1 END,
            last_error = s.error,
            next_poll_at = s.next_poll_at,
            poll_interval_s = s.poll_interval_s
        FROM b_states s WHERE feeds.id = s.feed_id
        """,
    ),
    ("b_polls", "INSERT INTO feed_polls SELECT * FROM b_polls ON CONFLICT DO NOTHING"),
    ("b_enriched", "DELETE FROM entity_mentions WHERE article_id IN (SELECT article_id FROM b_enriched)"),
    ("b_mentions", "INSERT INTO entity_mentions SELECT * FROM b_mentions"),
    ("b_enriched", "DELETE FROM article_topics WHERE article_id IN (SELECT article_id FROM b_enriched)"),
    (
        "b_topics",
        "INSERT INTO article_topics SELECT article_id, topic, relevance, score, themes, "
        "evidence::JSON, rules_version FROM b_topics",
    ),
    ("b_enriched", "DELETE FROM events WHERE article_id IN (SELECT article_id FROM b_enriched)"),
    ("b_events", "INSERT INTO events SELECT * FROM b_events"),
)
