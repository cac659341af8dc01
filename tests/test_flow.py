"""The Prefect flow on a real (test-harness) Prefect server: same rows as the in-process run."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsmon.config import load_config
from newsmon.demosite import DemoSite
from newsmon.pipeline import EveryFeedFailedError, run_ingest
from newsmon.store import Store
from tests.conftest import demo_config_dir
from tests.loopback import LoopbackServer, Route
from tests.test_pipeline import loopback_config

pytestmark = pytest.mark.prefect


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


def snapshot(db: Path) -> dict[str, object]:
    with Store.open(db) as store:
        return {
            "articles": store.con.execute(
                "SELECT id, outlet_id, title, status, published_at, word_count, content_sha256 "
                "FROM articles ORDER BY id"
            ).fetchall(),
            "sources": store.con.execute(
                "SELECT article_id, feed_id, entry_url FROM article_sources ORDER BY ALL"
            ).fetchall(),
            "runs": store.con.execute("SELECT mode, status FROM runs").fetchall(),
            "mentions": store.con.execute(
                "SELECT article_id, field, start_char, end_char, entity_id, kind FROM entity_mentions ORDER BY ALL"
            ).fetchall(),
            "topics": store.con.execute(
                "SELECT article_id, topic, relevance, round(score, 6), themes FROM article_topics ORDER BY ALL"
            ).fetchall(),
            "events": store.con.execute(
                "SELECT article_id, field, start_char, date_start, date_end, precision FROM events ORDER BY ALL"
            ).fetchall(),
        }


def same_rows(a: dict[str, object], b: dict[str, object]) -> None:
    for table in ("articles", "sources", "mentions", "topics", "events"):
        assert a[table] == b[table], table
        assert a[table], f"{table}: no rows at all"


def test_flow_matches_inprocess_run_and_reruns_clean(
    prefect_harness: None, tmp_path: Path, demo_site: DemoSite
) -> None:
    from flows.ingest import ingest_flow
    from prefect.client.orchestration import get_client

    flow_cfg = demo_config_dir(tmp_path / "flow", demo_site.base_url)
    plain_cfg = load_config(demo_config_dir(tmp_path / "plain", demo_site.base_url))

    flow_runs = logging.getLogger("prefect.flow_runs")
    level = flow_runs.level
    flow_runs.setLevel(logging.INFO)  # make sets PREFECT_LOGGING_LEVEL; the run's info lines are what is tested
    try:
        first_state = ingest_flow(config_dir=str(flow_cfg), return_state=True)
    finally:
        flow_runs.setLevel(level)
    first = first_state.result()
    second = ingest_flow(config_dir=str(flow_cfg))
    with Store.open(plain_cfg.settings.db_path) as store:
        run_ingest(plain_cfg, store)

    by_flow = snapshot(load_config(flow_cfg).settings.db_path)
    by_hand = snapshot(plain_cfg.settings.db_path)
    same_rows(by_flow, by_hand)
    # the demo's dead feed (one of ten) is listed; the flow run stays Completed, the run is partial
    assert first_state.is_completed()
    assert by_flow["runs"] == [("flow", "partial"), ("flow", "partial")]
    assert first["new_articles"] == len(by_hand["articles"]) > 0  # type: ignore[arg-type]
    assert second["new_articles"] == 0

    import asyncio

    async def artifact_count() -> int:
        async with get_client() as client:
            from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

            found = await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["ingest-summary"]))
            )
            return len(found)

    assert asyncio.run(artifact_count()) >= 2

    async def run_log() -> list[str]:
        from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

        run_id = first_state.state_details.flow_run_id
        async with get_client() as client:
            for _ in range(20):  # log lines reach the API in batches
                logs = await client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id])))
                messages = [entry.message for entry in logs]
                if any(m.startswith("new articles:") for m in messages):
                    return messages
                await asyncio.sleep(0.5)
            return messages

    messages = asyncio.run(run_log())
    pages = len(by_hand["articles"]) + first["failed"]  # type: ignore[arg-type]
    assert any(m.startswith("feeds polled: ") and m.endswith(")") for m in messages), messages
    assert f"pages fetched+extracted: {pages} of {pages}" in " ".join(messages), messages
    assert any(m.startswith(f"new articles: {first['new_articles']},") for m in messages), messages
    assert any(m.startswith("FAILED nljournaal/oud:") for m in messages), messages  # the demo's broken feed


def test_dask_runner_gives_the_same_rows_as_the_default_runner(
    prefect_harness: None, tmp_path: Path, demo_site: DemoSite
) -> None:
    """A 2-worker LocalCluster does fetch+extraction (small batches, so several are in flight at once);
    the flow process loads. The task runs are reported to the flow's own Prefect API."""
    import asyncio

    from flows.ingest import ingest_flow
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId, TaskRunFilter, TaskRunFilterName

    dask_cfg = demo_config_dir(tmp_path / "dask", demo_site.base_url)
    settings = dask_cfg / "settings.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("batch_size: 50", "batch_size: 10"))
    assert "batch_size: 10" in settings.read_text(encoding="utf-8")
    plain_cfg = load_config(demo_config_dir(tmp_path / "plain", demo_site.base_url))

    state = ingest_flow(config_dir=str(dask_cfg), task_runner="dask", return_state=True)
    summary = state.result()
    with Store.open(plain_cfg.settings.db_path) as store:
        run_ingest(plain_cfg, store)

    by_dask = snapshot(load_config(dask_cfg).settings.db_path)
    same_rows(by_dask, snapshot(plain_cfg.settings.db_path))
    assert by_dask["runs"] == [("flow-dask", "partial")]
    assert summary["new_articles"] == len(by_dask["articles"])  # type: ignore[arg-type]

    async def fetch_task_runs() -> int:
        async with get_client() as client:
            runs = await client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id])),
                task_run_filter=TaskRunFilter(name=TaskRunFilterName(like_="fetch-and-extract")),
            )
            return sum(r.state is not None and r.state.is_completed() for r in runs)

    assert asyncio.run(fetch_task_runs()) == 7  # 65 pages to fetch in batches of 10


def test_flow_run_fails_when_every_feed_failed_and_still_publishes_the_summary(
    prefect_harness: None, tmp_path: Path, server: LoopbackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    from flows.ingest import ingest_flow, main
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    server.routes["/binnen.xml"] = Route(503, b"onderhoud")
    server.routes["/sport.xml"] = Route(200, b"<html><body>Deze pagina bestaat niet meer</body></html>",
                                        {"Content-Type": "text/html"})  # fmt: skip
    config = loopback_config(tmp_path, server, ["binnen", "sport"])
    state = ingest_flow(config_dir=str(config.directory), return_state=True)
    assert state.is_failed(), state
    assert "every feed failed (2 of 2)" in (state.message or "")
    raised = state.result(raise_on_failure=False)
    assert isinstance(raised, EveryFeedFailedError)
    assert {f["feed"] for f in raised.summary["failures"]} == {"s/binnen", "s/sport"}

    async def summary_artifacts() -> list[str]:
        async with get_client() as client:
            found = await client.read_artifacts(
                artifact_filter=ArtifactFilter(
                    flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id])
                )
            )
            return [str(a.data) for a in found if a.key == "ingest-summary"]

    published = asyncio.run(summary_artifacts())
    assert len(published) == 1 and "FAILED s/binnen: HTTP 503" in published[0]

    # `python -m flows.ingest` (what `make demo` runs) exits 3, with the summary on standard output
    assert main(["--config", str(config.directory)]) == 3
    out, err = capsys.readouterr()
    assert "FAILED s/sport:" in out and "every feed failed (2 of 2)" in err
    with Store.open(config.settings.db_path, read_only=True) as store:
        assert store.con.execute("SELECT mode, status FROM runs").fetchall() == [("flow", "failed")] * 2
