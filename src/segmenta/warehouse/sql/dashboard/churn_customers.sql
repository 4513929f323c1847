-- churn_customers: one row per covered customer with a churn score, for every filter state:
-- key, id, name, home country, segment, churn probability and risk band (of the latest run, as
-- of its as-of date) and the gross revenue of their filtered purchase lines (quantity > 0 on a
-- non-cancellation invoice; every line when no date or country filter is set), from
-- agg_invoice_day, which every load keeps current (an exact DECIMAL sum). The churn page aggregates
-- these rows (distribution, by segment, by country) and ranks them by revenue x probability.
-- Customers the run has not scored (first seen after it) are not listed: they have no score.
WITH
customers AS (
    SELECT c.customer_key, c.customer_id, c.display_name, c.country, c.segment_id, c.segment,
           c.churn_probability, c.risk_band
    FROM customer_360 c
    WHERE {{customer_filter}} AND c.churn_probability IS NOT NULL
),
lines AS (
    SELECT f.customer_key, sum(f.revenue) AS revenue
    FROM agg_invoice_day f
    WHERE f.customer_key IN (SELECT customer_key FROM customers)
      AND {{line_filter}}
    GROUP BY f.customer_key
)
SELECT
    c.customer_key, c.customer_id, c.display_name, c.country, c.segment_id, c.segment,
    c.churn_probability, c.risk_band, coalesce(l.revenue, 0) AS revenue
FROM customers c
LEFT JOIN lines l ON l.customer_key = c.customer_key
WHERE {{coverage_filter}};
