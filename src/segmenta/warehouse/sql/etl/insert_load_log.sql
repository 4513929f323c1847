-- The record of this load.
INSERT INTO load_log VALUES (
    $load_id, $source_file, $file_kind, $file_format, $encoding, $sha256,
    $rows_in, $rows_loaded, $rows_rejected, $rules, $started_at, $finished_at
);
