-- When periodic maintenance last ran (e.g. the full-text index rebuild, which is not incremental).
CREATE TABLE IF NOT EXISTS maintenance (
    task    VARCHAR PRIMARY KEY,
    done_at TIMESTAMPTZ NOT NULL
);
