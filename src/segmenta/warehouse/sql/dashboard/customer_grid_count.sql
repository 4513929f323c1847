-- customer_grid_count: one row: how many rows customer_grid.sql has for the same filters
-- (the grid's row count).
WITH
grid AS (
    SELECT
        c.customer_key, c.display_name, c.customer_id, c.country, c.segment_id, c.segment,
        c.churn_probability, c.risk_band,
        coalesce(c.monetary, 0) AS revenue,
        coalesce(c.frequency, 0) AS invoices,
        c.recency_days, c.frequency, c.return_rate, c.last_purchase_at
    FROM customer_360 c
    WHERE {{customer_filter}}
)
SELECT count(customer_key) AS n  -- not count(*): DuckDB then reads only the columns used
FROM grid
WHERE {{grid_filter}};
