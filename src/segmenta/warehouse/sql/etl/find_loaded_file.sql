-- Loads of a file with these exact bytes ($sha256) and kind: the same bytes load once.
SELECT load_id, source_file, finished_at
FROM load_log
WHERE sha256 = $sha256 AND file_kind = $file_kind
ORDER BY load_id
LIMIT 1;
