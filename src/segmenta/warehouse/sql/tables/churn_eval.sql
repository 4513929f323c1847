-- churn_eval: the held-out evaluation of a run's churn model and its two baselines.
-- One row per (run, model, curve, point); the scalar metrics are in model_run.metrics.
-- key: (run_id, model, curve, point).
CREATE TABLE IF NOT EXISTS churn_eval (
    run_id   INTEGER NOT NULL,
    model    VARCHAR NOT NULL,  -- 'classifier' | 'recency' | 'bgnbd'
    curve    VARCHAR NOT NULL,  -- 'roc' (x = FPR, y = TPR) | 'calibration' (x = predicted, y = observed)
    point    INTEGER NOT NULL,
    x        DOUBLE NOT NULL,
    y        DOUBLE NOT NULL,
    PRIMARY KEY (run_id, model, curve, point)
);
