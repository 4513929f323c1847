-- redo_replaced_product_day: rebuild the agg_product_day rows of every (load, day) that held a
-- replaced line (staged_replaced_lines), from the facts left, with each customer's segment and
-- risk band in model run $run_id (NULL: no run yet); as insert_product_day.sql otherwise.
INSERT INTO agg_product_day
WITH
segments AS (
    SELECT s.customer_key, s.segment_id, r.risk_band
    FROM customer_segment s
    LEFT JOIN churn_score r ON r.run_id = s.run_id AND r.customer_key = s.customer_key
    WHERE s.run_id = $run_id
),
lines AS (
    SELECT f.load_id, f.product_key, f.country_key, f.date_key, f.customer_key, f.quantity,
           f.amount, f.is_cancellation,
           f.quantity > 0 AND NOT f.is_cancellation AS is_purchase
    FROM fact_invoice_line f
    WHERE EXISTS (
        SELECT 1 FROM staged_replaced_lines r
        WHERE r.load_id = f.load_id AND r.date_key = f.date_key
    )
)
SELECT
    CAST($run_id AS INTEGER)                                              AS run_id,
    l.load_id, l.product_key, l.country_key, l.date_key, s.segment_id, s.risk_band,
    coalesce(sum(l.amount) FILTER (WHERE l.is_purchase), 0)                 AS revenue,
    CAST(coalesce(sum(l.quantity) FILTER (WHERE l.is_purchase), 0) AS BIGINT) AS quantity,
    CAST(count(*) FILTER (WHERE l.is_purchase) AS INTEGER)                  AS purchase_lines,
    CAST(coalesce(-sum(l.quantity) FILTER (WHERE l.quantity < 0), 0) AS BIGINT) AS returned,
    CAST(count(*) FILTER (WHERE l.is_cancellation) AS INTEGER)              AS cancelled_lines
FROM lines l
LEFT JOIN segments s ON s.customer_key = l.customer_key
GROUP BY l.load_id, l.product_key, l.country_key, l.date_key, s.segment_id, s.risk_band;
