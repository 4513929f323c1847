-- data_fingerprint (query): one row describing what a model run reads: every load (id, file
-- hash, rows loaded) in load order, and the row counts of the fact and customer tables. The
-- run hashes this row into model_run.data_fingerprint.
SELECT
    (SELECT coalesce(string_agg(load_id || ':' || sha256 || ':' || rows_loaded, ';' ORDER BY load_id), '')
     FROM load_log)                              AS loads,
    (SELECT count(*) FROM fact_invoice_line)     AS n_lines,
    (SELECT count(*) FROM dim_customer)          AS n_customers,
    (SELECT count(*) FROM dim_customer WHERE is_excluded) AS n_excluded;
