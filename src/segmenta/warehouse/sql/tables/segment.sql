-- segment: one row per (run, segment).
-- key: (run_id, segment_id). invariant: name is unique within a run.
CREATE TABLE IF NOT EXISTS segment (
    run_id        INTEGER NOT NULL,   -- model_run.run_id
    segment_id    INTEGER NOT NULL,   -- 1, 2, ... within the run (invoice runs: 1 = best RFM scores)
    signature     VARCHAR NOT NULL,   -- stable profile signature: a rename follows it across runs
    name          VARCHAR NOT NULL,   -- generated business name
    description   VARCHAR NOT NULL,   -- one line: what distinguishes the segment
    n_customers   BIGINT NOT NULL,    -- customers in the segment
    profile       JSON NOT NULL,      -- mean standardised value of each model feature
    centre        JSON NOT NULL,      -- centre in the features' own units (scaling and log undone)
    PRIMARY KEY (run_id, segment_id)
);
