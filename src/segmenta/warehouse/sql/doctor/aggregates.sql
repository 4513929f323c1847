-- The pre-aggregates hold every load exactly once: per load, agg_invoice_day's lines and
-- revenue and agg_product_day's purchase lines match fact_invoice_line, and agg_product_day
-- was built for the latest model run. Fixed by `segmenta model` (or the next ingest).
WITH
purchases AS (
    SELECT load_id, quantity > 0 AND NOT is_cancellation AS is_purchase, amount
    FROM fact_invoice_line
),
facts AS (
    SELECT load_id, count(*) AS lines, count(*) FILTER (WHERE is_purchase) AS purchase_lines,
           coalesce(sum(amount) FILTER (WHERE is_purchase), 0) AS revenue
    FROM purchases GROUP BY load_id
),
invoice_day AS (
    SELECT load_id, sum(lines) AS lines, sum(revenue) AS revenue
    FROM agg_invoice_day GROUP BY load_id
),
product_day AS (
    SELECT load_id, sum(purchase_lines) AS purchase_lines FROM agg_product_day GROUP BY load_id
),
compared AS (
    SELECT
        coalesce(f.load_id, i.load_id, p.load_id) AS load_id,
        coalesce(f.lines, 0) = coalesce(i.lines, 0)
            AND coalesce(f.revenue, 0) = coalesce(i.revenue, 0)  -- exact DECIMAL sums
            AND coalesce(f.purchase_lines, 0) = coalesce(p.purchase_lines, 0) AS ok
    FROM facts f
    FULL JOIN invoice_day i ON i.load_id = f.load_id
    FULL JOIN product_day p ON p.load_id = coalesce(f.load_id, i.load_id)
),
stale AS (
    SELECT count(*) AS n FROM agg_product_day
    WHERE run_id IS DISTINCT FROM (SELECT run_id FROM latest_run)
)
SELECT
    (SELECT count(*) FROM compared WHERE NOT ok) = 0 AND stale.n = 0 AS ok,
    CASE
        WHEN (SELECT count(*) FROM compared WHERE NOT ok) = 0 AND stale.n = 0
            THEN format('agg_invoice_day {} rows, agg_product_day {} rows: every load matches the facts',
                        (SELECT count(*) FROM agg_invoice_day), (SELECT count(*) FROM agg_product_day))
        ELSE format('out of step with the facts: loads {}; {} agg_product_day rows from an older model run; run `segmenta model` to rebuild',
                    (SELECT coalesce(string_agg(load_id::VARCHAR, ', ' ORDER BY load_id), 'none') FROM compared WHERE NOT ok),
                    stale.n)
    END AS detail
FROM stale;
