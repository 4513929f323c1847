-- customer_grid: one row per covered customer, one block ($limit rows from $offset) of the
-- customers grid, when no date or country filter is set: the profile columns of customer_360;
-- revenue and invoices are the run's features (monetary, frequency: the whole history up to
-- the run's as_of_date), so no invoice line is read and a block costs the same at a million
-- customers. The grid_filter slot (free-text search, the grid's column filters) and order_by
-- are built from an allow-list of the grid's columns.
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
-- {{grid_select}} / {{grid_page}}: a block of rows (* ... ORDER BY ... LIMIT $limit OFFSET
-- $offset) or the row count for the same filters (count(customer_key) AS n, no page).
SELECT {{grid_select}}
FROM grid
WHERE {{grid_filter}}
{{grid_page}};
