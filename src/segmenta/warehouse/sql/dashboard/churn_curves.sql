-- churn_curves: one row per (model, curve, point) of the latest run's held-out churn evaluation
-- (churn_eval): model 'classifier' | 'recency' | 'bgnbd'; curve 'roc' (x = false positive
-- rate, y = true positive rate) or 'calibration' (x = mean predicted, y = observed churn rate).
SELECT e.model, e.curve, e.point, e.x, e.y
FROM churn_eval e
WHERE e.run_id = (SELECT run_id FROM latest_run)
ORDER BY e.model, e.curve, e.point;
