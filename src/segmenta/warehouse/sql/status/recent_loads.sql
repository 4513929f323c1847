-- The five most recent loads, newest first.
SELECT load_id, source_file, file_kind, file_format, rows_in, rows_loaded, rows_rejected
FROM load_log ORDER BY load_id DESC LIMIT 5;
