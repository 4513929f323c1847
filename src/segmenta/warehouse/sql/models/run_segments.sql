-- run_segments (query): one row per segment of run $run_id with the name in force (a manager's
-- label where there is one), in segment_id order. Parameters: $run_id.
SELECT segment_id, display_label AS segment, name, description, signature, n_customers, is_renamed
FROM segment_named
WHERE run_id = $run_id
ORDER BY segment_id;
