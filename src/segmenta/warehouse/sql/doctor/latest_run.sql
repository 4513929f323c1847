-- The latest model run covers the customer-analytics population, with valid churn scores.
WITH
run AS (SELECT run_id, kind FROM latest_run),
seg AS (SELECT count(*) AS n FROM customer_segment JOIN run USING (run_id)),
bad_churn AS (SELECT count(*) AS n FROM churn_score JOIN run USING (run_id) WHERE NOT churn_probability BETWEEN 0 AND 1),
pop AS (SELECT count(DISTINCT customer_key) AS n FROM v_customer_line)
SELECT
    (SELECT count(*) FROM run) = 1 AND bad_churn.n = 0
        AND (seg.n = pop.n OR (SELECT kind FROM run) <> 'invoices'),
    CASE WHEN (SELECT count(*) FROM run) = 0 THEN 'no model run yet (segmenta model)'
         ELSE format('run {}: {} customers segmented (population {}), {} churn scores outside 0..1',
                     (SELECT run_id FROM run), seg.n, pop.n, bad_churn.n) END
FROM seg, bad_churn, pop;
