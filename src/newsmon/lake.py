"""DuckLake: articles as Parquet files with a SQLite or PostgreSQL catalog, so several loaders can commit at once.

The DuckDB store (`newsmon.store`) admits one process at a time because DuckDB locks its file. A lake
is opened by every loader process at once (the same catalog and data directory), and every
`Lake.load_batch` is one DuckLake transaction, i.e. one snapshot in the catalog. With a SQLite
catalog the loaders must run on one host with the files on a local filesystem (SQLite's WAL mode
and the lock file need that); with a PostgreSQL catalog they may run on any hosts that reach the
server and mount the data directory.

How concurrent loads stay correct:

* SQLite: the catalog is a file in WAL mode. A transaction reads the catalog under one SQLite read
  snapshot and writes its new DuckLake snapshot at commit. If another writer committed in between,
  SQLite refuses the write ("database is locked"), whatever tables either touched; the loser rolls
  back and runs the whole transaction again on a fresh snapshot. Commits are therefore serialised.
  Because the catalog admits one commit at a time anyway, loaders on the same host also take turns
  through a lock file next to the catalog (`serialize`, on by default): two overlapping
  transactions would cost one of them all its work, and a loader that commits often could make a
  slower one lose again and again. The retry stays for writers that do not take the lock.
* PostgreSQL: the catalog's transactions serialise commits, but DuckLake sees a conflict only when
  two transactions delete from the same data file; two loads inserting the same new article would
  both commit. Every load therefore first updates the one row of `lake_loads`, so that two loads
  overlapping in time always conflict; the later one is rolled back and run again on the snapshot
  the other committed, after a random back-off (counted in `Lake.retries`). No lock file.
* DuckLake has no PRIMARY KEY or UNIQUE constraints, so idempotence comes from the statements:
  articles and article_sources are upserted with MERGE INTO on their keys (an article's id; for
  sources the store's own primary key, read from sql/schema), and the derived rows of an article (entity
  mentions, topics, events) are deleted and inserted again. As commits are serialised, the same
  article loaded by two loaders at once still ends up as one row.

The lake holds the content tables of the store with the same columns (read from sql/schema):
articles, article_versions, article_sources, entity_mentions, article_topics and events, and the
per-article entity tables entity_articles and entity_comentions, rebuilt for the articles of each
load by the store's own SQL (sql/refresh/entity_tables.sql over the staging view stg_articles, both
run on the lake's tables). Poll state,
fetch failures and runs describe one pipeline's operation and stay in the DuckDB store.

The ducklake, sqlite and postgres extensions are loaded from the files of the PyPI packages
duckdb-ext-ducklake, duckdb-ext-sqlite and duckdb-ext-postgres; nothing is ever downloaded.
"""

from __future__ import annotations

import fcntl
import os
import random
import re
import socket
import sqlite3
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Literal

import duckdb
import pandas as pd

from newsmon.store import (
    SQL_DIR,
    LoadBatch,
    SourceRow,
    batch_frames,
    extension_dir,
    refresh_entity_tables,
    registered,
    sql_literal,
)
from newsmon.versioning import ARTICLE_COLUMNS, article_insert_values, article_updates, new_versions

# the store's tables that the lake holds, in creation order
LAKE_TABLES = (
    "articles", "article_versions", "article_sources", "entity_mentions", "article_topics", "events",
    "entity_articles", "entity_comentions",
)  # fmt: skip
# derived from the rows above by the store's own SQL (sql/refresh/entity_tables.sql), in the load's transaction
ENTITY_TABLES = ("entity_articles", "entity_comentions")
# extension file stem -> the PyPI package that ships it
EXTENSIONS = {
    "ducklake": "duckdb-ext-ducklake",
    "sqlite_scanner": "duckdb-ext-sqlite",
    "postgres_scanner": "duckdb-ext-postgres",
}
# words in a DuckDB error that mean "another loader committed first; try again on a fresh snapshot".
# PostgreSQL: two loaders creating DuckLake's own tables in a new catalog at once end in a duplicate key
# or "already exists" for one of them; a serialization failure is PostgreSQL's own word for a conflict.
_CONFLICT_WORDS = (
    "conflict", "database is locked", "database is busy", "concurrent", "duplicate key value",
    "already exists", "could not serialize",
)  # fmt: skip
# the one-row table that every load updates, so that any two overlapping loads conflict (see Lake.open)
TURN_TABLE = "lake_loads"


class LakeError(Exception):
    """The lake cannot be opened or written; the message names the catalog and says why."""


@dataclass(frozen=True)
class Catalog:
    """Where a lake's catalog is: a SQLite file (one host) or a PostgreSQL database (any number of hosts).

    `name` is what messages show (a PostgreSQL URL without its password); `attach` is the ducklake:
    string that DuckDB attaches.
    """

    kind: Literal["sqlite", "postgres"]
    name: str
    attach: str
    path: Path | None = None  # the SQLite file

    @property
    def extension(self) -> str:
        """The DuckDB extension that reads this kind of catalog (a key of EXTENSIONS)."""
        return "sqlite_scanner" if self.kind == "sqlite" else "postgres_scanner"


def parse_catalog(catalog: Path | str) -> Catalog:
    """A catalog from `postgres://user[:password]@host[:port]/dbname[?param=value...]` (also
    postgresql://) or from the path of a SQLite file; LakeError naming the input if a URL is incomplete.

    URL parameters (sslmode, connect_timeout, ...) are passed to libpq as they are; a password may also
    come from PGPASSWORD or ~/.pgpass as libpq reads them. The database must exist.
    """
    text = str(catalog)
    scheme = text.split(":", 1)[0].lower() if "://" in text else ""
    if not isinstance(catalog, Path) and not scheme and text.lower().startswith(("postgres:", "postgresql:")):
        raise LakeError(f"{text}: give a PostgreSQL catalog as a URL, postgres://user@host:port/dbname")
    if isinstance(catalog, Path) or not scheme:
        path = Path(catalog).absolute()
        return Catalog("sqlite", str(path), "ducklake:sqlite:" + str(path), path)
    if scheme not in ("postgres", "postgresql"):
        raise LakeError(f"{text}: not a catalog: give a SQLite file path or a postgres://user@host:port/db URL")
    url = urllib.parse.urlsplit(text)
    shown = url._replace(netloc=url.netloc.replace(f":{url.password}@", ":***@") if url.password else url.netloc)
    name = urllib.parse.urlunsplit(shown)
    try:
        port = url.port
    except ValueError as exc:
        raise LakeError(f"{name}: bad port in the catalog URL: {exc}") from None
    dbname = urllib.parse.unquote(url.path.lstrip("/"))
    if not dbname or "/" in dbname:
        raise LakeError(f"{name}: the catalog URL names no database (postgres://user@host:port/DBNAME)")
    params: dict[str, str] = {"dbname": dbname}
    if url.hostname:
        params["host"] = url.hostname
    if port is not None:
        params["port"] = str(port)
    if url.username:
        params["user"] = urllib.parse.unquote(url.username)
    if url.password:
        params["password"] = urllib.parse.unquote(url.password)
    for key, value in urllib.parse.parse_qsl(url.query, keep_blank_values=True):
        if not re.fullmatch(r"[a-z_]+", key):
            raise LakeError(f"{name}: not a connection parameter: {key!r}")
        params[key] = value
    return Catalog("postgres", name, "ducklake:postgres:" + " ".join(f"{k}={_pg_value(v)}" for k, v in params.items()))


def _pg_value(value: str) -> str:
    """A value in a libpq keyword=value string, quoted when it needs to be."""
    if value and not re.search(r"[\s'\\]", value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def extension_path(name: str, ext_dir: Path | None = None) -> Path:
    """The file of extension `name` (a key of EXTENSIONS); LakeError if it is not there."""
    package = EXTENSIONS[name]
    folder = ext_dir or extension_dir()
    if folder is None:
        raise LakeError(
            f"{name}.duckdb_extension: no duckdb_ext package installed; "
            f"install the PyPI package {package}=={duckdb.__version__}.*"
        )
    path = folder / f"{name}.duckdb_extension"
    if not path.is_file():
        raise LakeError(
            f"{path}: DuckDB extension file not found; it comes with the PyPI package {package}=={duckdb.__version__}.*"
        )
    return path


def store_columns(
    tables: Sequence[str] = LAKE_TABLES, sql_dir: Path = SQL_DIR
) -> dict[str, list[tuple[str, str, bool]]]:
    """(name, type, nullable) of each table's columns, as the store's schema files define them.

    The schema files are applied to an in-memory database and read back, so the lake follows every
    change to sql/schema without a second copy of the column list.
    """
    return _store_schema(tables, sql_dir)[0]


def _store_schema(
    tables: Sequence[str], sql_dir: Path
) -> tuple[dict[str, list[tuple[str, str, bool]]], dict[str, list[str]]]:
    """The columns (see `store_columns`) and the primary-key columns of each table in the store's schema."""
    schema_dir = sql_dir / "schema"
    if not schema_dir.is_dir():
        raise LakeError(f"schema directory {schema_dir} not found (is newsmon installed with -e?)")
    with duckdb.connect() as con:
        for file in sorted(schema_dir.glob("*.sql")):
            con.execute(file.read_text(encoding="utf-8"))
        rows = con.execute(
            "SELECT table_name, column_name, data_type, is_nullable FROM duckdb_columns() "
            "WHERE database_name = 'memory' AND list_contains(?, table_name) ORDER BY table_name, column_index",
            [list(tables)],
        ).fetchall()
        key_rows = con.execute(
            "SELECT table_name, constraint_column_names FROM duckdb_constraints() "
            "WHERE database_name = 'memory' AND constraint_type = 'PRIMARY KEY' AND list_contains(?, table_name)",
            [list(tables)],
        ).fetchall()
    columns: dict[str, list[tuple[str, str, bool]]] = {t: [] for t in tables}
    for table, column, data_type, nullable in rows:
        columns[table].append((column, data_type, bool(nullable)))
    missing = [t for t, cols in columns.items() if not cols]
    if missing:
        raise LakeError(f"{schema_dir}: no table {', '.join(missing)} in the schema files")
    return columns, {table: list(names) for table, names in key_rows}


def _is_conflict(exc: duckdb.Error) -> bool:
    message = str(exc).lower()
    return any(word in message for word in _CONFLICT_WORDS)


def _without_password(exc: BaseException) -> str:
    """The error's message with any libpq password=... value masked."""
    return re.sub(r"password=('(?:[^'\\]|\\.)*'|\S+)", "password=***", str(exc))


def _is_wal(catalog: Path) -> bool:
    """Whether the file is a SQLite database in WAL mode, read from its header without opening it."""
    try:
        with catalog.open("rb") as file:
            header = file.read(20)
    except OSError:
        return False
    # bytes 18 and 19 are the file format's write and read versions: 2 means WAL
    return header[:16] == b"SQLite format 3\x00" and header[18:20] == b"\x02\x02"


def _use_wal(catalog: Path, wait_s: float = 30.0) -> None:
    """Put the SQLite catalog in WAL mode (creating the file), so readers never block a committing loader.

    WAL mode is a property of the file: it is set once and kept. In it, a transaction whose read
    snapshot another writer has overtaken is refused at commit ("database is locked") and can be
    run again on fresh data. A file already in WAL mode is left alone, because even a no-op switch
    can be refused while another loader writes; switching is retried for the same reason.
    """
    deadline = time.monotonic() + wait_s
    while not _is_wal(catalog):  # the switch below ends the loop too: it returns or raises
        try:
            with closing(sqlite3.connect(catalog, timeout=wait_s)) as con:
                row = con.execute("PRAGMA journal_mode = WAL").fetchone()
        except sqlite3.OperationalError as exc:
            if any(word in str(exc).lower() for word in ("locked", "busy")) and time.monotonic() < deadline:
                time.sleep(0.05)
                continue
            raise LakeError(f"{catalog}: cannot open the SQLite catalog: {exc}") from exc
        except sqlite3.Error as exc:
            raise LakeError(f"{catalog}: not a usable SQLite catalog: {exc}") from exc
        if row is None or str(row[0]).lower() != "wal":
            raise LakeError(f"{catalog}: cannot switch the SQLite catalog to WAL mode (journal mode {row})")
        return


class Lake:
    """One connection to a DuckLake; use `Lake.open` and close it (or use it as a context manager)."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        catalog: Catalog,
        data_dir: Path,
        *,
        loader: str,
        max_attempts: int = 30,
        serialize: bool = True,
        lock_wait_s: float = 120.0,
    ) -> None:
        self.con = con
        self.catalog = catalog.name  # what messages name: the SQLite file or the URL without its password
        self.catalog_kind = catalog.kind
        self.data_dir = data_dir
        self.loader = loader  # recorded as the author of every snapshot this connection commits
        self.max_attempts = max_attempts
        self.lock_path = catalog.path.with_name(catalog.path.name + ".lock") if catalog.path else None
        self.lock_wait_s = lock_wait_s
        self.commits = 0  # transactions committed by this connection
        self.retries = 0  # transactions rolled back after a conflict and tried again
        self._attach_target = catalog.attach
        # article_sources' columns and key as the store defines them (read when the tables are created)
        self._source_columns: list[str] = []
        self._source_key: list[str] = []
        self._lock_fd: int | None = None
        if serialize and self.lock_path is not None:
            try:
                self._lock_fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise LakeError(f"{self.lock_path}: cannot open the loaders' lock file: {exc.strerror}") from exc

    # --- opening and schema -------------------------------------------------------------

    @classmethod
    def open(
        cls,
        catalog: Path | str,
        data_dir: Path | str,
        *,
        loader: str | None = None,
        serialize: bool | None = None,
        max_attempts: int = 30,
        lock_wait_s: float = 120.0,
        threads: int = 1,
        ext_dir: Path | None = None,
    ) -> Lake:
        """Open (creating) the lake with its catalog in `catalog` and its Parquet files under `data_dir`.

        `catalog` is a SQLite file (a Path, or a string that is not a URL) or a PostgreSQL database
        as `postgres://user@host:port/dbname` (see `parse_catalog`; the database must exist, DuckLake
        creates its tables in it). `loader` names this process in the snapshots it commits (default
        host:pid).

        SQLite: with `serialize` (the default) each transaction holds an exclusive lock on the file
        `<catalog>.lock` and loaders on this host take turns, waiting up to `lock_wait_s`. Without it
        transactions run side by side and the one that commits second is rolled back and tried
        again. PostgreSQL: loaders on any number of hosts run side by side and rely on the catalog's
        transactions (no lock file; `serialize=True` is refused). DuckLake only reports a conflict
        when two transactions delete from the same data file, so two loads that both insert one new
        article would both commit; every load therefore also updates the one row of `lake_loads`,
        which makes any two overlapping loads conflict, and the second is run again on the snapshot
        the first committed. Either way a conflicting transaction is tried up to `max_attempts`
        times, with a random back-off that grows with the attempt, and counted in `retries`.

        `threads` is DuckDB's thread count for this connection: batches of tens of articles load
        faster on one thread than on several. `ext_dir` is where the extension files are (default:
        those of the installed duckdb-ext-* packages).
        """
        spec, data_dir = parse_catalog(catalog), Path(data_dir).absolute()
        if serialize is None:
            serialize = spec.kind == "sqlite"
        elif serialize and spec.kind != "sqlite":
            raise LakeError(f"{spec.name}: a lock file serialises loaders on one host only; "
                            "a PostgreSQL catalog relies on its transactions (open it without serialize)")  # fmt: skip
        paths = {name: extension_path(name, ext_dir) for name in ("ducklake", spec.extension)}
        try:
            if spec.path is not None:
                spec.path.parent.mkdir(parents=True, exist_ok=True)
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LakeError(f"{exc.filename}: cannot create the directory: {exc.strerror}") from exc
        if spec.path is not None:
            _use_wal(spec.path)
        # nothing may be fetched from the network: extensions come only from the files loaded below
        con = duckdb.connect(config={"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"})
        try:
            lake = cls(con, spec, data_dir, loader=loader or f"{socket.gethostname()}:{os.getpid()}",
                       max_attempts=max_attempts, serialize=serialize, lock_wait_s=lock_wait_s)  # fmt: skip
        except BaseException:
            con.close()
            raise
        try:
            con.execute("SET TimeZone = 'UTC'")
            con.execute(f"SET threads = {int(threads)}")
            for name, path in paths.items():
                try:
                    con.execute(f"LOAD {sql_literal(path)}")
                except duckdb.Error as exc:
                    raise LakeError(f"{path}: cannot load the {name} extension: {exc}") from exc
            lake._attach()
            lake.con.execute("USE lake")
            built_before_entity_tables = lake._create_tables()
            lake._stage_view()
            if built_before_entity_tables:
                lake._build_entity_tables()
        except BaseException:
            lake.close()
            raise
        return lake

    def _attach(self) -> None:
        """Attach the lake; the first loader to attach a new catalog creates DuckLake's tables in it."""
        data_path = sql_literal(str(self.data_dir) + os.sep)
        statement = f"ATTACH {sql_literal(self._attach_target)} AS lake (DATA_PATH {data_path})"
        with self._turn():
            for attempt in range(1, self.max_attempts + 1):
                try:
                    self.con.execute(statement)
                    return
                except duckdb.Error as exc:
                    if not _is_conflict(exc) or attempt == self.max_attempts:
                        raise LakeError(f"{self.catalog}: cannot attach the lake: {_without_password(exc)}") from None
                    with suppress(duckdb.Error):  # a half-attached catalog is detached before trying again
                        self.con.execute("DETACH lake")
                    self.retries += 1  # another loader was creating DuckLake's tables in a new catalog
                    self._back_off(attempt)

    def _stage_view(self) -> None:
        """Give this connection the store's staging view stg_articles, as a temporary view over the
        lake's articles (the lake is the default database), so that the store's SQL for the entity
        tables runs on the lake unchanged."""
        view = (SQL_DIR / "views" / "stg_articles.sql").read_text(encoding="utf-8")
        temp_view = view.replace("CREATE OR REPLACE VIEW stg_articles", "CREATE OR REPLACE TEMP VIEW stg_articles", 1)
        if temp_view == view:
            raise LakeError(f"{SQL_DIR / 'views' / 'stg_articles.sql'}: no CREATE OR REPLACE VIEW stg_articles in it")
        self.con.execute(temp_view)

    def _create_tables(self) -> bool:
        """Create missing tables and add columns that sql/schema gained since a table was created;
        whether the lake had articles but not yet the entity tables (see `_build_entity_tables`).

        DuckLake supports neither PRIMARY KEY/UNIQUE nor CHECK constraints, so only names, types and
        NOT NULL are kept; defaults are left out because every insert names all its columns. Columns
        added later are nullable: rows written before them have no value.
        """
        wanted, keys = _store_schema(LAKE_TABLES, SQL_DIR)
        self._source_columns = [c for c, _, _ in wanted["article_sources"]]
        self._source_key = keys.get("article_sources") or ["article_id", "feed_id", "entry_url"]
        older = False

        def work() -> None:
            nonlocal older
            have_tables = {r[0] for r in self.con.execute("SHOW TABLES FROM lake").fetchall()}
            for table, columns in wanted.items():
                self.con.execute(
                    f"CREATE TABLE IF NOT EXISTS lake.{table} ("
                    + ", ".join(f'"{c}" {t}' + ("" if nullable else " NOT NULL") for c, t, nullable in columns)
                    + ")"
                )
                have = {r[0] for r in self.con.execute(f"DESCRIBE lake.{table}").fetchall()}
                for column, data_type, _ in columns:
                    if column not in have:
                        self.con.execute(f'ALTER TABLE lake.{table} ADD COLUMN "{column}" {data_type}')
            if self.catalog_kind == "postgres":
                self.con.execute(f"CREATE TABLE IF NOT EXISTS lake.{TURN_TABLE} "
                                 "(loads BIGINT NOT NULL, loader VARCHAR, loaded_at TIMESTAMPTZ)")  # fmt: skip
                self.con.execute(f"INSERT INTO lake.{TURN_TABLE} SELECT 0, NULL, NULL "
                                 f"WHERE NOT EXISTS (SELECT 1 FROM lake.{TURN_TABLE})")  # fmt: skip
            older = "articles" in have_tables and not have_tables.issuperset(ENTITY_TABLES)

        self.transaction(work, "create tables")
        return older

    def _build_entity_tables(self) -> None:
        """Fill entity_articles and entity_comentions from every article of a lake created before them."""

        def work() -> None:
            self._claim_turn()
            self.con.execute("CREATE OR REPLACE TEMP VIEW b_articles AS SELECT id FROM lake.articles")
            self.con.execute("CREATE OR REPLACE TEMP VIEW b_enriched AS SELECT id AS article_id FROM lake.articles")
            try:
                refresh_entity_tables(self.con)
            finally:
                self.con.execute("DROP VIEW IF EXISTS temp.main.b_articles")
                self.con.execute("DROP VIEW IF EXISTS temp.main.b_enriched")

        self.transaction(work, "build entity tables")

    def close(self) -> None:
        self.con.close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # also releases the lock, should it still be held
            self._lock_fd = None

    def __enter__(self) -> Lake:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transactions -------------------------------------------------------------------

    @contextmanager
    def _turn(self) -> Iterator[None]:
        """Hold the loaders' lock (when serializing) so that no other loader on this host writes meanwhile.

        The SQLite catalog lets only one of two overlapping transactions commit; the other has done its
        work for nothing and, against a loader that commits often, may lose again and again. Taking
        turns avoids both. The lock is polled rather than waited on, so that the wait has a limit.
        """
        if self._lock_fd is None:
            yield
            return
        deadline = time.monotonic() + self.lock_wait_s
        while True:
            try:
                fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise LakeError(
                        f"{self.lock_path}: another loader has held the lock for {self.lock_wait_s:g} s"
                    ) from None
                time.sleep(0.005)
        try:
            yield
        finally:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def _back_off(self, attempt: int) -> None:
        """Sleep a short random time that grows with the attempt, so two writers do not collide again in step."""
        time.sleep(random.uniform(0.0, min(0.5, 0.01 * 2**attempt)))  # noqa: S311 - jitter, not secrecy

    def _rollback(self) -> None:
        with suppress(duckdb.Error):  # a failed COMMIT has already ended the transaction
            self.con.execute("ROLLBACK")

    def transaction(self, work: Callable[[], None], what: str) -> None:
        """Run `work` in one transaction, committed as one snapshot; on a conflict start it again.

        Each attempt is a new transaction, so it reads what the writer that won the conflict wrote;
        `work` must therefore be safe to run again. `what` describes it in the snapshot's commit
        message and in errors.
        """
        last: duckdb.Error | None = None
        with self._turn():
            for attempt in range(1, self.max_attempts + 1):
                try:
                    self.con.execute("BEGIN TRANSACTION")
                    self.con.execute("CALL lake.set_commit_message(?, ?)", [self.loader, what])
                    work()
                    self.con.execute("COMMIT")
                except duckdb.Error as exc:
                    self._rollback()
                    if not _is_conflict(exc):
                        raise LakeError(f"{self.catalog}: {what} failed: {_without_password(exc)}") from None
                    last = exc
                    if attempt < self.max_attempts:
                        self.retries += 1
                        self._back_off(attempt)
                    continue
                except BaseException:
                    self._rollback()
                    raise
                self.commits += 1
                return
        raise LakeError(
            f"{self.catalog}: {what} not committed: still conflicting with other writers after "
            f"{self.max_attempts} attempts; last error: {_without_password(last) if last else None}"
        )

    # --- the batch load -----------------------------------------------------------------

    def _claim_turn(self) -> None:
        """PostgreSQL catalog: update the one row of lake_loads, i.e. delete from its one data file, so
        that this transaction conflicts with any other load committed since it began."""
        if self.catalog_kind == "postgres":
            self.con.execute(f"UPDATE lake.{TURN_TABLE} SET loads = loads + 1, loader = ?, loaded_at = now()",
                             [self.loader])  # fmt: skip

    def load_batch(self, batch: LoadBatch) -> None:
        """Write the articles, sources and derived rows of `batch` in ONE transaction; safe to repeat.

        Articles are upserted by id (a changed text bumps `version` and adds an article_versions row),
        sources by (article_id, feed_id); mentions, topics and events of every id in
        `batch.enriched_ids` are replaced. Failures, feed states and polls are not part of the lake.
        """
        frames = batch_frames(batch, operational=False)
        # every sighting: the MERGE keys them as the store does (batch_frames gives the lake one per feed)
        names = [f.name for f in fields(SourceRow)]
        frames["b_sources"] = pd.DataFrame.from_records(
            [tuple(getattr(r, n) for n in names) for r in batch.sources], columns=names
        )
        self.load_frames(frames)

    def load_frames(self, frames: dict[str, pd.DataFrame]) -> None:
        """The same, from staging frames named as `newsmon.store.batch_frames` names them (b_articles,
        b_sources, b_enriched, b_mentions, b_topics, b_events); `Store.content_frames` reads them
        from a DuckDB store."""
        merge_sources = sources_merge(self._source_columns, self._source_key, list(frames["b_sources"].columns))
        statements = [(name, sql) for name, sql in _LOAD_STATEMENTS if len(frames[name])]
        if len(frames["b_sources"]):  # after the articles' statements, before the derived rows
            statements.insert(sum(1 for name, _ in statements if name == "b_articles"), ("b_sources", merge_sources))
        if not statements:
            return
        def work() -> None:
            self._claim_turn()
            for _, statement in statements:
                self.con.execute(statement)
            if len(frames["b_articles"]) or len(frames["b_enriched"]):
                refresh_entity_tables(self.con)  # entity_articles and entity_comentions of these articles

        ids = frames["b_articles"]["id"]
        what = f"load {len(ids)} articles" + (f" from {ids.iloc[0]}" if len(ids) else "")
        with registered(self.con, frames):
            self.transaction(work, what)

    # --- reads --------------------------------------------------------------------------

    def count(self, table: str) -> int:
        """Rows in a lake table."""
        return int(self._scalar(f"SELECT count(*) FROM lake.{_table(table)}"))

    def ids(self, table: str = "articles", column: str = "id") -> list[str]:
        """Every value of `column` in `table`, sorted, duplicates kept (so tests can see them)."""
        rows = self.con.execute(f"SELECT {_table(column)} FROM lake.{_table(table)} ORDER BY 1").fetchall()
        return [r[0] for r in rows]

    def snapshots(self) -> list[tuple[int, str | None, str | None]]:
        """(snapshot id, author, commit message) of every snapshot, oldest first."""
        rows = self.con.execute(
            "SELECT snapshot_id, author, commit_message FROM lake.snapshots() ORDER BY snapshot_id"
        ).fetchall()
        return [(int(r[0]), r[1], r[2]) for r in rows]

    def _scalar(self, sql: str) -> Any:
        row = self.con.execute(sql).fetchone()
        return None if row is None else row[0]


def sources_merge(columns: Sequence[str], key: Sequence[str], frame_columns: Sequence[str]) -> str:
    """The MERGE of staging frame b_sources into lake.article_sources, keyed as the store keys its sources.

    `columns` and `key` are the store's (sql/schema): a feed's sighting of an article under one link
    is one row, first_seen_at and last_seen_at both come from the frame's seen_at, and a `link`
    column (the normalised link) is the frame's, or its entry_url where the frame has none. Rows of
    the frame with the same key are one (the last seen), as an upsert cannot take two.
    """

    def value(column: str) -> str:
        if column in ("first_seen_at", "last_seen_at"):
            return "seen_at"
        if column == "link":
            return "coalesce(link, entry_url)" if "link" in frame_columns else "entry_url"
        return column if column in frame_columns else "NULL"

    select = ", ".join(f"{value(c)} AS {c}" for c in columns)
    return f"""
        MERGE INTO lake.article_sources s
        USING (
            SELECT * FROM (SELECT {select} FROM b_sources)
            QUALIFY row_number() OVER (PARTITION BY {", ".join(key)} ORDER BY last_seen_at DESC) = 1
        ) b
        ON {" AND ".join(f"s.{k} = b.{k}" for k in key)}
        WHEN MATCHED THEN UPDATE SET last_seen_at = b.last_seen_at
        WHEN NOT MATCHED THEN INSERT ({", ".join(columns)}) VALUES ({", ".join(f"b.{c}" for c in columns)})
        """


def _table(name: str) -> str:
    if not re.fullmatch(r"[a-z_]+", name):
        raise ValueError(f"not a table or column name: {name!r}")
    return name


# (frame, statement): a statement is skipped when its frame has no rows. The order matters:
# article_versions compares with the article as it was before the batch.
_LOAD_STATEMENTS: tuple[tuple[str, str], ...] = (
    ("b_articles", new_versions("b_articles", "lake.articles", "lake.article_versions")),
    (
        "b_articles",
        f"""
        MERGE INTO lake.articles a USING b_articles b ON a.id = b.id
        WHEN MATCHED THEN UPDATE SET
            {article_updates("a", "b", "b.run_id")}
        WHEN NOT MATCHED THEN INSERT ({", ".join(ARTICLE_COLUMNS)})
        VALUES ({article_insert_values("b")})
        """,
    ),
    ("b_enriched", "DELETE FROM lake.entity_mentions WHERE article_id IN (SELECT article_id FROM b_enriched)"),
    ("b_mentions", "INSERT INTO lake.entity_mentions BY NAME SELECT * FROM b_mentions"),
    ("b_enriched", "DELETE FROM lake.article_topics WHERE article_id IN (SELECT article_id FROM b_enriched)"),
    (
        "b_topics",
        "INSERT INTO lake.article_topics SELECT article_id, topic, relevance, score, themes, "
        "evidence::JSON, rules_version FROM b_topics",
    ),
    ("b_enriched", "DELETE FROM lake.events WHERE article_id IN (SELECT article_id FROM b_enriched)"),
    ("b_events", "INSERT INTO lake.events BY NAME SELECT * FROM b_events"),
)
