-- projection_sample: one row per covered customer, at most $limit of them (a fixed pseudo-random
-- sample by hash of customer_key, so the picture is stable): the 2-D PCA projection (pc1, pc2)
-- of the latest run, segment, name, churn probability; n_covered is the number of covered
-- customers the sample is drawn from.
WITH
customers AS (
    SELECT c.customer_key, c.display_name, c.segment_id, c.segment, c.pc1, c.pc2,
           c.churn_probability
    FROM customer_360 c
    WHERE {{customer_filter}}
),
lines AS (
    SELECT DISTINCT f.customer_key
    FROM agg_invoice_day f
    JOIN customers c ON c.customer_key = f.customer_key
    WHERE {{line_filter}}
),
covered AS (
    SELECT c.*, count(*) OVER () AS n_covered
    FROM customers c
    WHERE {{coverage_filter}}
)
SELECT customer_key, display_name, segment_id, segment, pc1, pc2, churn_probability, n_covered
FROM covered
ORDER BY hash(customer_key), customer_key
LIMIT $limit;
