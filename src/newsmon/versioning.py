"""What a stored article becomes when a page is loaded again: the rules, written once.

The DuckDB store upserts with INSERT ... ON CONFLICT (`newsmon.store`), the DuckLake path with
MERGE INTO (`newsmon.lake`); both build their statements from the functions here, so the two can
not drift apart:

* a new body (another content hash) is a new row of article_versions and raises `version`; the
  same body loaded again adds no version;
* the first publication time stays (an update does not move it), unless it was only the fetch time
  (`published_source = 'fetched'`) and the page now gives its own (a newer extractor, a refetch);
* everything else the page says (title, lead, body, status, ...) is the newest load's;
* `first_run_id` is the run that first stored the article, `last_run_id` the newest.

The incoming batch is a frame with the articles table's columns up to `extractor_version`, plus
`run_id`.
"""

from __future__ import annotations

# The articles table's columns in order; the last three are filled by the rules, not the frame.
ARTICLE_COLUMNS = (
    "id", "url", "canonical_url", "page_canonical_url", "outlet_id", "title", "lead", "author", "section",
    "published_at", "published_source", "fetched_at", "language", "body", "word_count", "content_sha256",
    "raw_sha256", "http_status", "status", "notes", "extractor_version", "version", "first_run_id", "last_run_id",
)  # fmt: skip
_FROM_FRAME = ARTICLE_COLUMNS[:-3]
# taken from the newest load as they are
_REPLACED = ("title", "lead", "author", "section", "fetched_at", "language", "body", "word_count", "raw_sha256",
             "http_status", "status", "notes", "extractor_version")  # fmt: skip


def article_insert_values(new: str) -> str:
    """The values of a first insert, in ARTICLE_COLUMNS order, from the frame row `new` ("b", or "" for the
    frame's own columns in a SELECT)."""
    at = f"{new}." if new else ""
    return ", ".join([f"{at}{c}" for c in _FROM_FRAME] + ["1", f"{at}run_id", f"{at}run_id"])


def article_updates(old: str, new: str, new_run_id: str) -> str:
    """The SET assignments for an article loaded again: `old` names the stored row, `new` the incoming one
    ("excluded" in ON CONFLICT, the frame's alias in MERGE), `new_run_id` the incoming run id."""
    first_time_was_fetch = (f"{old}.published_at IS NULL OR ({old}.published_source = 'fetched' "
                            f"AND {new}.published_source <> 'fetched')")  # fmt: skip
    sets = [f"{c} = {new}.{c}" for c in _REPLACED]
    sets += [
        f"published_at = CASE WHEN {first_time_was_fetch} THEN {new}.published_at ELSE {old}.published_at END",
        f"published_source = CASE WHEN {first_time_was_fetch} THEN {new}.published_source "
        f"ELSE {old}.published_source END",
        f"version = CASE WHEN {old}.content_sha256 <> {new}.content_sha256 THEN {old}.version + 1 "
        f"ELSE {old}.version END",
        f"content_sha256 = {new}.content_sha256",
        f"last_run_id = {new_run_id}",
    ]
    return ",\n            ".join(sets)


def new_versions(frame: str, articles: str, versions: str) -> str:
    """INSERT of the article_versions rows a batch adds: an article not stored yet, or stored with another
    body. Compares with the articles as they are before the batch, so it runs before the upsert."""
    return f"""
        INSERT INTO {versions}
        SELECT b.id, coalesce(a.version, 0) + 1, b.content_sha256, b.raw_sha256, b.fetched_at, b.title, b.body
        FROM {frame} b LEFT JOIN {articles} a ON a.id = b.id
        WHERE a.id IS NULL OR a.content_sha256 <> b.content_sha256
        """
