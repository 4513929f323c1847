-- k_sweep: one row per (run, k) tried when choosing the number of segments.
-- key: (run_id, k). invariant: exactly one chosen row per run.
CREATE TABLE IF NOT EXISTS k_sweep (
    run_id      INTEGER NOT NULL,   -- model_run.run_id
    k           INTEGER NOT NULL,   -- number of segments tried (2..12 with --k auto, else the --k given)
    sse         DOUBLE NOT NULL,    -- within-cluster sum of squares (inertia)
    silhouette  DOUBLE NOT NULL,    -- mean silhouette in the standardised space (on a seeded
                                    -- sample for large populations), -1..1
    chosen      BOOLEAN NOT NULL,   -- the k fitted (small low-value clusters may then merge)
    PRIMARY KEY (run_id, k)
);
