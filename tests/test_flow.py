"""The Prefect flow on a real (test-harness) Prefect server: same rows as the in-process run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsmon.config import load_config
from newsmon.demosite import DemoSite
from newsmon.pipeline import run_ingest
from newsmon.store import Store
from tests.conftest import demo_config_dir

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
        }


def test_flow_matches_inprocess_run_and_reruns_clean(
    prefect_harness: None, tmp_path: Path, demo_site: DemoSite
) -> None:
    from flows.ingest import ingest_flow
    from prefect.client.orchestration import get_client

    flow_cfg = demo_config_dir(tmp_path / "flow", demo_site.base_url)
    plain_cfg = load_config(demo_config_dir(tmp_path / "plain", demo_site.base_url))

    first = ingest_flow(config_dir=str(flow_cfg))
    second = ingest_flow(config_dir=str(flow_cfg))
    with Store.open(plain_cfg.settings.db_path) as store:
        run_ingest(plain_cfg, store)

    by_flow = snapshot(load_config(flow_cfg).settings.db_path)
    by_hand = snapshot(plain_cfg.settings.db_path)
    assert by_flow["articles"] == by_hand["articles"]
    assert by_flow["sources"] == by_hand["sources"]
    assert by_flow["runs"] == [("flow", "completed"), ("flow", "completed")]
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
