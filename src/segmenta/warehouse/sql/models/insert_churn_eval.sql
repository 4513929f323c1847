-- insert_churn_eval: one churn_eval row per row of the registered frame `curves_frame`
-- (model, curve, point, x, y). Parameters: $run_id.
INSERT INTO churn_eval (run_id, model, curve, point, x, y)
SELECT $run_id, model, curve, point, x, y
FROM curves_frame;
