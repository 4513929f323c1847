-- model_freshness: zero or one row (none before the first model run): how far the latest run
-- is behind the facts: run_id, kind and as_of_date of the run; lines_loaded_since, the invoice
-- lines of the loads that started after the run was made (load_log.rows_loaded); lines_after,
-- the lines dated after the run's as-of date (from agg_invoice_day; 0 for a customer-table run);
-- unsegmented, the analytics population's customers with lines that the run has not segmented
-- (first seen after it, or without a purchase up to its as-of date: the overview's 'Not
-- segmented' row with no filter set).
SELECT
    r.run_id,
    r.kind,
    r.as_of_date,
    (SELECT coalesce(sum(l.rows_loaded), 0) FROM load_log l
      WHERE l.file_kind = 'invoices' AND l.started_at > r.created_at)       AS lines_loaded_since,
    (SELECT coalesce(sum(f.lines), 0) FROM agg_invoice_day f
      WHERE r.as_of_date IS NOT NULL
        AND f.date_key > year(r.as_of_date) * 10000 + month(r.as_of_date) * 100
                         + day(r.as_of_date))                              AS lines_after,
    (SELECT count(*) FROM dim_customer d
      WHERE d.customer_key <> 0 AND NOT d.is_excluded AND d.first_purchase_at IS NOT NULL
        AND d.customer_key NOT IN (SELECT customer_key FROM customer_360)) AS unsegmented
FROM latest_run r;
