-- insert_churn_score: one churn_score row per row of the registered frame `scores_frame`
-- (customer_key, churn_probability, risk_band, eval_split, eval_churned, eval_p_classifier,
-- eval_p_recency, eval_p_bgnbd). Parameters: $run_id.
INSERT INTO churn_score (run_id, customer_key, churn_probability, risk_band, eval_split,
                         eval_churned, eval_p_classifier, eval_p_recency, eval_p_bgnbd)
SELECT $run_id, customer_key, churn_probability, risk_band, eval_split, eval_churned,
       eval_p_classifier, eval_p_recency, eval_p_bgnbd
FROM scores_frame;
