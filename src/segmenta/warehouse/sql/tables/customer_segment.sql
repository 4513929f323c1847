-- customer_segment: one row per (run, customer): the segment and the 2-D PCA projection.
-- key: (run_id, customer_key).
CREATE TABLE IF NOT EXISTS customer_segment (
    run_id        INTEGER NOT NULL,
    customer_key  INTEGER NOT NULL,
    segment_id    INTEGER NOT NULL,
    distance      DOUBLE NOT NULL,  -- to the segment centre, in the standardised space
    pc1           DOUBLE NOT NULL,
    pc2           DOUBLE NOT NULL,
    PRIMARY KEY (run_id, customer_key)
);
