-- segment_summary_all_time: segment_summary.sql when no date or country filter is set: the same
-- columns, one row per segment of the latest model run with covered customers, computed from
-- the run's per-customer features instead of the invoice lines (monetary = gross revenue,
-- frequency = purchase invoices, items, returns: the same definitions, over every line up to
-- the run's as_of_date), so the overview reads no invoice line at all.
WITH
covered AS (
    SELECT
        c.segment_id, c.segment, c.recency_days, c.frequency,
        c.monetary AS revenue, c.frequency AS invoices, c.items, c.returns AS returned_items
    FROM customer_360 c
    WHERE {{customer_filter}}
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
ORDER BY segment_id;
