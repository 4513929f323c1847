-- model_artifact: the fitted pipelines of a run, serialised with skops (safe to load with an
-- explicit trusted-types list, never a bare pickle).
-- key: (run_id, name).
CREATE TABLE IF NOT EXISTS model_artifact (
    run_id    INTEGER NOT NULL,
    name      VARCHAR NOT NULL,   -- 'segmentation' | 'churn'
    format    VARCHAR NOT NULL,   -- 'skops'
    payload   BLOB NOT NULL,
    PRIMARY KEY (run_id, name)
);
