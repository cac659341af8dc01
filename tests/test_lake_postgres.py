"""DuckLake with its catalog in PostgreSQL: loaders on two "machines" push into one lake at once.

A private PostgreSQL server is started for this module (initdb into a temporary folder, 127.0.0.1 on a
free port, no Unix socket) and stopped at the end; the tests that need it skip, saying why, where the
server binaries are missing. Each "machine" is a working directory of its own with its own DuckDB
store, and runs `newsmon lake push` as a process of its own; only the catalog and the lake's data
folder are shared, as they would be on a PostgreSQL server and shared storage.
"""

from __future__ import annotations

import itertools
import multiprocessing
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from newsmon import localpg as localpg_module
from newsmon.lake import LAKE_TABLES, TURN_TABLE, Lake, LakeError, parse_catalog
from newsmon.localpg import LocalPostgres, LocalPostgresError, free_port
from newsmon.store import EventRow, LoadBatch, Store, TopicRow
from tests.test_lake import T0, article_id, batch_of, with_entities

# the two stores: machine a has articles 0..179, machine b 90..269 (90 in both), pushed in batches of 10
STORE_ARTICLES = {"a": range(0, 180), "b": range(90, 270)}
PUSH_BATCH = 10
_db_names = itertools.count()


@pytest.fixture(scope="module")
def postgres() -> Iterator[LocalPostgres]:
    folder = Path(tempfile.mkdtemp(prefix="newsmon-pg-"))
    folder.chmod(0o755)  # as root the server runs as the postgres user, which must reach its data folder
    try:
        server = LocalPostgres.at(folder / "data", free_port(), {"fsync": "off"})  # a throw-away server
    except LocalPostgresError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"no PostgreSQL server to test against: {exc}")
    try:
        server.start()
    except LocalPostgresError:
        server.port = free_port()  # the port may have been taken meanwhile: try one other
        server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def catalog_url(postgres: LocalPostgres) -> str:
    """A new, empty database on the module's server, as a catalog URL."""
    name = f"lake_{next(_db_names)}"
    assert postgres.create_database(name)
    return postgres.url(name)


def enriched(numbers: list[int]) -> LoadBatch:
    """The test_lake batch with linked mentions, and a topic row and an event for every third article."""
    batch = with_entities(batch_of(numbers))
    for n in numbers:
        if n % 3 == 0:
            aid = article_id(n)
            batch.topics.append(TopicRow(aid, "stikstof", "primary", 0.5 + n % 7 / 10, ["landbouw"],
                                         '{"terms": ["stikstof"]}', "t1"))  # fmt: skip
            day = (T0 + timedelta(days=n % 20)).date()
            batch.events.append(EventRow(aid, "body", 4, 11, "morgen", day, day, "day",
                                         "De minister reist morgen naar Brussel.", [], "t1"))  # fmt: skip
    return batch


def make_store(path: Path, numbers: range) -> None:
    with Store.open(path) as store:
        for start in range(0, len(numbers), 40):
            store.load_batch(enriched(list(numbers[start : start + 40])))


CONTENT = {
    "articles": "SELECT id, content_sha256, published_at FROM {p}articles",
    "article_sources": "SELECT article_id, feed_id FROM {p}article_sources",
    "entity_mentions": "SELECT article_id, field, start_char, end_char, surface FROM {p}entity_mentions",
    "article_topics": "SELECT article_id, topic, relevance, score FROM {p}article_topics",
    "events": "SELECT article_id, field, start_char, date_start, precision FROM {p}events",
    "entity_articles": "SELECT * FROM {p}entity_articles",
    "entity_comentions": "SELECT * FROM {p}entity_comentions",
}


def rows(con: Any, prefix: str) -> dict[str, list[tuple[Any, ...]]]:
    return {table: sorted(con.execute(sql.format(p=prefix)).fetchall()) for table, sql in CONTENT.items()}


@pytest.fixture(scope="module")
def machines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two working directories, each with the DuckDB store of its own pipeline (newsmon.duckdb)."""
    root = tmp_path_factory.mktemp("machines")
    for name, numbers in STORE_ARTICLES.items():
        (root / name).mkdir()
        make_store(root / name / "newsmon.duckdb", numbers)
    return {name: root / name for name in STORE_ARTICLES}


PUSHED = re.compile(
    r"pushed (?P<articles>\d+) articles .* in (?P<commits>\d+) transactions \((?P<retries>\d+) retried\); "
    r"(?P<batches>\d+) batches, (?P<per_batch>[\d.]+) s per batch"
)


def push_at_once(machines: dict[str, Path], catalog: str, data_dir: Path) -> list[dict[str, float]]:
    """`newsmon lake push` from every machine's working directory, all started together; their figures."""
    cli = str(Path(sys.executable).with_name("newsmon"))
    args = ["lake", "push", "--db", "newsmon.duckdb", "--catalog", catalog, "--data-dir", str(data_dir),
            "--batch", str(PUSH_BATCH)]  # fmt: skip
    procs = [subprocess.Popen([cli, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for cwd in machines.values()]  # fmt: skip
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * len(procs), outputs
    figures = []
    for out, _ in outputs:
        match = PUSHED.search(out)
        assert match, out
        figures.append({k: float(v) for k, v in match.groupdict().items()})
    return figures


def check_lake(lake: Lake, machines: dict[str, Path]) -> None:
    """Every article of the stores once; sources, mentions, topics, events and the entity tables as in the stores."""
    expected: dict[str, set[tuple[Any, ...]]] = {table: set() for table in CONTENT}
    for cwd in machines.values():
        with Store.open(cwd / "newsmon.duckdb", read_only=True) as store:
            for table, found in rows(store.con, "").items():
                expected[table] |= set(found)
    got = rows(lake.con, "lake.")
    all_ids = sorted({article_id(n) for numbers in STORE_ARTICLES.values() for n in numbers})
    assert [r[0] for r in got["articles"]] == all_ids  # each exactly once
    for table in CONTENT:
        assert len(got[table]) == len(set(got[table])), f"duplicate rows in lake.{table}"
        assert set(got[table]) == expected[table], table
    assert len(expected["article_topics"]) == len(expected["events"]) == len(range(0, 270, 3))
    assert len(expected["entity_articles"]) == 2 * len(all_ids) and len(expected["entity_comentions"]) == len(all_ids)


@pytest.mark.parametrize("kind", ["postgres", "sqlite"])
def test_two_machines_push_overlapping_stores_at_once(
    kind: str, machines: dict[str, Path], tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """The same two stores pushed at once into a PostgreSQL-cataloged lake and, for comparison, a SQLite one."""
    catalog = request.getfixturevalue("catalog_url") if kind == "postgres" else str(tmp_path / "catalog.sqlite")
    data_dir = tmp_path / "shared" / "lake"
    started = time.monotonic()
    figures = push_at_once(machines, catalog, data_dir)
    elapsed = time.monotonic() - started
    per_store = [len(r) for r in STORE_ARTICLES.values()]
    assert [f["articles"] for f in figures] == per_store
    assert [f["batches"] for f in figures] == [-(-n // PUSH_BATCH) for n in per_store]
    with Lake.open(catalog, data_dir, loader="check") as lake:
        check_lake(lake, machines)
        loads = [m for _, _, m in lake.snapshots() if m and m.startswith("load")]
        assert len(loads) == sum(f["batches"] for f in figures)  # one snapshot per batch, lost attempts leave none
        if kind == "postgres":
            assert lake.con.execute(f"SELECT loads FROM lake.{TURN_TABLE}").fetchall() == [(len(loads),)]
        # an attempt that lost a conflict leaves no Parquet file behind
        meta = "__ducklake_metadata_lake"
        known = lake.con.execute(f"SELECT path FROM {meta}.ducklake_data_file UNION ALL "
                                 f"SELECT path FROM {meta}.ducklake_delete_file").fetchall()  # fmt: skip
        assert sorted(p.name for p in data_dir.rglob("*.parquet")) == sorted(Path(r[0]).name for r in known)
    print(f"\n{kind} catalog: 2 loaders, batches {[int(f['batches']) for f in figures]} of {PUSH_BATCH} articles, "
          f"retries {[int(f['retries']) for f in figures]}, s per batch {[f['per_batch'] for f in figures]}, "
          f"wall {elapsed:.1f} s")  # fmt: skip

    if kind == "postgres":  # pushing again changes nothing (the SQLite lake's rerun: test_lake.py)
        push_at_once({"a": machines["a"]}, catalog, data_dir)
        with Lake.open(catalog, data_dir, loader="check") as lake:
            check_lake(lake, machines)


def open_at_once(url: str, data_dir: str, barrier: Any, results: Any) -> None:
    """One process opening a new lake together with others (the first use of an empty catalog)."""
    barrier.wait(timeout=60)
    try:
        with Lake.open(url, data_dir) as lake:
            results.put(("ok", lake.retries))
    except BaseException as exc:
        results.put(("error", str(exc)))


def test_loaders_opening_an_empty_catalog_at_once_create_it_once(catalog_url: str, tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(3), ctx.Queue()
    procs = [ctx.Process(target=open_at_once, args=(catalog_url, str(tmp_path / "lake"), barrier, results))
             for _ in range(3)]  # fmt: skip
    for p in procs:
        p.start()
    try:
        outcomes = [results.get(timeout=120) for _ in procs]
    finally:
        for p in procs:
            p.join(timeout=60)
    assert [o[0] for o in outcomes] == ["ok"] * 3, outcomes
    print(f"\nthree loaders opening one new catalog: retries {[o[1] for o in outcomes]}")
    with Lake.open(catalog_url, tmp_path / "lake") as lake:
        tables = [r[0] for r in lake.con.execute("SHOW TABLES FROM lake").fetchall()]
        assert sorted(tables) == sorted({*LAKE_TABLES, TURN_TABLE})
        assert lake.con.execute(f"SELECT loads FROM lake.{TURN_TABLE}").fetchall() == [(0,)]  # one row
        creators = [a for _, a, m in lake.snapshots() if m == "create tables"]
        assert len(creators) == 1, creators


def test_overlapping_inserts_conflict_and_the_second_is_retried(
    catalog_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two loaders insert the same new articles at once: DuckLake alone would commit both (it only sees a
    conflict when two transactions delete from one data file); the turn row makes the second retry."""
    data_dir = tmp_path / "lake"
    with Lake.open(catalog_url, data_dir, loader="a") as a, Lake.open(catalog_url, data_dir, loader="b") as b:
        seen: list[int] = []
        transaction = a.transaction

        def b_commits_meanwhile(work: Any, what: str) -> None:
            def attempt() -> None:
                seen.append(a.count("articles"))  # this attempt's snapshot is now fixed
                if len(seen) == 1:
                    b.load_batch(batch_of([1, 2, 3]))  # b commits the same new articles meanwhile
                work()

            transaction(attempt, what)

        monkeypatch.setattr(a, "transaction", b_commits_meanwhile)
        a.load_batch(batch_of([1, 2, 3]))
        assert seen == [0, 3]  # the second attempt saw b's articles
        assert (a.retries, b.retries) == (1, 0)
        assert a.ids() == [article_id(n) for n in (1, 2, 3)]  # once each
        assert a.ids("article_versions", "article_id") == [article_id(n) for n in (1, 2, 3)]
        assert a.con.execute(f"SELECT loads, loader FROM lake.{TURN_TABLE}").fetchall() == [(2, "a")]


def test_catalog_urls_are_parsed_and_passwords_kept_out_of_messages() -> None:
    spec = parse_catalog("postgres://lader:ge%20heim@db.example:6543/nieuws?sslmode=require")
    assert spec.kind == "postgres"
    assert spec.attach == ("ducklake:postgres:dbname=nieuws host=db.example port=6543 user=lader "
                           "password='ge heim' sslmode=require")  # fmt: skip
    assert spec.name == "postgres://lader:***@db.example:6543/nieuws?sslmode=require"
    assert parse_catalog("postgresql://127.0.0.1/x").attach == "ducklake:postgres:dbname=x host=127.0.0.1"
    sqlite = parse_catalog("lake/catalog.sqlite")
    assert (sqlite.kind, sqlite.path) == ("sqlite", Path("lake/catalog.sqlite").absolute())
    with pytest.raises(LakeError, match=r"^postgres://u@h:5432: the catalog URL names no database"):
        parse_catalog("postgres://u@h:5432")
    with pytest.raises(LakeError, match=r"^postgres://u@h:99999/x: bad port"):
        parse_catalog("postgres://u@h:99999/x")
    with pytest.raises(LakeError, match=r"^mysql://h/x: not a catalog"):
        parse_catalog("mysql://h/x")
    with pytest.raises(LakeError, match=r"^postgres:dbname=x host=h: give a PostgreSQL catalog as a URL"):
        parse_catalog("postgres:dbname=x host=h")  # libpq's keyword form would otherwise be a SQLite file name


def test_missing_postgres_extension_names_the_package(tmp_path: Path) -> None:
    ext_dir = tmp_path / "extensions"
    ext_dir.mkdir()
    (ext_dir / "ducklake.duckdb_extension").write_bytes(b"")  # only the ducklake file is there
    with pytest.raises(LakeError, match=r"postgres_scanner\.duckdb_extension.*duckdb-ext-postgres=="):
        Lake.open("postgres://newsmon@127.0.0.1:5432/lake", tmp_path / "lake", ext_dir=ext_dir)
    assert not (tmp_path / "lake").exists()  # nothing created before the check


def test_unreachable_server_and_lock_file_are_refused_with_the_url(tmp_path: Path) -> None:
    url = f"postgres://newsmon:geheim@127.0.0.1:{free_port()}/lake"  # nothing listens there
    with pytest.raises(LakeError, match=r"^postgres://newsmon:\*\*\*@127\.0\.0\.1:\d+/lake: cannot attach") as info:
        Lake.open(url, tmp_path / "lake", max_attempts=2)
    assert "geheim" not in str(info.value)
    with pytest.raises(LakeError, match=r"lock file serialises loaders on one host only"):
        Lake.open(url, tmp_path / "lake", serialize=True)


def test_missing_database_is_named(postgres: LocalPostgres, tmp_path: Path) -> None:
    url = postgres.url("bestaat_niet")
    with pytest.raises(LakeError, match=rf"^{re.escape(url)}: cannot attach the lake: .*bestaat_niet"):
        Lake.open(url, tmp_path / "lake", max_attempts=2)


def localpg(*args: str) -> subprocess.CompletedProcess[str]:
    """python -m newsmon.localpg ARGS, as the Makefile runs it."""
    return subprocess.run([sys.executable, "-m", "newsmon.localpg", *args], check=False, capture_output=True,
                          text=True, timeout=120)  # fmt: skip


def test_lake_up_and_down_are_idempotent(tmp_path_factory: pytest.TempPathFactory) -> None:
    """What `make lake-up` / `make lake-down` run: a second up finds the server running and the database there,
    a second down finds nothing to stop; a folder that holds something else is refused by name."""
    folder = Path(tempfile.mkdtemp(prefix="newsmon-pg-up-"))
    folder.chmod(0o755)
    data, port = str(folder / "pg"), str(free_port())
    try:
        try:
            LocalPostgres.at(folder / "pg")
        except LocalPostgresError as exc:
            pytest.skip(f"no PostgreSQL server to test against: {exc}")
        try:
            up = [localpg("up", "--dir", data, "--port", port, "--db", "nieuws") for _ in range(2)]
            assert [r.returncode for r in up] == [0, 0], up
            url = f"postgres://newsmon@127.0.0.1:{port}/nieuws"
            assert "database nieuws created" in up[0].stdout and url in up[0].stdout
            assert "already runs" in up[1].stdout and "database nieuws exists" in up[1].stdout
            with Lake.open(url, folder / "lake") as lake:  # the catalog URL it printed works
                assert lake.count("articles") == 0
        finally:
            down = [localpg("down", "--dir", data) for _ in range(2)]
        assert [d.returncode for d in down] == [0, 0], down
        assert "stopped" in down[0].stdout and "no server runs" in down[1].stdout

        other = tmp_path_factory.mktemp("other")
        (other / "notities.txt").write_text("geen database\n", encoding="utf-8")
        bad = localpg("up", "--dir", str(other), "--port", port)
        assert bad.returncode == 2
        assert bad.stderr.strip() == f"error: {other}: not empty and not a PostgreSQL data folder"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_missing_server_binaries_say_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reason the PostgreSQL tests skip with (and make lake-up stops with) where there is no server."""
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing on PATH
    monkeypatch.setattr(localpg_module, "DEBIAN_ROOT", tmp_path / "none")
    with pytest.raises(LocalPostgresError, match=r"server binaries .* not found .* install Debian's postgresql"):
        LocalPostgres.at(tmp_path / "pg")
    assert not (tmp_path / "pg").exists()
