-- customer_grid: one row per covered customer, one block ($limit rows from $offset) of the
-- customers grid, for every filter state: who (name, id, home country), the latest run's
-- segment ('Not segmented' for a customer the run has not segmented), churn probability and
-- risk band, recency (days) and frequency (invoices), all as of the run's as-of date; and over
-- the filtered lines (every line when no date or country filter is set, from agg_invoice_day,
-- which every load keeps current): gross revenue, purchase invoices, return rate (units
-- returned / units bought) and the day of the last purchase. The grid_filter slot (free-text
-- search, the grid's column filters) and order_by are built from an allow-list of the grid's
-- columns.
WITH
people AS (
    -- the run's customers, and the analytics population's customers with lines it has not
    -- segmented (dim_customer: known, not excluded, first_purchase_at set when it has lines)
    SELECT d.customer_key, d.display_name, d.customer_id, k.country_name AS country,
           s.segment_id, coalesce(s.segment, 'Not segmented') AS segment, s.churn_probability,
           s.risk_band, s.recency_days, s.frequency
    FROM dim_customer d
    JOIN dim_country k ON k.country_key = d.country_key
    LEFT JOIN customer_360 s ON s.customer_key = d.customer_key
    WHERE s.customer_key IS NOT NULL
       OR (d.customer_key <> 0 AND NOT d.is_excluded AND d.first_purchase_at IS NOT NULL)
),
customers AS (
    SELECT c.* FROM people c WHERE {{customer_filter}}
),
lines AS (
    SELECT f.customer_key, f.invoice_no, f.date_key, f.purchase_lines, f.revenue, f.items,
           f.returned_items
    FROM agg_invoice_day f
    WHERE f.customer_key IN (SELECT customer_key FROM customers)
      AND {{line_filter}}
),
per_customer AS (
    SELECT
        customer_key,
        sum(revenue)                                                 AS revenue,
        count(DISTINCT invoice_no) FILTER (WHERE purchase_lines > 0) AS invoices,
        sum(items)                                                   AS items,
        sum(returned_items)                                          AS returned_items,
        max(date_key) FILTER (WHERE purchase_lines > 0)              AS last_purchase_key
    FROM lines
    GROUP BY customer_key
),
grid AS (
    SELECT
        c.customer_key, c.display_name, c.customer_id, c.country, c.segment_id, c.segment,
        c.churn_probability, c.risk_band,
        coalesce(p.revenue, 0) AS revenue,
        coalesce(p.invoices, 0) AS invoices,
        c.recency_days, c.frequency,
        p.returned_items / nullif(p.items, 0) AS return_rate,
        make_date(p.last_purchase_key // 10000, p.last_purchase_key // 100 % 100,
                  p.last_purchase_key % 100) AS last_purchase_at
    FROM customers c
    LEFT JOIN per_customer p ON p.customer_key = c.customer_key
    WHERE {{coverage_filter}}
)
-- {{grid_select}} / {{grid_page}}: a block of rows (* ... ORDER BY ... LIMIT $limit OFFSET
-- $offset) or the row count for the same filters (count(customer_key) AS n, no page).
SELECT {{grid_select}}
FROM grid
WHERE {{grid_filter}}
{{grid_page}};
