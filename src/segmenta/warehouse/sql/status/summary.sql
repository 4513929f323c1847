-- One row: the warehouse's counts for `segmenta status`.
SELECT
    (SELECT count(*) FROM load_log),
    (SELECT coalesce(sum(rows_in), 0) FROM load_log),
    (SELECT coalesce(sum(rows_loaded), 0) FROM load_log),
    (SELECT coalesce(sum(rows_rejected), 0) FROM load_log),
    (SELECT count(*) FROM fact_invoice_line),
    (SELECT count(DISTINCT invoice_no) FROM fact_invoice_line),
    (SELECT min(invoice_ts)::DATE FROM fact_invoice_line),
    (SELECT max(invoice_ts)::DATE FROM fact_invoice_line),
    (SELECT count(*) FROM dim_customer WHERE customer_key <> 0),
    (SELECT count(*) FROM dim_customer WHERE is_excluded),
    (SELECT count(*) FROM dim_product),
    (SELECT count(*) FROM dim_country WHERE country_key <> 0),
    (SELECT count(*) FROM v_customer_line),
    (SELECT count(DISTINCT customer_key) FROM v_customer_line);
