-- customer_segment: one row per (run, customer): the segment and the 2-D PCA projection.
-- key: (run_id, customer_key).
CREATE TABLE IF NOT EXISTS customer_segment (
    run_id        INTEGER NOT NULL, -- model_run.run_id
    customer_key  INTEGER NOT NULL, -- dim_customer.customer_key
    segment_id    INTEGER NOT NULL, -- segment.segment_id in the same run (1 = the best RFM
                                    -- segment in invoice runs)
    distance      DOUBLE NOT NULL,  -- to the segment centre, in the standardised space
    pc1           DOUBLE NOT NULL,  -- first principal component of the standardised features
    pc2           DOUBLE NOT NULL,  -- second principal component (the model page's scatter)
    PRIMARY KEY (run_id, customer_key)
);
