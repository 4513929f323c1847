-- model_run: one row per `segmenta model` run.
-- key: run_id (increasing). invariant: metrics and parameters are JSON objects.
CREATE TABLE IF NOT EXISTS model_run (
    run_id            INTEGER PRIMARY KEY, -- 1, 2, ... in run order; the highest is the latest
    kind              VARCHAR NOT NULL,   -- 'invoices' (behaviour + churn) | 'customer_table'
    parameters        JSON NOT NULL,      -- k, algorithm, horizon_days, seed, features used, ...
    metrics           JSON NOT NULL,      -- silhouette, sse, churn_auc, baseline AUCs, ...
    data_fingerprint  VARCHAR NOT NULL,   -- hash of the loads (load_log sha256s) the run read
    as_of_date        DATE,               -- last invoice date the features are computed at
                                          -- (NULL for customer-table runs)
    library_versions  JSON NOT NULL,      -- versions of Python and the model libraries
    created_at        TIMESTAMP NOT NULL  -- UTC
);
