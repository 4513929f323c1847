-- income_spending: one row per covered customer with an annual income, at most $limit of them
-- (a fixed pseudo-random sample by customer_key, so the picture is stable): income (k per
-- year), spending score (1-100, NULL where the customer table has none), gross revenue over
-- the filtered lines, segment, display name.
WITH
customers AS (
    SELECT c.customer_key, c.display_name, c.segment_id, c.segment, c.annual_income_k,
           c.spending_score
    FROM customer_360 c
    WHERE {{customer_filter}} AND c.annual_income_k IS NOT NULL
),
lines AS (
    SELECT f.customer_key, f.revenue
    FROM agg_invoice_day f
    WHERE f.customer_key IN (SELECT customer_key FROM customers)
      AND {{line_filter}}
),
per_customer AS (
    SELECT customer_key, sum(revenue) AS revenue
    FROM lines
    GROUP BY customer_key
)
SELECT
    c.display_name, c.segment_id, c.segment, c.annual_income_k, c.spending_score,
    coalesce(p.revenue, 0) AS revenue
FROM customers c
LEFT JOIN per_customer p ON p.customer_key = c.customer_key
WHERE {{coverage_filter}}
ORDER BY hash(c.customer_key), c.customer_key
LIMIT $limit;
