-- segment: one row per (run, segment).
-- key: (run_id, segment_id). invariant: name is unique within a run.
CREATE TABLE IF NOT EXISTS segment (
    run_id        INTEGER NOT NULL,
    segment_id    INTEGER NOT NULL,
    signature     VARCHAR NOT NULL,   -- stable profile signature: a rename follows it across runs
    name          VARCHAR NOT NULL,   -- generated business name
    description   VARCHAR NOT NULL,   -- one line: what distinguishes the segment
    n_customers   BIGINT NOT NULL,
    profile       JSON NOT NULL,      -- mean standardised value of each model feature
    centre        JSON NOT NULL,      -- centre in the model's input space
    PRIMARY KEY (run_id, segment_id)
);
