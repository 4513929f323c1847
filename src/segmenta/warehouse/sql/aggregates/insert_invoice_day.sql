-- insert_invoice_day: add the agg_invoice_day rows of the loads in $load_ids (their lines are in
-- fact_invoice_line and none of their rows are in agg_invoice_day yet).
INSERT INTO agg_invoice_day
WITH
lines AS (
    SELECT f.load_id, f.invoice_no, f.customer_key, f.country_key, f.date_key, f.quantity,
           f.amount, f.is_return,
           f.quantity > 0 AND NOT f.is_cancellation AS is_purchase
    FROM fact_invoice_line f
    WHERE list_contains($load_ids, f.load_id)
)
SELECT
    load_id, invoice_no, customer_key, country_key, date_key,
    CAST(count(*) AS INTEGER)                                           AS lines,
    CAST(count(*) FILTER (WHERE is_purchase) AS INTEGER)                AS purchase_lines,
    coalesce(sum(amount) FILTER (WHERE is_purchase), 0)                 AS revenue,
    CAST(coalesce(sum(quantity) FILTER (WHERE is_purchase), 0) AS BIGINT) AS items,
    CAST(coalesce(-sum(quantity) FILTER (WHERE is_return), 0) AS BIGINT)  AS returned_items
FROM lines
GROUP BY load_id, invoice_no, customer_key, country_key, date_key;
