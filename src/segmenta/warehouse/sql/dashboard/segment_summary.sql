-- segment_summary: one row per segment of the latest model run that has covered customers, in
-- segment_id order, then one 'Not segmented' row (segment_id NULL) for the covered customers the
-- run has not segmented (first seen after the run, or without a purchase up to its as-of date),
-- for every filter state: customers (count and share) and, over the filtered lines (all lines
-- when no date or country filter is set), gross revenue, revenue per customer and share,
-- purchase invoices, units bought, units returned and return rate; the mean recency (days) and
-- frequency (invoices) of the run's features, as of the run's as-of date (NULL for the 'Not
-- segmented' row). A purchase line has quantity > 0 on a non-cancellation invoice and a return
-- line quantity < 0, as in the models' features. The overview's KPI cards are sums of these
-- rows. The line figures come from agg_invoice_day, which every load keeps current.
WITH
people AS (
    -- the run's customers, and the analytics population's customers with lines it has not
    -- segmented (dim_customer: known, not excluded, first_purchase_at set when it has lines)
    SELECT d.customer_key, s.segment_id, coalesce(s.segment, 'Not segmented') AS segment,
           s.risk_band, s.recency_days, s.frequency
    FROM dim_customer d
    LEFT JOIN customer_360 s ON s.customer_key = d.customer_key
    WHERE s.customer_key IS NOT NULL
       OR (d.customer_key <> 0 AND NOT d.is_excluded AND d.first_purchase_at IS NOT NULL)
),
customers AS (
    SELECT c.customer_key, c.segment_id, c.segment, c.recency_days, c.frequency
    FROM people c
    WHERE {{customer_filter}}
),
lines AS (
    SELECT f.customer_key, f.invoice_no, f.purchase_lines, f.revenue, f.items, f.returned_items
    FROM agg_invoice_day f
    WHERE f.customer_key IN (SELECT customer_key FROM customers)
      AND {{line_filter}}
),
per_customer AS (
    SELECT
        customer_key,
        sum(revenue)                                               AS revenue,
        count(DISTINCT invoice_no) FILTER (WHERE purchase_lines > 0) AS invoices,
        CAST(sum(items) AS DOUBLE)                                 AS items,
        CAST(sum(returned_items) AS DOUBLE)                        AS returned_items
    FROM lines
    GROUP BY customer_key
),
covered AS (
    SELECT c.segment_id, c.segment, c.recency_days, c.frequency,
           p.revenue, p.invoices, p.items, p.returned_items
    FROM customers c
    LEFT JOIN per_customer p ON p.customer_key = c.customer_key
    WHERE {{coverage_filter}}
)
SELECT
    segment_id,
    any_value(segment)                                            AS segment,
    count(*)                                                      AS customers,
    count(*) / sum(count(*)) OVER ()                              AS customer_share,
    coalesce(sum(revenue), 0)                                     AS revenue,
    coalesce(sum(revenue), 0) / count(*)                          AS revenue_per_customer,
    coalesce(sum(revenue), 0) / nullif(sum(sum(revenue)) OVER (), 0) AS revenue_share,
    avg(recency_days)                                             AS recency_days,
    avg(frequency)                                                AS frequency,
    CAST(coalesce(sum(invoices), 0) AS BIGINT)                    AS invoices,
    coalesce(sum(items), 0)                                       AS items,
    coalesce(sum(returned_items), 0)                              AS returned_items,
    coalesce(sum(returned_items), 0) / nullif(sum(items), 0)      AS return_rate
FROM covered
GROUP BY segment_id
ORDER BY segment_id NULLS LAST;
