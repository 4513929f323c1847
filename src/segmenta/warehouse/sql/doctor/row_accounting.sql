-- Every file row is a fact or a rejected row: sums of load_log against the tables.
SELECT
    (SELECT coalesce(sum(rows_in), 0) FROM load_log) = (SELECT coalesce(sum(rows_loaded + rows_rejected), 0) FROM load_log)
    AND (SELECT coalesce(sum(rows_loaded), 0) FROM load_log WHERE file_kind = 'invoices') = (SELECT count(*) FROM fact_invoice_line)
    AND (SELECT coalesce(sum(rows_rejected), 0) FROM load_log) = (SELECT count(*) FROM rejected_row) AS ok,
    format('load_log: {} in, {} loaded, {} rejected; facts {}, rejected_row {}',
        (SELECT coalesce(sum(rows_in), 0) FROM load_log),
        (SELECT coalesce(sum(rows_loaded), 0) FROM load_log),
        (SELECT coalesce(sum(rows_rejected), 0) FROM load_log),
        (SELECT count(*) FROM fact_invoice_line),
        (SELECT count(*) FROM rejected_row)) AS detail;
