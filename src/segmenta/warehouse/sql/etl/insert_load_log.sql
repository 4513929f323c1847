-- The record of this load.
INSERT INTO load_log (
    load_id, source_file, file_kind, file_format, encoding, sha256,
    rows_in, rows_loaded, rows_rejected, rules, started_at, finished_at,
    invoices_already_loaded, lines_replaced
) VALUES (
    $load_id, $source_file, $file_kind, $file_format, $encoding, $sha256,
    $rows_in, $rows_loaded, $rows_rejected, $rules, $started_at, $finished_at,
    $invoices_already_loaded, $lines_replaced
);
