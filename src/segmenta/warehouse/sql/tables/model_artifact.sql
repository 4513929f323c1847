-- model_artifact: the fitted pipelines of a run, serialised with skops (safe to load with an
-- explicit trusted-types list, never a bare pickle).
-- key: (run_id, name).
CREATE TABLE IF NOT EXISTS model_artifact (
    run_id    INTEGER NOT NULL,   -- model_run.run_id
    name      VARCHAR NOT NULL,   -- 'segmentation' | 'churn'
    format    VARCHAR NOT NULL,   -- 'skops'
    payload   BLOB NOT NULL,      -- the serialised pipeline (and its library versions)
    PRIMARY KEY (run_id, name)
);
