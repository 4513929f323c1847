-- churn_eval: the held-out evaluation of a run's churn model and its two baselines.
-- One row per (run, model, curve, point); the scalar metrics are in model_run.metrics.
-- key: (run_id, model, curve, point).
CREATE TABLE IF NOT EXISTS churn_eval (
    run_id   INTEGER NOT NULL,  -- model_run.run_id
    model    VARCHAR NOT NULL,  -- 'classifier' | 'recency' | 'bgnbd'
    curve    VARCHAR NOT NULL,  -- 'roc' (x = FPR, y = TPR) | 'calibration' (x = predicted, y = observed)
    point    INTEGER NOT NULL,  -- 0-based position on the curve (ROC: at most 101 points by
                                -- rising FPR; calibration: 10 quantile bins by rising prediction)
    x        DOUBLE NOT NULL,   -- ROC: false positive rate; calibration: mean predicted probability
    y        DOUBLE NOT NULL,   -- ROC: true positive rate; calibration: observed churn share
    PRIMARY KEY (run_id, model, curve, point)
);
