-- k_sweep: one row per (run, k) tried when choosing the number of segments.
-- key: (run_id, k). invariant: exactly one chosen row per run.
CREATE TABLE IF NOT EXISTS k_sweep (
    run_id      INTEGER NOT NULL,
    k           INTEGER NOT NULL,
    sse         DOUBLE NOT NULL,    -- within-cluster sum of squares (inertia)
    silhouette  DOUBLE NOT NULL,
    chosen      BOOLEAN NOT NULL,
    PRIMARY KEY (run_id, k)
);
