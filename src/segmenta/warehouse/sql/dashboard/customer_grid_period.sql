-- customer_grid_period: as customer_grid.sql, when a date or country filter is set: one row
-- per covered customer with gross revenue and purchase invoices over the filtered lines
-- (from agg_invoice_day).
WITH
customers AS (
    SELECT
        c.customer_key, c.display_name, c.customer_id, c.country, c.segment_id, c.segment,
        c.churn_probability, c.risk_band, c.recency_days, c.frequency, c.return_rate,
        c.last_purchase_at
    FROM customer_360 c
    WHERE {{customer_filter}}
),
lines AS (
    SELECT f.customer_key, f.invoice_no, f.purchase_lines, f.revenue
    FROM agg_invoice_day f
    WHERE f.customer_key IN (SELECT customer_key FROM customers)
      AND {{line_filter}}
),
per_customer AS (
    SELECT
        customer_key,
        sum(revenue)                                                 AS revenue,
        count(DISTINCT invoice_no) FILTER (WHERE purchase_lines > 0) AS invoices
    FROM lines
    GROUP BY customer_key
),
grid AS (
    SELECT
        c.customer_key, c.display_name, c.customer_id, c.country, c.segment_id, c.segment,
        c.churn_probability, c.risk_band,
        coalesce(p.revenue, 0) AS revenue,
        coalesce(p.invoices, 0) AS invoices,
        c.recency_days, c.frequency, c.return_rate, c.last_purchase_at
    FROM customers c
    JOIN per_customer p ON p.customer_key = c.customer_key
)
-- {{grid_select}} / {{grid_page}}: a block of rows (* ... ORDER BY ... LIMIT $limit OFFSET
-- $offset) or the row count for the same filters (count(customer_key) AS n, no page).
SELECT {{grid_select}}
FROM grid
WHERE {{grid_filter}}
{{grid_page}};
