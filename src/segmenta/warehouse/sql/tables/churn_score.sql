-- churn_score: one row per (run, customer): probability of no purchase in the next
-- horizon_days (model_run.parameters) as of as_of_date.
-- The eval_* columns record the held-out evaluation (docs/models.md) so that every churn metric
-- in model_run.metrics can be recomputed in SQL: customers who had bought by the cutoff
-- (as_of_date - horizon_days) are split by customer into 'train' and 'test'; eval_churned is
-- their observed outcome after the cutoff; the eval_p_* columns are the three models'
-- predictions from cutoff-dated features, for 'test' customers only. NULL for customers whose
-- first purchase is after the cutoff.
-- key: (run_id, customer_key). invariant: 0 <= churn_probability <= 1.
CREATE TABLE IF NOT EXISTS churn_score (
    run_id             INTEGER NOT NULL,  -- model_run.run_id (invoice runs only)
    customer_key       INTEGER NOT NULL,  -- dim_customer.customer_key
    churn_probability  DOUBLE NOT NULL,   -- P(no purchase in the next horizon_days) by the
                                          -- classifier refitted on all labelled customers;
                                          -- risk_band: 'low' below 1/3, 'high' from 2/3 on
    risk_band          VARCHAR NOT NULL,  -- 'low' | 'medium' | 'high'
    eval_split         VARCHAR,           -- 'train' | 'test' | NULL (not a customer at the cutoff)
    eval_churned       BOOLEAN,           -- no purchase in (cutoff, as_of_date]
    eval_p_classifier  DOUBLE,            -- held-out prediction of the churn classifier
    eval_p_recency     DOUBLE,            -- ... of the recency-only baseline
    eval_p_bgnbd       DOUBLE,            -- ... of the BG/NBD baseline
    PRIMARY KEY (run_id, customer_key)
);
