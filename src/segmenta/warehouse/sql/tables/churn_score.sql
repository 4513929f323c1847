-- churn_score: one row per (run, customer): probability of no purchase in the next
-- horizon_days (model_run.parameters) as of as_of_date.
-- key: (run_id, customer_key). invariant: 0 <= churn_probability <= 1.
CREATE TABLE IF NOT EXISTS churn_score (
    run_id             INTEGER NOT NULL,
    customer_key       INTEGER NOT NULL,
    churn_probability  DOUBLE NOT NULL,
    risk_band          VARCHAR NOT NULL,  -- 'low' | 'medium' | 'high'
    PRIMARY KEY (run_id, customer_key)
);
